"""The year's data as the rule language reads it: one ``ControlData`` loaded through the dataset layer.

* ``units`` and ``tables``: the year's values of ``kostra.dataset.year_values`` (latest submitted versions with
  the edits that count), made wide by ``kostra.controls.wide`` (form 5 summed into the municipality's row).
  ``previous``: the same for last year, read through ``kostra.dataset.previous_year_values`` in this year's
  region structure (renumbered municipalities 1:1, mergers summed for additive fields, splits not applicable),
  or None when there is no last year (``Snapshot.last_year`` says why; ``prev()`` is then not applicable).
* ``population``: the newest population year ≤ ``year`` (unit = region code; Oslo districts have no sex split,
  their ``sex`` is null). ``registers``: ``RegisterValue`` rows of the year, one column per measure.
* ``accounts``: the accounts attachment each unit **submitted** (``kostra.dataset.submitted_attachments``, forms
  with ``delivery: accounts``), summed by kontoklasse, function and art (1000 NOK). Parsed accounts are cached
  per attachment SHA-256, so a second run reads only the hashes.
* ``submissions``: (unit, form) → (submission id, version) judged, which every stored control result names.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import Delivery
from kostra.catalog.forms import available_years, load_catalog
from kostra.controls.form_rules import schema_of_year
from kostra.controls.language import ControlData, Schema
from kostra.controls.last_year import LastYear
from kostra.controls.wide import FORM5, tables_frames, units_frame
from kostra.dataset import ValueStatus, previous_year_values, submitted_attachments, year_values
from kostra.dataset.cache import cached
from kostra.dataset.previous import last_year_reform
from kostra.errors import UnknownYear
from kostra.intake.fixedwidth import TEXT_COLUMN, read_lines
from kostra.intake.layouts import load_layout
from kostra.reference import regions
from kostra.reference.grouping import grouping_in_database
from kostra.store.models import Attachment, Edit, PopulationCount, RegisterValue, Submission
from kostra.store.models import Unit as UnitRow

__all__ = ["FORM5", "LastYear", "Snapshot", "UnitInfo", "accounts_frame", "load_snapshot"]

_CLEAN = ("OK", "INFO", "WARNING")
_ACCOUNTS_SCHEMA = {"unit": pl.String, "kontoklasse": pl.String, "funksjon": pl.String, "art": pl.String,
                    "belop": pl.Float64}


@dataclass(frozen=True)
class UnitInfo:
    """What controls need to know about a unit: its kind, municipality, county and KOSTRA group."""

    code: str
    kind: str
    municipality_code: str | None
    county: str | None
    group: str | None


@dataclass(frozen=True)
class Snapshot:
    """The year's ``ControlData`` plus the units and which forms each unit has submitted."""

    year: int
    data: ControlData
    units: Mapping[str, UnitInfo]
    reported: frozenset[tuple[str, str]]   # (unit, form id) with a latest submission (nil returns included)
    nil: frozenset[tuple[str, str]]
    population_year: int | None
    # (unit, form id) → (submission id, version) of the latest submission judged
    submissions: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    last_year: LastYear | None = None   # last year's data in this year's structure, or why there is none


def load_snapshot(session: Session, year: int, *, unit_codes: Iterable[str] | None = None,
                  cache_dir: Path | None = None) -> Snapshot:
    """Load ``year`` (and ``year - 1`` as ``previous``) through the dataset layer into a :class:`Snapshot`.

    ``cache_dir`` (KOSTRA_HOME/cache) keeps the year's values, last year's and the parsed accounts between
    processes, each under a fingerprint of what it was built from.
    """
    units = _units(session, year, unit_codes)
    schema = schema_of_year(year)
    codes = None if unit_codes is None else list(units)
    current = year_values(session, year, units=codes, expected=False, cache_dir=cache_dir)
    population, population_year = _population(session, year, cache_dir)
    last_year = _previous(session, year, units, schema, cache_dir)
    data = ControlData(
        units=units_frame(current, units, schema),
        tables=tables_frames(current, units, schema),
        previous=last_year.data,
        accounts=accounts_frame(session, year, units, cache_dir),
        population=population,
        registers=_registers(session, year, units),
    )
    judged = current.filter(pl.col("submission_id").is_not_null()).select(
        "unit_code", "form_id", "submission_id", "version", (pl.col("status") == ValueStatus.NIL.value).alias("nil")
    ).unique(["unit_code", "form_id"]).filter(pl.col("unit_code").is_in(list(units)))
    submissions = {(u, f): (s, v) for u, f, s, v, _ in judged.iter_rows()}
    nil = frozenset((u, f) for u, f, _, _, is_nil in judged.iter_rows() if is_nil)
    return Snapshot(year, data, units, frozenset(submissions), nil, population_year, submissions, last_year)


def _previous(session: Session, year: int, units: Mapping[str, UnitInfo], schema: Schema,
              cache_dir: Path | None = None) -> LastYear:
    """Last year's data in this year's region structure, or why there is none (the first year with definitions,
    no submissions); cached while last year's submissions and edits are unchanged (they rarely are)."""
    key = ("previous", str(session.get_bind().url), year, tuple(units), _version(session, year - 1))
    found = _memo_get(key)
    if found is None:
        found = _read_previous(session, year, units, schema, cache_dir)
        _memo_put(key, found)
    return found  # type: ignore[no-any-return]


def _read_previous(session: Session, year: int, units: Mapping[str, UnitInfo], schema: Schema,
                   cache_dir: Path | None) -> LastYear:
    if year - 1 not in available_years():
        return LastYear.absent(year, f"ingen skjemadefinisjoner for {year - 1}", f"no form definitions for {year - 1}")
    values = previous_year_values(session, year, cache_dir=cache_dir)
    if values.is_empty():
        return LastYear.absent(year, f"ingen innsendte skjemaer for {year - 1}", f"no submitted forms for {year - 1}")
    data = ControlData(units=units_frame(values, units, schema), tables=tables_frames(values, units, schema))
    return LastYear(year - 1, data, last_year_reform(year))


def _version(session: Session, year: int) -> tuple[Any, ...]:
    """A cheap fingerprint of a year's submissions and edits: any new version or edit changes it."""
    submissions = session.execute(select(func.count(Submission.id), func.max(Submission.id)).where(
        Submission.year == year)).one()
    edits = session.execute(select(func.count(Edit.id), func.max(Edit.id)).where(Edit.year == year)).one()
    return (*submissions, *edits)


_memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def _memo_get(key: tuple[Any, ...]) -> Any:
    with _cache_lock:
        return _memo.get(key)


def _memo_put(key: tuple[Any, ...], value: Any) -> None:
    with _cache_lock:
        _memo[key] = value
        while len(_memo) > 8:
            _memo.popitem(last=False)


# --- units ------------------------------------------------------------------------------------------------

def _units(session: Session, year: int, unit_codes: Iterable[str] | None) -> dict[str, UnitInfo]:
    # A municipality that no longer exists (inactive) still reports for the years of its structure.
    query = select(UnitRow).where(UnitRow.active.is_(True) | UnitRow.code.in_(_municipalities_of(year))).order_by(
        UnitRow.code)
    if unit_codes is not None:
        query = query.where(UnitRow.code.in_(list(unit_codes)))
    groups = _kostra_groups(session, year)
    found = {}
    for row in session.scalars(query):
        municipality = row.code if row.kind == "municipality" else row.municipality_code
        county = row.code[:2] if row.kind == "county" else (municipality[:2] if municipality else None)
        group = groups.get(row.code) or (groups.get(municipality) if municipality else None)
        found[row.code] = UnitInfo(row.code, row.kind, municipality, county, group)
    return found


def _municipalities_of(year: int) -> list[str]:
    try:
        return [r.code for r in regions(year, "kommune")]
    except UnknownYear:
        return []


def _kostra_groups(session: Session, year: int) -> Mapping[str, str]:
    """Municipality → EKG## in force for ``year`` (``kostra.reference.grouping``, the one source): official
    once loaded from KLASS, else the APPROXIMATION; empty when the database holds no reference data."""
    grouping = grouping_in_database(session, year)
    return {} if grouping is None else grouping.groups


# --- population and registers ---------------------------------------------------------------------------

def _population(session: Session, year: int, cache_dir: Path | None = None) -> tuple[pl.DataFrame, int | None]:
    chosen = session.scalar(select(func.max(PopulationCount.year)).where(PopulationCount.year <= year))
    if chosen is None:
        return pl.DataFrame(schema={"unit": pl.String, "age": pl.Int64, "sex": pl.Int64, "persons": pl.Int64}), None
    fingerprint = session.execute(select(func.count(), func.sum(PopulationCount.persons)).where(
        PopulationCount.year == chosen)).one()
    key = ("population", str(session.get_bind().url), chosen, *fingerprint)
    found = _memo_get(key)
    if found is None:
        found = cached(cache_dir, f"population-{chosen}", "-".join(str(k) for k in fingerprint),
                       lambda: _population_rows(session, chosen))
        _memo_put(key, found)
    return found, chosen


def _population_rows(session: Session, chosen: int) -> pl.DataFrame:
    rows = session.execute(select(PopulationCount.region_code, PopulationCount.age, PopulationCount.sex,
                                  PopulationCount.persons).where(PopulationCount.year == chosen)).all()
    frame = pl.DataFrame(rows, schema={"unit": pl.String, "age": pl.Int64, "sex": pl.String, "persons": pl.Int64},
                         orient="row")
    # Districts have no sex split ('-'): their sex is unknown, not a code.
    return frame.with_columns(pl.col("sex").cast(pl.Int64, strict=False))


def _registers(session: Session, year: int, units: Mapping[str, UnitInfo]) -> pl.DataFrame:
    rows = session.execute(select(RegisterValue.unit_code, RegisterValue.measure, RegisterValue.value).where(
        RegisterValue.year == year)).all()
    long = pl.DataFrame([r for r in rows if r[0] in units],
                        schema={"unit": pl.String, "measure": pl.String, "value": pl.Float64}, orient="row")
    if long.is_empty():
        return pl.DataFrame(schema={"unit": pl.String})
    return long.pivot(on="measure", index="unit", values="value", aggregate_function="first")


# --- accounts ---------------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_accounts_cache: OrderedDict[tuple[str, str, int], pl.DataFrame] = OrderedDict()
_CACHE_SIZE = 4096


def accounts_frame(session: Session, year: int, units: Mapping[str, UnitInfo],
                   cache_dir: Path | None = None) -> pl.DataFrame:
    """Accounts of the accounts attachment each unit submitted, per form, summed per kontoklasse, function
    and art (``belop`` in 1000 NOK). Parsed files are kept per SHA-256 in memory and, with ``cache_dir``, in
    ``accounts-<year>.parquet`` there, so a new process parses only files it has not seen."""
    forms = [f.id for f in load_catalog(year).forms() if f.definition.delivery is Delivery.ACCOUNTS]
    submitted = [a for a in submitted_attachments(session, year, forms=forms) if a.unit_code in units]
    clean = set(session.scalars(select(Attachment.id).where(
        Attachment.id.in_([a.attachment_id for a in submitted]), Attachment.severity.in_(_CLEAN))))
    counted = [a for a in submitted if a.attachment_id in clean]
    if not counted:
        return pl.DataFrame(schema=_ACCOUNTS_SCHEMA)
    parsed = _parsed(session, year, {(a.sha256, a.form_id): a.attachment_id for a in counted}, cache_dir)
    owners = pl.DataFrame([(a.unit_code, a.form_id, a.sha256) for a in counted],
                          schema={"unit": pl.String, "form_id": pl.String, "sha256": pl.String}, orient="row")
    return owners.join(parsed, on=["sha256", "form_id"]).select(list(_ACCOUNTS_SCHEMA))


_PARSED_SCHEMA = {"sha256": pl.String, "form_id": pl.String, "kontoklasse": pl.String, "funksjon": pl.String,
                  "art": pl.String, "belop": pl.Float64}


def parsed_accounts(session: Session, year: int, wanted: Mapping[tuple[str, str], int],
                    cache_dir: Path | None) -> pl.DataFrame:
    """Each wanted file's sums by kontoklasse (as in the file), function and art (``belop`` as reported, in
    1000 NOK), with ``sha256`` and ``form_id``; ``wanted``: (sha256, form) → an attachment id holding it.

    Parsed once per content: from memory, then ``cache_dir``/accounts-<year>.parquet, then by parsing (only the
    files not seen before). The control run and the key figures share it."""
    return _parsed(session, year, wanted, cache_dir)


def _parsed(session: Session, year: int, wanted: Mapping[tuple[str, str], int],
            cache_dir: Path | None) -> pl.DataFrame:
    """(sha256, form) → the file's sums, from memory, then the cache file, then by parsing the attachment."""
    found: dict[tuple[str, str], pl.DataFrame] = {}
    with _cache_lock:
        found.update({key: _accounts_cache[(*key, year)] for key in wanted if (*key, year) in _accounts_cache})
    disk = cache_dir / f"accounts-{year}.parquet" if cache_dir is not None else None
    stored = pl.read_parquet(disk) if disk is not None and disk.is_file() else pl.DataFrame(schema=_PARSED_SCHEMA)
    keys = pl.DataFrame(list(wanted), schema={"sha256": pl.String, "form_id": pl.String}, orient="row")
    if not found and stored.select("sha256", "form_id").unique().join(keys, on=["sha256", "form_id"]).height \
            == keys.height:  # a new process, every file parsed before: one join, nothing to parse
        return stored.join(keys, on=["sha256", "form_id"], how="semi")
    on_disk = set()
    for (sha256, form_id), part in stored.partition_by(["sha256", "form_id"], as_dict=True).items():
        on_disk.add((str(sha256), str(form_id)))
        if (sha256, form_id) in wanted:
            found.setdefault((str(sha256), str(form_id)), part.drop("sha256", "form_id"))
    new = [key for key in wanted if key not in found]
    contents: dict[int, bytes] = {row[0]: row[1] for row in session.execute(
        select(Attachment.id, Attachment.content).where(Attachment.id.in_([wanted[key] for key in new])))}
    for form_id in sorted({form for _, form in new}):
        files = [(key, contents.get(wanted[key]) or b"") for key in new if key[1] == form_id]
        found.update(_parse_accounts_files(files, form_id, year))
    _remember(found, year)
    parts = [part.with_columns(pl.lit(sha256).alias("sha256"), pl.lit(form_id).alias("form_id"))
             for (sha256, form_id), part in found.items()]
    frame = pl.concat(parts).select(list(_PARSED_SCHEMA)) if parts else pl.DataFrame(schema=_PARSED_SCHEMA)
    if disk is not None and not on_disk.issuperset(wanted):
        disk.parent.mkdir(parents=True, exist_ok=True)
        partial = disk.with_suffix(f".{os.getpid()}.partial")
        pl.concat([stored, frame]).unique(["sha256", "form_id", "kontoklasse", "funksjon", "art"]).write_parquet(
            partial)
        os.replace(partial, disk)
    return frame


def _remember(found: Mapping[tuple[str, str], pl.DataFrame], year: int) -> None:
    with _cache_lock:
        for (sha256, form_id), part in found.items():
            _accounts_cache[(sha256, form_id, year)] = part
        while len(_accounts_cache) > _CACHE_SIZE:
            _accounts_cache.popitem(last=False)


def _parse_accounts_files(files: list[tuple[tuple[str, str], bytes]], form_id: str,
                          year: int) -> dict[tuple[str, str], pl.DataFrame]:
    """Many accounts files of one form at once, each summed by kontoklasse, function (3 digits) and art
    (3 digits): one Polars query over all their lines instead of one per file (≈ 700 files in the demo)."""
    layout = {f.name: f for f in load_layout(form_id, year).fields}
    frames = [read_lines(content).frame.select(TEXT_COLUMN).with_columns(pl.lit(index, dtype=pl.Int32).alias("_file"))
              for index, (_, content) in enumerate(files)]
    if not frames:
        return {}

    def cut(name: str, size: int | None = None) -> pl.Expr:
        spec = layout[name]
        return pl.col(TEXT_COLUMN).str.slice(spec.start, spec.size).str.strip_chars().str.slice(0, size or spec.size)

    sums = pl.concat(frames).select(
        "_file", cut("kontoklasse").alias("kontoklasse"), cut("funksjon_kapittel", 3).alias("funksjon"),
        cut("art_sektor", 3).alias("art"), cut("belop").cast(pl.Float64, strict=False).fill_null(0.0).alias("belop"),
    ).group_by("_file", "kontoklasse", "funksjon", "art").agg(pl.col("belop").sum())
    parts = sums.partition_by("_file", as_dict=True)
    empty = pl.DataFrame(schema={"kontoklasse": pl.String, "funksjon": pl.String, "art": pl.String,
                                 "belop": pl.Float64})
    return {key: parts[(index,)].drop("_file") if (index,) in parts else empty
            for index, (key, _) in enumerate(files)}
