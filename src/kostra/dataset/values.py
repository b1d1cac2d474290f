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
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType, FormField
from kostra.catalog.forms import Catalog, Form, load_catalog
from kostra.catalog.validation import Unit as ValidationUnit
from kostra.catalog.validation import condition_holds
from kostra.dataset.columns import SCHEMA
from kostra.dataset.edits import edit_key, row_key_of
from kostra.dataset.records import FormRecord, end_of_day, submitted_forms
from kostra.dataset.status import ValueStatus
from kostra.dataset.text import value_text
from kostra.store.models import Draft, Edit
from kostra.store.models import Unit as UnitRow

__all__ = ["year_values"]

_CELL = ("form_id", "unit_code", "field_id", "field_name", "field_type", "row_key", "row_number", "status",
         "value_text", "reported_text", "note", "_record", "_edit")


@dataclass
class _Cells:
    """Column lists of the cell part of the frame; lineage is joined on ``_record`` and ``_edit``."""

    columns: dict[str, list[Any]]

    @classmethod
    def empty(cls) -> _Cells:
        return cls({name: [] for name in _CELL})

    def add(self, *values: Any) -> None:
        for name, value in zip(_CELL, values, strict=True):
            self.columns[name].append(value)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _answers(form: Form, values: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as ``condition_holds`` reads them: by id and name, numbers as Decimal."""
    answers: dict[str, Any] = {}
    for spec in form.fields():
        value = values.get(spec.name)
        if isinstance(value, float):
            value = Decimal(repr(value))
        answers[spec.name] = answers[spec.id] = value
    return answers


def _empty_status(spec: FormField, unit: ValidationUnit | None, answers: Mapping[str, Any]) -> ValueStatus:
    if spec.applies_when is not None and condition_holds(spec.applies_when, unit, answers) is False:
        return ValueStatus.NOT_APPLICABLE
    return ValueStatus.MISSING


class _Builder:
    def __init__(self, catalog: Catalog, units: Mapping[str, ValidationUnit]) -> None:
        self.catalog = catalog
        self.units = units
        self.cells = _Cells.empty()
        self.records: list[FormRecord] = []
        self.edits: list[Edit] = []
        self._edit_index: dict[int, int] = {}

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
        answers = _answers(form, record.values)
        unit = self.units.get(record.unit_code)
        for spec in form.fields():
            if spec.type is FieldType.TABLE:
                self._table(form, spec, record, index, unit, answers)
            else:
                self._cell(record, spec, spec, spec.name, None, None, record.raw.get(spec.name),
                           record.values.get(spec.name), index, unit, answers)

    def _cell(self, record: FormRecord, spec: FormField, value_spec: Any, name: str, row_key: str | None,
              row: int | None, raw: Any, value: Any, index: int, unit: ValidationUnit | None,
              answers: Mapping[str, Any]) -> None:
        key = edit_key(name, row)
        applied, stale = record.edits.get(key), record.stale.get(key)
        numeric = value_spec.type in NUMERIC_TYPES
        reported = value_text(raw, numeric)
        if applied is not None:
            status = ValueStatus.EDITED
            text = value_text(value, numeric)
        elif reported is not None:
            status, text = ValueStatus.REPORTED, reported
        else:
            status, text = _empty_status(spec, unit, answers), None
        note = f"stale edit: made against reported value {value_text(json.loads(stale.reported_json))}" \
            if stale is not None else None
        self.cells.add(record.form_id, record.unit_code, spec.id, name, value_spec.type.value, row_key,
                       None if row is None else row + 1, status.value, text, reported, note, index,
                       self._edit(applied or stale))

    def _table(self, form: Form, spec: FormField, record: FormRecord, index: int, unit: ValidationUnit | None,
               answers: Mapping[str, Any]) -> None:
        rows = record.values.get(spec.name)
        raw_rows = record.raw.get(spec.name)
        rows = rows if isinstance(rows, list) else []
        raw_rows = raw_rows if isinstance(raw_rows, list) else []
        if not rows:
            status = _empty_status(spec, unit, answers)
            for column in spec.columns or ():
                self.cells.add(form.id, record.unit_code, spec.id, f"{spec.name}.{column.name}", column.type.value,
                               None, None, status.value, None, None, None, index, None)
            return
        reported_rows = record.reported.get(spec.name) or []
        for position, cells in enumerate(rows):
            key = row_key_of(spec, reported_rows, position) or row_key_of(spec, rows, position)
            raw_cells = raw_rows[position] if position < len(raw_rows) else {}
            for column in spec.columns or ():
                self._cell(record, spec, column, f"{spec.name}.{column.name}", key, position,
                           raw_cells.get(column.name), cells.get(column.name), index, unit, answers)

    def blank(self, form: Form, unit_code: str, status: ValueStatus, note: str | None, index: int | None,
              prefill: Mapping[str, Any] | None = None) -> None:
        """Every field of ``form`` with one status (nil, missing); pre-filled draft values where given."""
        for spec in form.fields():
            for value_spec, name in ([(spec, spec.name)] if spec.type is not FieldType.TABLE else
                                     [(c, f"{spec.name}.{c.name}") for c in spec.columns or ()]):
                value = (prefill or {}).get(name)
                if value is not None:
                    text = value_text(value, value_spec.type in NUMERIC_TYPES)
                    self.cells.add(form.id, unit_code, spec.id, name, value_spec.type.value, None, None,
                                   ValueStatus.PREFILLED_UNCONFIRMED.value, text, None,
                                   "pre-filled from last year, not confirmed", index, None)
                    continue
                self.cells.add(form.id, unit_code, spec.id, name, value_spec.type.value, None, None, status.value,
                               None, None, note, index, None)

    def frame(self, year: int) -> pl.DataFrame:
        cells = pl.DataFrame(self.cells.columns, schema={
            **{name: SCHEMA[name] for name in _CELL if name in SCHEMA}, "_record": pl.Int32, "_edit": pl.Int32})
        records = self._records_frame()
        edits = self._edits_frame()
        joined = cells.join(records, on="_record", how="left").join(edits, on="_edit", how="left")
        numeric = pl.col("field_type").is_in([t.value for t in NUMERIC_TYPES])
        return joined.with_columns(
            pl.lit(year, dtype=pl.Int32).alias("year"),
            pl.when(numeric).then(pl.col("value_text").cast(pl.Float64, strict=False)).alias("value_number"),
            pl.when(pl.col("field_type") == FieldType.YES_NO.value).then(pl.col("value_text") == "true")
            .alias("value_bool"),
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
                expected: bool = True, definitions_year: int | None = None) -> pl.DataFrame:
    """Every value of ``year`` in long form (columns: :data:`kostra.dataset.columns.COLUMNS`).

    ``as_of``: what was known at the end of that day (submissions, edits and approvals made later do not
    count); ``approved_only``: only approved versions; ``forms``/``units``: filters. With ``expected`` the
    forms an active unit must report but has not submitted get rows with status ``missing`` (or
    ``prefilled_unconfirmed`` for last year's pre-fill in a draft). ``definitions_year`` reads the values with
    another year's form definitions (a year without its own).

    >>> frame = year_values(session, 2025, forms=["5"], units=["974600951"])
    >>> frame.filter(pl.col("field_name") == "plasser_i_alt")["value_text"].to_list()
    ['68']
    """
    form_ids = None if forms is None else list(forms)
    unit_codes = None if units is None else list(units)
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
