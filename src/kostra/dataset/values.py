"""The year's values in long form: one row per year × form × unit × field × row key (:data:`COLUMNS`).

Built from :func:`kostra.dataset.records.submitted_forms` (latest versions with the edits that count) plus
the forms expected but not received. Every field of a form gets a row, so "not reported", "nothing to
report", "does not apply" and a real zero stay four different things (``status``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType, FormField
from kostra.catalog.forms import Catalog, Form, load_catalog
from kostra.catalog.validation import Unit as ValidationUnit
from kostra.catalog.validation import condition_holds
from kostra.dataset.cache import base_key, cached_by_unit, unit_stamps
from kostra.dataset.columns import SCHEMA
from kostra.dataset.edits import edit_key, row_key_of
from kostra.dataset.estimates import with_estimates
from kostra.dataset.records import FormRecord, approved_submission_ids, end_of_day, submitted_forms
from kostra.dataset.status import ValueStatus
from kostra.dataset.text import value_text
from kostra.store.models import Draft, Edit
from kostra.store.models import Unit as UnitRow

__all__ = ["year_values"]

_CELL = ("form_id", "unit_code", "field_id", "field_name", "field_type", "row_key", "row_number", "status",
         "value_text", "reported_text", "note", "_record", "_edit")
_REPORTED, _EDITED = ValueStatus.REPORTED.value, ValueStatus.EDITED.value


@dataclass(frozen=True)
class _Cell:
    """What every value of one field (or table column) shares, worked out once per form."""

    spec: FormField
    name: str
    type: str
    numeric: bool


@dataclass(frozen=True)
class _Plan:
    """A form's scalar fields and table columns, in form order."""

    scalars: tuple[_Cell, ...]
    tables: tuple[tuple[FormField, tuple[_Cell, ...]], ...]


def _plan(form: Form) -> _Plan:
    scalars, tables = [], []
    for spec in form.fields():
        if spec.type is FieldType.TABLE:
            tables.append((spec, tuple(_Cell(spec, f"{spec.name}.{c.name}", c.type.value, c.type in NUMERIC_TYPES)
                                       for c in spec.columns or ())))
        else:
            scalars.append(_Cell(spec, spec.name, spec.type.value, spec.type in NUMERIC_TYPES))
    return _Plan(tuple(scalars), tuple(tables))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Empty:
    """The status of a field without a value: not applicable when its ``applies_when`` is false, else missing.

    The answers conditions read (by id and name, numbers as Decimal) are built only when a conditional field
    is empty."""

    def __init__(self, form: Form, unit: ValidationUnit | None, values: Mapping[str, Any]) -> None:
        self.form, self.unit, self.values = form, unit, values
        self._answers: dict[str, Any] | None = None

    def status(self, spec: FormField) -> str:
        if spec.applies_when is None:
            return ValueStatus.MISSING.value
        if self._answers is None:
            self._answers = {}
            for field_spec in self.form.fields():
                value = self.values.get(field_spec.name)
                if isinstance(value, float):
                    value = Decimal(repr(value))
                self._answers[field_spec.name] = self._answers[field_spec.id] = value
        if condition_holds(spec.applies_when, self.unit, self._answers) is False:
            return ValueStatus.NOT_APPLICABLE.value
        return ValueStatus.MISSING.value


class _Builder:
    def __init__(self, catalog: Catalog, units: Mapping[str, ValidationUnit]) -> None:
        self.catalog = catalog
        self.units = units
        self.rows: list[tuple[Any, ...]] = []
        self.records: list[FormRecord] = []
        self.edits: list[Edit] = []
        self._edit_index: dict[int, int] = {}
        self._plans: dict[str, _Plan] = {}

    def plan(self, form: Form) -> _Plan:
        found = self._plans.get(form.id)
        if found is None:
            found = self._plans[form.id] = _plan(form)
        return found

    def _edit(self, edit: Edit | None) -> int | None:
        if edit is None:
            return None
        if edit.id not in self._edit_index:
            self._edit_index[edit.id] = len(self.edits)
            self.edits.append(edit)
        return self._edit_index[edit.id]

    def record(self, record: FormRecord) -> None:
        form = self.catalog.form(record.form_id)
        index = len(self.records)
        self.records.append(record)
        if record.nil:
            note = json.loads(record.submission.comments_json or "{}").get("nil") or None
            self.blank(form, record.unit_code, ValueStatus.NIL, note, index)
            return
        plan = self.plan(form)
        empty = _Empty(form, self.units.get(record.unit_code), record.values)
        edited = bool(record.edits or record.stale)
        raw, values, add = record.raw, record.values, self.rows.append
        form_id, unit = record.form_id, record.unit_code
        for cell in plan.scalars:
            reported = value_text(raw.get(cell.name), cell.numeric)
            if edited:
                self._cell(record, cell, None, None, reported, values.get(cell.name), index, empty)
            elif reported is not None:
                add((form_id, unit, cell.spec.id, cell.name, cell.type, None, None, _REPORTED, reported, reported,
                     None, index, None))
            else:
                add((form_id, unit, cell.spec.id, cell.name, cell.type, None, None, empty.status(cell.spec), None,
                     None, None, index, None))
        for spec, columns in plan.tables:
            self._table(record, spec, columns, index, empty)

    def _cell(self, record: FormRecord, cell: _Cell, row_key: str | None, row: int | None, reported: str | None,
              value: Any, index: int, empty: _Empty) -> None:
        key = edit_key(cell.name, row)
        applied, stale = record.edits.get(key), record.stale.get(key)
        if applied is not None:
            status, text = _EDITED, value_text(value, cell.numeric)
        elif reported is not None:
            status, text = _REPORTED, reported
        else:
            status, text = empty.status(cell.spec), None
        note = f"stale edit: made against reported value {value_text(json.loads(stale.reported_json))}" \
            if stale is not None else None
        self.rows.append((record.form_id, record.unit_code, cell.spec.id, cell.name, cell.type, row_key,
                          None if row is None else row + 1, status, text, reported, note, index,
                          self._edit(applied or stale)))

    def _table(self, record: FormRecord, spec: FormField, columns: tuple[_Cell, ...], index: int,
               empty: _Empty) -> None:
        rows = record.values.get(spec.name)
        raw_rows = record.raw.get(spec.name)
        rows = rows if isinstance(rows, list) else []
        raw_rows = raw_rows if isinstance(raw_rows, list) else []
        if not rows:
            status = empty.status(spec)
            for cell in columns:
                self.rows.append((record.form_id, record.unit_code, spec.id, cell.name, cell.type, None, None,
                                  status, None, None, None, index, None))
            return
        reported_rows = record.reported.get(spec.name) or []
        for position, cells in enumerate(rows):
            key = row_key_of(spec, reported_rows, position) or row_key_of(spec, rows, position)
            raw_cells = raw_rows[position] if position < len(raw_rows) else {}
            for cell in columns:
                column = cell.name.partition(".")[2]
                self._cell(record, cell, key, position, value_text(raw_cells.get(column), cell.numeric),
                           cells.get(column), index, empty)

    def blank(self, form: Form, unit_code: str, status: ValueStatus, note: str | None, index: int | None,
              prefill: Mapping[str, Any] | None = None) -> None:
        """Every field of ``form`` with one status (nil, missing); pre-filled draft values where given."""
        plan = self.plan(form)
        cells = [*plan.scalars, *(cell for _, columns in plan.tables for cell in columns)]
        for cell in cells:
            value = (prefill or {}).get(cell.name)
            if value is not None:
                self.rows.append((form.id, unit_code, cell.spec.id, cell.name, cell.type, None, None,
                                  ValueStatus.PREFILLED_UNCONFIRMED.value, value_text(value, cell.numeric), None,
                                  "pre-filled from last year, not confirmed", index, None))
            else:
                self.rows.append((form.id, unit_code, cell.spec.id, cell.name, cell.type, None, None, status.value,
                                  None, None, note, index, None))

    def frame(self, year: int) -> pl.DataFrame:
        types = {**{name: SCHEMA[name] for name in _CELL if name in SCHEMA}, "_record": pl.Int32, "_edit": pl.Int32}
        # Column by column: Polars builds a frame from rows of tuples several times slower.
        columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in _CELL]
        cells = pl.DataFrame({name: pl.Series(name, list(values), dtype=types[name])
                              for name, values in zip(_CELL, columns, strict=True)})
        records = self._records_frame()
        edits = self._edits_frame()
        joined = cells.join(records, on="_record", how="left").join(edits, on="_edit", how="left")
        numeric = pl.col("field_type").is_in([t.value for t in NUMERIC_TYPES])
        return joined.with_columns(
            pl.lit(year, dtype=pl.Int32).alias("year"),
            pl.when(numeric).then(pl.col("value_text").cast(pl.Float64, strict=False)).alias("value_number"),
            pl.when(pl.col("field_type") == FieldType.YES_NO.value).then(pl.col("value_text") == "true")
            .alias("value_bool"),
            pl.lit(None, dtype=pl.Int64).alias("estimate_id"), pl.lit(None, dtype=pl.String).alias("estimate_method"),
        ).select(list(SCHEMA))

    def _records_frame(self) -> pl.DataFrame:
        subs = [r.submission for r in self.records]
        return pl.DataFrame({
            "_record": list(range(len(subs))), "submission_id": [s.id for s in subs],
            "version": [s.version for s in subs], "receipt_id": [s.receipt_id for s in subs],
            "content_hash": [s.content_hash for s in subs], "submitted_at": [_aware(s.created_at) for s in subs],
            "submitted_by": [s.created_by for s in subs], "approved": [r.approved for r in self.records],
        }, schema={"_record": pl.Int32, **{n: SCHEMA[n] for n in (
            "submission_id", "version", "receipt_id", "content_hash", "submitted_at", "submitted_by", "approved")}})

    def _edits_frame(self) -> pl.DataFrame:
        edits = self.edits
        states = {}
        for record in self.records:
            for key, state in record.edit_states.items():
                edit = record.edits.get(key) or record.stale.get(key)
                if edit is not None:
                    states[edit.id] = state.value
        return pl.DataFrame({
            "_edit": list(range(len(edits))), "edit_id": [e.id for e in edits],
            "edit_state": [states.get(e.id) for e in edits],
            "edit_value_text": [value_text(json.loads(e.value_json)) for e in edits],
            "edit_reason": [e.reason_code for e in edits], "edit_comment": [e.comment for e in edits],
            "edited_by": [e.created_by for e in edits], "edited_at": [_aware(e.created_at) for e in edits],
            "edit_version": [e.version for e in edits],
        }, schema={"_edit": pl.Int32, **{n: SCHEMA[n] for n in (
            "edit_id", "edit_state", "edit_value_text", "edit_reason", "edit_comment", "edited_by", "edited_at",
            "edit_version")}})


def _units(session: Session, units: list[str] | None) -> dict[str, tuple[ValidationUnit, bool]]:
    query = select(UnitRow.code, UnitRow.kind, UnitRow.population, UnitRow.active)
    if units is not None:
        query = query.where(UnitRow.code.in_(units))
    return {code: (ValidationUnit(code=code, kind=kind, population=population), bool(active))
            for code, kind, population, active in session.execute(query)}


def _drafts(session: Session, year: int, as_of: date | None) -> dict[tuple[str, str], Draft]:
    cutoff = end_of_day(as_of) if as_of is not None else None
    return {(d.form_id, d.unit_code): d for d in session.scalars(select(Draft).where(Draft.year == year))
            if cutoff is None or (_aware(d.updated_at) or cutoff) <= cutoff}


def _unconfirmed_prefill(form: Form, draft: Draft | None) -> dict[str, Any]:
    if draft is None:
        return {}
    confirmed = set(json.loads(draft.confirmed_json or "{}").get("prefill_confirmed", []))
    values = json.loads(draft.values_json or "{}")
    return {f.name: values[f.name] for f in form.fields()
            if f.prefilled and f.name in values and f.name not in confirmed}


def year_values(session: Session, year: int, *, as_of: date | None = None, approved_only: bool = False,
                forms: Iterable[str] | None = None, units: Iterable[str] | None = None,
                expected: bool = True, definitions_year: int | None = None,
                cache_dir: Path | None = None, include_estimates: bool = False) -> pl.DataFrame:
    """Every value of ``year`` in long form (columns: :data:`kostra.dataset.columns.COLUMNS`).

    ``as_of``: what was known at the end of that day (submissions, edits and approvals made later do not
    count); ``approved_only``: only approved versions; ``forms``/``units``: filters. With ``expected`` the
    forms an active unit must report but has not submitted get rows with status ``missing`` (or
    ``prefilled_unconfirmed`` for last year's pre-fill in a draft). ``definitions_year`` reads the values with
    another year's form definitions (a year without its own). With ``cache_dir`` the whole year's frame (no
    filters) is kept there as Parquet under a fingerprint of everything it is built from
    (:mod:`kostra.dataset.cache`), so a new process reads it instead of rebuilding it, and after a change
    rebuilds only the units whose rows changed.
    ``include_estimates`` fills the cells of late units from the newest estimation run (status ``estimated``,
    ``estimate_id``, ``estimate_method``; :mod:`kostra.dataset.estimates`): for aggregates only, never a
    unit's own figure. Off by default.

    >>> frame = year_values(session, 2025, forms=["5"], units=["974600951"])
    >>> frame.filter(pl.col("field_name") == "plasser_i_alt")["value_text"].to_list()
    ['68']
    """
    form_ids = None if forms is None else list(forms)
    unit_codes = None if units is None else list(units)
    if cache_dir is not None and form_ids is None and unit_codes is None and as_of is None and not approved_only:
        frame = _cached_year(session, year, expected, definitions_year, cache_dir)
    else:
        frame = _year_values(session, year, as_of, approved_only, form_ids, unit_codes, expected, definitions_year)
    if include_estimates and expected and not approved_only:  # laid on top: the cache holds no estimates
        frame = with_estimates(session, frame, year, as_of, form_ids)
    return frame


def _cached_year(session: Session, year: int, expected: bool, definitions_year: int | None,
                 cache_dir: Path) -> pl.DataFrame:
    """The whole year's frame from the per-unit cache, with the approvals in force now.

    One cache serves both shapes: the submitted values are the expected frame without the rows of forms not
    submitted (those alone have no submission), so the control run and the key figures share one file."""
    base = base_key(year, definitions_year or year, True)
    stamps = unit_stamps(session, year, drafts=True)
    frame = cached_by_unit(cache_dir, f"values-{year}", base, stamps,
                           lambda codes: _year_values(session, year, None, False, None, codes, True,
                                                      definitions_year))
    if not expected:
        frame = frame.filter(pl.col("submission_id").is_not_null())
    return _with_approvals(session, year, frame)


def _with_approvals(session: Session, year: int, frame: pl.DataFrame) -> pl.DataFrame:
    """``approved`` from the approvals in force now, as a full build sets it (null where nothing was submitted).

    The office approves hundreds of forms in an afternoon; each approval changes this one column only, so
    the cache does not stamp approvals and they are laid on here instead of rebuilding those units."""
    approved = pl.Series(sorted(approved_submission_ids(session, year)), dtype=pl.Int64)
    submission = pl.col("submission_id")
    return frame.with_columns(pl.when(submission.is_not_null()).then(submission.is_in(approved))
                              .otherwise(None).alias("approved"))


def _year_values(session: Session, year: int, as_of: date | None, approved_only: bool, form_ids: list[str] | None,
                 unit_codes: list[str] | None, expected: bool, definitions_year: int | None) -> pl.DataFrame:
    catalog = load_catalog(definitions_year or year)
    records = submitted_forms(session, year, as_of=as_of, approved_only=approved_only, forms=form_ids,
                              units=unit_codes, definitions_year=definitions_year)
    known = _units(session, unit_codes)
    builder = _Builder(catalog, {code: unit for code, (unit, _) in known.items()})
    for record in records:
        builder.record(record)
    if expected and not approved_only:
        _add_expected(session, builder, year, as_of, form_ids, known, {(r.form_id, r.unit_code) for r in records})
    return builder.frame(year).sort("form_id", "unit_code", maintain_order=True)


def _add_expected(session: Session, builder: _Builder, year: int, as_of: date | None, form_ids: list[str] | None,
                  known: Mapping[str, tuple[ValidationUnit, bool]], submitted: set[tuple[str, str]]) -> None:
    drafts = _drafts(session, year, as_of)
    for form in builder.catalog.forms():
        if form_ids is not None and form.id not in form_ids:
            continue
        kinds = {k.value for k in form.definition.unit_kinds}
        for code, (unit, active) in sorted(known.items()):
            if active and unit.kind in kinds and (form.id, code) not in submitted:
                builder.blank(form, code, ValueStatus.MISSING, "not submitted", None,
                              _unconfirmed_prefill(form, drafts.get((form.id, code))))
