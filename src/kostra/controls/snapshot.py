"""The year's data as the rule language reads it: one ``ControlData`` loaded from the database.

* ``units``: one row per unit (every row of ``units``), a column ``skjemaX.field`` per scalar field of the
  latest submission **with the statisticians' edits applied** (``kostra.followup.values.year_values``) and
  ``skjemaX.__nil`` for nil returns. Choices of multiple-choice fields are comma-joined codes, as the portal's
  form rules see them.
* Form 5 is reported per institution. Each institution's row carries its own form-5 values; in addition the
  numeric form-5 fields of a municipality's institutions are **summed into the municipality's row** (yes/no
  fields: true when any institution says yes), so cross-form rules on the municipality (form 4 against
  ``skjema5.plasser_tidsbegrenset``) see the municipality's total. The municipality's ``skjema5.__nil`` is true
  only when every institution sent a nil return. Form-5 tables stay with the institutions.
* ``tables``: ``skjemaX.table`` → unit, row, columns. ``previous``: the same for ``year - 1``.
* ``population``: the newest population year ≤ ``year`` (unit = region code; Oslo districts have no sex split,
  their ``sex`` is null). ``registers``: ``RegisterValue`` rows of the year, one column per measure.
* ``accounts``: the latest accounts attachment (forms with ``delivery: accounts``) per unit and form whose
  control found nothing worse than WARNING, summed by kontoklasse, function and art (1000 NOK). Parsed
  accounts are cached per attachment SHA-256, so a second run reads only the hashes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES, Delivery, FieldType, FormField
from kostra.catalog.forms import Catalog, Form, load_catalog
from kostra.controls.form_rules import schema_of_year
from kostra.controls.language import ControlData, Kind, Schema
from kostra.followup.values import FormValues, year_values
from kostra.intake.fixedwidth import parse_records, read_lines
from kostra.intake.layouts import load_layout
from kostra.reference.grouping import grouping_in_database
from kostra.store.models import Attachment, Edit, PopulationCount, RegisterValue, Submission
from kostra.store.models import Unit as UnitRow

__all__ = ["FORM5", "Snapshot", "UnitInfo", "accounts_frame", "load_snapshot"]

FORM5 = "5"
_POLARS_TYPES: dict[Kind, pl.DataType] = {Kind.NUMBER: pl.Float64(), Kind.BOOL: pl.Boolean(),
                                          Kind.STRING: pl.String(), Kind.CODE: pl.String()}
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


def load_snapshot(session: Session, year: int, *, unit_codes: Iterable[str] | None = None) -> Snapshot:
    """Load ``year`` (and ``year - 1`` as ``previous``) from the database into a :class:`Snapshot`."""
    units = _units(session, year, unit_codes)
    schema = schema_of_year(year)
    current = year_values(session, year)
    population, population_year = _population(session, year)
    data = ControlData(
        units=_units_frame(current, units, schema, load_catalog(year)),
        tables=_tables(current, units, schema, load_catalog(year)),
        previous=_previous(session, year, units, schema),
        accounts=accounts_frame(session, year, units),
        population=population,
        registers=_registers(session, year, units),
    )
    reported = frozenset((v.unit_code, v.form_id) for v in current if v.unit_code in units)
    nil = frozenset((v.unit_code, v.form_id) for v in current if v.nil and v.unit_code in units)
    return Snapshot(year, data, units, reported, nil, population_year)


def _catalog_or(year: int, fallback: int) -> Catalog:
    try:
        return load_catalog(year)
    except Exception:  # no definitions for the year before: read it with this year's forms
        return load_catalog(fallback)


def _previous(session: Session, year: int, units: Mapping[str, UnitInfo], schema: Schema) -> ControlData:
    """Last year's data; cached while last year's submissions and edits are unchanged (they rarely are)."""
    key = ("previous", str(session.get_bind().url), year, tuple(units), _version(session, year - 1))
    cached = _memo_get(key)
    if cached is None:
        values = year_values(session, year - 1)
        catalog = _catalog_or(year - 1, year)
        cached = ControlData(units=_units_frame(values, units, schema, catalog),
                             tables=_tables(values, units, schema, catalog))
        _memo_put(key, cached)
    return cached  # type: ignore[no-any-return]


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
    query = select(UnitRow).where(UnitRow.active.is_(True)).order_by(UnitRow.code)
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


def _kostra_groups(session: Session, year: int) -> Mapping[str, str]:
    """Municipality → EKG## in force for ``year`` (``kostra.reference.grouping``, the one source): official
    once loaded from KLASS, else the APPROXIMATION; empty when the database holds no reference data."""
    grouping = grouping_in_database(session, year)
    return {} if grouping is None else grouping.groups


# --- forms ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _fields_of(year: int, form_id: str) -> tuple[Form, tuple[FormField, ...]]:
    form = load_catalog(year).form(form_id)
    return form, form.fields()


def _form_fields(catalog: Catalog, form_id: str) -> tuple[Form, tuple[FormField, ...]]:
    # Form.fields() builds a new tuple on every call; thousands of submissions share a handful of forms.
    return _fields_of(catalog.year, form_id)


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


def _units_frame(values: list[FormValues], units: Mapping[str, UnitInfo], schema: Schema,
                 catalog: Catalog) -> pl.DataFrame:
    """One row per unit: ``skjemaX.field`` columns, ``skjemaX.__nil``, and form 5 summed per municipality."""
    index = {code: i for i, code in enumerate(units)}
    columns: dict[str, list[Any]] = {}

    def put(column: str, row: int, value: Any) -> None:
        columns.setdefault(column, [None] * len(index))[row] = value

    sums: dict[str, dict[str, Any]] = defaultdict(dict)
    nil_only: dict[str, bool] = {}
    for item in values:
        row = index.get(item.unit_code)
        if row is None:
            continue
        form, fields = _form_fields(catalog, item.form_id)
        prefix = form.rule_form
        if item.nil:
            put(f"{prefix}.__nil", row, True)
        for spec in fields:
            if spec.type is FieldType.TABLE or item.values.get(spec.name) is None:
                continue
            put(f"{prefix}.{spec.name}", row, _scalar(item.values[spec.name]))
        owner = units[item.unit_code].municipality_code
        if item.form_id == FORM5 and units[item.unit_code].kind == "institution" and owner in index:
            nil_only[owner] = nil_only.get(owner, True) and item.nil
            _add_institution(sums[owner], fields, item.values)
    for owner, totals in sums.items():
        for name, total in totals.items():
            put(f"skjema5.{name}", index[owner], total)
        put("skjema5.__nil", index[owner], nil_only[owner] or None)
    frame = {"unit": pl.Series("unit", list(units), dtype=pl.String)}
    for column, cells in columns.items():
        frame[column] = _series(column, cells, schema)
    return pl.DataFrame(frame)


def _add_institution(totals: dict[str, Any], fields: Iterable[Any], values: Mapping[str, Any]) -> None:
    for spec in fields:
        value = values.get(spec.name)
        if value is None:
            continue
        if spec.type in NUMERIC_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
            totals[spec.name] = totals.get(spec.name, 0) + value
        elif spec.type is FieldType.YES_NO and isinstance(value, bool):
            totals[spec.name] = bool(totals.get(spec.name, False)) or value


def _series(column: str, cells: list[Any], schema: Schema) -> pl.Series:
    if column.endswith(".__nil"):
        return pl.Series(column, cells, dtype=pl.Boolean)
    dtype = _POLARS_TYPES.get(schema.fields.get(column, Kind.ANY))
    if dtype is None:
        return pl.Series(column, cells, strict=False)
    if dtype == pl.Float64():
        cells = [float(c) if isinstance(c, int | float) and not isinstance(c, bool) else None for c in cells]
    elif dtype == pl.String():
        cells = [None if c is None else str(c) for c in cells]
    return pl.Series(column, cells, dtype=dtype, strict=False)


def _tables(values: list[FormValues], units: Mapping[str, UnitInfo], schema: Schema,
            catalog: Catalog) -> dict[str, pl.DataFrame]:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in values:
        if item.unit_code not in units or item.nil:
            continue
        form, fields = _form_fields(catalog, item.form_id)
        for spec in fields:
            if spec.type is not FieldType.TABLE or not isinstance(item.values.get(spec.name), list):
                continue
            key = f"{form.rule_form}.{spec.name}"
            rows[key].extend({"unit": item.unit_code, "row": i + 1, **{k: _scalar(v) for k, v in cells.items()}}
                             for i, cells in enumerate(item.values[spec.name]) if isinstance(cells, Mapping))
    return {key: _table_frame(key, found, schema) for key, found in rows.items()}


def _table_frame(key: str, rows: list[dict[str, Any]], schema: Schema) -> pl.DataFrame:
    kinds = schema.tables.get(key, {})
    names = ["unit", "row", *dict.fromkeys(c for r in rows for c in r if c not in ("unit", "row"))]
    series = [pl.Series("unit", [r["unit"] for r in rows], dtype=pl.String),
              pl.Series("row", [r["row"] for r in rows], dtype=pl.Int64)]
    for name in names[2:]:
        cells = [r.get(name) for r in rows]
        dtype = _POLARS_TYPES.get(kinds.get(name, Kind.ANY))
        if dtype == pl.Float64():
            cells = [float(c) if isinstance(c, int | float) and not isinstance(c, bool) else None for c in cells]
        elif dtype == pl.String():
            cells = [None if c is None else str(c) for c in cells]
        series.append(pl.Series(name, cells, dtype=dtype, strict=False))
    return pl.DataFrame(series)


# --- population and registers ---------------------------------------------------------------------------

def _population(session: Session, year: int) -> tuple[pl.DataFrame, int | None]:
    chosen = session.scalar(select(func.max(PopulationCount.year)).where(PopulationCount.year <= year))
    if chosen is None:
        return pl.DataFrame(schema={"unit": pl.String, "age": pl.Int64, "sex": pl.Int64, "persons": pl.Int64}), None
    fingerprint = session.execute(select(func.count(), func.sum(PopulationCount.persons)).where(
        PopulationCount.year == chosen)).one()
    key = ("population", str(session.get_bind().url), chosen, *fingerprint)
    cached = _memo_get(key)
    if cached is None:
        cached = _population_rows(session, chosen)
        _memo_put(key, cached)
    return cached, chosen


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


def accounts_frame(session: Session, year: int, units: Mapping[str, UnitInfo]) -> pl.DataFrame:
    """Accounts of the latest clean accounts attachment per unit and form, summed per kontoklasse, function
    and art (``belop`` in 1000 NOK). Parsed files are cached per SHA-256."""
    forms = [f.id for f in load_catalog(year).forms() if f.definition.delivery is Delivery.ACCOUNTS]
    newest = select(Attachment.unit_code, Attachment.form_id, func.max(Attachment.id).label("id")).where(
        Attachment.year == year, Attachment.form_id.in_(forms), Attachment.severity.in_(_CLEAN)).group_by(
        Attachment.unit_code, Attachment.form_id).subquery()
    heads = session.execute(select(Attachment.id, Attachment.unit_code, Attachment.form_id, Attachment.sha256)
                            .join(newest, Attachment.id == newest.c.id)).all()
    parts = []
    for attachment_id, unit, form_id, sha256 in heads:
        if unit not in units:
            continue
        key = (sha256, form_id, year)
        with _cache_lock:
            parsed = _accounts_cache.get(key)
        if parsed is None:
            content = session.scalar(select(Attachment.content).where(Attachment.id == attachment_id))
            parsed = _parse_accounts(content or b"", form_id, year)
            with _cache_lock:
                _accounts_cache[key] = parsed
                while len(_accounts_cache) > _CACHE_SIZE:
                    _accounts_cache.popitem(last=False)
        parts.append(parsed.with_columns(pl.lit(unit, dtype=pl.String).alias("unit")))
    if not parts:
        return pl.DataFrame(schema=_ACCOUNTS_SCHEMA)
    return pl.concat(parts).select(list(_ACCOUNTS_SCHEMA))


def _parse_accounts(content: bytes, form_id: str, year: int) -> pl.DataFrame:
    """One accounts file summed by kontoklasse, function (3 digits) and art (3 digits)."""
    records = parse_records(read_lines(content).frame, load_layout(form_id, year))
    return records.select(
        pl.col("kontoklasse").str.strip_chars().alias("kontoklasse"),
        pl.col("funksjon_kapittel").str.strip_chars().str.slice(0, 3).alias("funksjon"),
        pl.col("art_sektor").str.strip_chars().str.slice(0, 3).alias("art"),
        pl.col("belop").str.strip_chars().cast(pl.Float64, strict=False).fill_null(0.0).alias("belop"),
    ).group_by("kontoklasse", "funksjon", "art").agg(pl.col("belop").sum())
