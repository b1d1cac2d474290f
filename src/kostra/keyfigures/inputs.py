"""What key figures read for one year, per base unit (municipality or Oslo district), with its state.

Every value comes through the dataset layer (``kostra.dataset``: reported, edited, estimated values with
their submission and edit), the submitted file attachments (11F, 11CF), the accounts engine, the register
values and the reference population. A unit's input is an :class:`Input`: a number, or missing (``..``) or
not applicable (``.``) with the reason; a nil return ("nothing to report") is a 0 that says so.

Units: form 5 is reported per institution and summed over the institutions located in the municipality;
Oslo (0301) is the sum of its districts for the forms the districts report, and for file records each
person counts once in Oslo even when several districts helped them (the districts keep their own counts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import ValueStatus, year_values
from kostra.errors import UsageError
from kostra.keyfigures.submitted import counted_attachments, counted_submissions
from kostra.store.models import Attachment, RegisterValue
from kostra.store.models import Unit as UnitRow

__all__ = ["COUNTING", "Input", "Lineage", "YearData", "load_year_data"]

OSLO = "0301"
COUNTING = (ValueStatus.REPORTED.value, ValueStatus.EDITED.value, ValueStatus.ESTIMATED.value)
_LINEAGE = ("form_id", "unit_code", "field_name", "row_key", "status", "value_text", "reported_text", "note",
            "submission_id", "version", "receipt_id", "edit_id", "edit_reason", "edit_comment", "edited_by")


@dataclass(frozen=True)
class Lineage:
    """One value behind an input: which unit, form, field, with which status, version and edit."""

    source: str               # "form", "file", "accounts", "register", "population"
    unit: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Input:
    """A number for one unit, or why there is none. ``state``: value, nil, missing, not_applicable."""

    value: float | None
    state: str
    reason: str = ""
    estimated: bool = False
    lineage: tuple[Lineage, ...] = field(default=(), compare=False)


@dataclass
class YearData:
    """The year's inputs by unit, read once: form values (long), file records, registers."""

    year: int
    values: pl.DataFrame                      # long values of the forms read, unit_code = base unit
    institution_of: dict[str, str]           # institution → municipality
    expected_institutions: dict[str, list[str]]
    records: dict[str, pl.DataFrame]         # "11F"/"11CF" → unit, person, fields …, submission lineage
    file_state: dict[str, dict[str, str]]    # file → unit → state ("value", "nil", "missing")
    registers: dict[str, dict[str, float | None]]
    districts: list[str]


def load_year_data(session: Session, year: int, forms: set[str], files: set[str],
                   file_fields: dict[str, set[str]], units: list[str] | None = None,
                   definitions_year: int | None = None, *, values: pl.DataFrame | None = None,
                   as_of: datetime | None = None, approved_only: bool = False) -> YearData:
    """Read what the figures need: ``forms`` (ids), ``files`` (11F, 11CF) with the fields they sum.

    ``definitions_year``: read ``year`` with another year's forms (a year before the definitions begin).
    ``values``: the year's values in long form (a frozen snapshot, :func:`kostra.dataset.read_snapshot`)
    instead of the live ``year_values``; ``as_of``/``approved_only``: only the file attachments submitted by
    that instant (and approved), so a file submitted after the snapshot is not counted."""
    institutions = {code: municipality for code, municipality in session.execute(
        select(UnitRow.code, UnitRow.municipality_code).where(UnitRow.kind == "institution")) if municipality}
    institutions = _in_structure(institutions, year)
    expected: dict[str, list[str]] = defaultdict(list)
    for code, municipality in institutions.items():
        expected[municipality].append(code)
    districts = sorted(code for (code,) in session.execute(
        select(UnitRow.code).where(UnitRow.kind == "oslo_district")))
    wanted = None
    if units is not None:
        if OSLO in units:  # Oslo's figures are its districts' sums where the districts report
            units = sorted({*units, *districts})
        wanted = sorted({*units, *(i for u in units for i in expected.get(u, ()))})
    if not forms:
        values = pl.DataFrame(schema={c: pl.String for c in _LINEAGE})
    elif values is not None:
        values = _selected(values, year, forms, wanted)
    else:
        values = year_values(session, year, forms=sorted(forms), units=wanted, definitions_year=definitions_year)
    records, states = _file_records(session, definitions_year or year, files, file_fields, units, year,
                                    as_of, approved_only)
    registers = _registers(session, year)
    return YearData(year, values, institutions, dict(expected), records, states, registers, districts)


def _selected(values: pl.DataFrame, year: int, forms: set[str], units: list[str] | None) -> pl.DataFrame:
    """The rows of a given long frame that ``year_values(forms=..., units=...)`` would have returned."""
    if values.height and values.get_column("year").unique().to_list() != [year]:
        raise UsageError(f"the values given are not (only) of {year}: years "
                         f"{sorted(values.get_column('year').unique().to_list())}")
    keep = pl.col("form_id").is_in(sorted(forms))
    if units is not None:
        keep = keep & pl.col("unit_code").is_in(units)
    return values.filter(keep)


def _in_structure(institutions: dict[str, str], year: int) -> dict[str, str]:
    """Institutions are registered under today's municipality codes: carry them back to ``year``'s codes
    (3101 Halden was 3001 in 2023; 1508 and 1580 were 1507)."""
    from kostra.reference import mapping, regions, years

    codes = {r.code for r in regions(year, "kommune")}
    if all(m in codes for m in institutions.values()):
        return institutions
    back: dict[str, str] = {}
    for later in sorted((y for y in years() if y != year), reverse=True):
        for new, olds in mapping(later, year).items():
            if len(olds) == 1:
                back.setdefault(new, next(iter(olds)))
    return {code: m if m in codes else back[m] for code, m in institutions.items() if m in codes or m in back}


def _registers(session: Session, year: int) -> dict[str, dict[str, float | None]]:
    found: dict[str, dict[str, float | None]] = defaultdict(dict)
    for unit, measure, value in session.execute(select(RegisterValue.unit_code, RegisterValue.measure,
                                                       RegisterValue.value).where(RegisterValue.year == year)):
        found[measure][unit] = value
    return dict(found)


def _slices(layout_fields: list[Any], names: set[str]) -> list[tuple[str, int, int]]:
    return [(f.name, f.start, f.size) for f in layout_fields if f.name in names]


def _file_records(session: Session, layout_year: int, files: set[str], file_fields: dict[str, set[str]],
                  units: list[str] | None, year: int, as_of: datetime | None = None, approved_only: bool = False,
                  ) -> tuple[dict[str, pl.DataFrame], dict[str, dict[str, str]]]:
    """Only the fields the figures read are cut out of each line (a year holds 100 000+ records)."""
    from kostra.intake.layouts import load_layout
    from kostra.keyfigures.definitions import FILE_FORMS

    records: dict[str, pl.DataFrame] = {}
    states: dict[str, dict[str, str]] = {}
    for name in sorted(files):
        form_id = FILE_FORMS[name]
        layout = load_layout(name, layout_year)
        months = [f"STMND_{m}" for m in range(1, 13)]
        names = {"PERSON_FODSELSNR", "PERSON_JOURNALNR", "PERSON_DUF", *file_fields.get(name, set()), *months}
        names.discard("months")
        cuts = _slices(list(layout.fields), names)
        parts, state = [], {}
        for sub in counted_submissions(session, year, forms=[form_id], units=units, as_of=as_of,
                                       approved_only=approved_only):
            state[sub.unit_code] = "nil" if sub.state == "nil" else "value"
        found = counted_attachments(session, year, forms=[form_id], units=units, as_of=as_of,
                                    approved_only=approved_only)
        contents = {ident: content for ident, content in session.execute(select(Attachment.id, Attachment.content)
                    .where(Attachment.id.in_([a.attachment_id for a in found])))} if found else {}
        for item in found:
            text = (contents.get(item.attachment_id) or b"").decode("latin-1")
            lines = [ln for ln in text.splitlines() if ln.strip()]
            parts.append(pl.DataFrame({"line": lines, "unit": [item.unit_code] * len(lines)},
                                      schema={"line": pl.String, "unit": pl.String}).with_columns(
                pl.lit(item.submission_id).alias("submission_id"), pl.lit(item.version).alias("version"),
                pl.lit(item.attachment_id).alias("attachment_id")))
        if parts:
            lines_frame = pl.concat(parts)
            parts = [lines_frame.with_columns(
                [pl.col("line").str.slice(start, size).str.strip_chars().alias(n) for n, start, size in cuts])
                .drop("line")]
        frame = pl.concat(parts, how="diagonal") if parts else pl.DataFrame(
            schema={"unit": pl.String, **{n: pl.String for n, _, _ in cuts}})
        present = [m for m in months if m in frame.columns]
        person = pl.coalesce(
            pl.when(pl.col("PERSON_FODSELSNR").str.len_chars() == 11).then("fnr:" + pl.col("PERSON_FODSELSNR")),
            *([pl.when(pl.col("PERSON_DUF").str.len_chars() > 0).then("duf:" + pl.col("PERSON_DUF"))]
              if "PERSON_DUF" in frame.columns else []),
            pl.format("jnr:{}:{}", pl.col("unit"), pl.col("PERSON_JOURNALNR")))
        frame = frame.with_columns(person.alias("person"),
                                   pl.sum_horizontal([(pl.col(m).str.len_chars() > 0).cast(pl.Int32)
                                                      for m in present]).alias("months"))
        records[name], states[name] = frame, state
    return records, states
