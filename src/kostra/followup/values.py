"""The year's data as the office works with it: each unit's latest submitted version of each form,
typed by the catalogue, with the statisticians' newest edits laid over the reported values.

Edits never overwrite: ``reported`` keeps what the unit sent, ``values`` is what controls, estimation
and key figures read. An edit names a scalar field (``field_name``, ``row`` None) or a table cell
(``field_name`` = ``table.column``, ``row`` = 0-based row index).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES, FieldType
from kostra.catalog.forms import Form, load_catalog
from kostra.store.models import Edit, Submission

__all__ = ["FormValues", "apply_edits", "edit_key", "latest_submissions", "typed_values", "year_values"]


@dataclass(frozen=True)
class FormValues:
    """One unit's latest submission of one form, as reported and as edited."""

    form_id: str
    unit_code: str
    submission: Submission
    reported: dict[str, Any]
    values: dict[str, Any]
    edits: dict[str, Edit] = field(default_factory=dict)

    @property
    def nil(self) -> bool:
        return self.submission.state == "nil"


def edit_key(field_name: str, row: int | None) -> str:
    """``plasser_i_alt`` for a field, ``institusjoner[2].plasser`` for a table cell."""
    if row is None:
        return field_name
    table, _, column = field_name.partition(".")
    return f"{table}[{row}].{column}"


def latest_submissions(session: Session, year: int, form_id: str | None = None,
                       unit_codes: Iterable[str] | None = None) -> list[Submission]:
    """The newest version of every (form, unit) submitted in ``year``, ordered by form and unit."""
    newest = select(Submission.form_id, Submission.unit_code, func.max(Submission.version).label("version")).where(
        Submission.year == year)
    if form_id is not None:
        newest = newest.where(Submission.form_id == form_id)
    if unit_codes is not None:
        newest = newest.where(Submission.unit_code.in_(list(unit_codes)))
    latest = newest.group_by(Submission.form_id, Submission.unit_code).subquery()
    query = select(Submission).join(latest, (Submission.form_id == latest.c.form_id) & (
        Submission.unit_code == latest.c.unit_code) & (Submission.version == latest.c.version)).where(
        Submission.year == year).order_by(Submission.form_id, Submission.unit_code)
    return list(session.scalars(query))


def _number(value: Any) -> Any:
    # Decimals are stored as text (JSON has no decimal type); the office computes in floats.
    if isinstance(value, str):
        try:
            return float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            return value
    return value


def typed_values(form: Form, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers with numbers as numbers, table rows included; unknown names are kept as they are."""
    fields = form.fields()
    numeric = {f.name for f in fields if f.type in NUMERIC_TYPES}
    tables = {f.name: {c.name for c in f.columns or () if c.type in NUMERIC_TYPES}
              for f in fields if f.type is FieldType.TABLE}
    values = dict(raw)
    for name, value in raw.items():
        if value is None:
            continue
        if name in tables and isinstance(value, list):
            columns = tables[name]
            values[name] = [{k: _number(v) if k in columns and v is not None else v for k, v in row.items()}
                            for row in value if isinstance(row, Mapping)]
        elif name in numeric:
            values[name] = _number(value)
    return values


def apply_edits(values: Mapping[str, Any], edits: Iterable[Edit]) -> dict[str, Any]:
    """``values`` with each edit's value in place (in the order given: pass them oldest first)."""
    result = {k: [dict(r) for r in v] if isinstance(v, list) and v and isinstance(v[0], dict) else v
              for k, v in values.items()}
    for edit in edits:
        value = json.loads(edit.value_json)
        if edit.row is None:
            result[edit.field_name] = value
            continue
        table, _, column = edit.field_name.partition(".")
        rows = result.setdefault(table, [])
        while len(rows) <= edit.row:
            rows.append({})
        rows[edit.row][column] = value
    return result


def _edits_by_form_unit(session: Session, year: int, form_id: str | None,
                        unit_codes: Iterable[str] | None) -> dict[tuple[str, str], list[Edit]]:
    query = select(Edit).where(Edit.year == year)
    if form_id is not None:
        query = query.where(Edit.form_id == form_id)
    if unit_codes is not None:
        query = query.where(Edit.unit_code.in_(list(unit_codes)))
    grouped: dict[tuple[str, str], list[Edit]] = {}
    for edit in session.scalars(query.order_by(Edit.created_at, Edit.id)):
        grouped.setdefault((edit.form_id, edit.unit_code), []).append(edit)
    return grouped


def year_values(session: Session, year: int, form_id: str | None = None,
                unit_codes: Iterable[str] | None = None) -> list[FormValues]:
    """Every unit's latest submission of ``year`` (nil returns included), typed and with edits applied."""
    units = list(unit_codes) if unit_codes is not None else None
    catalog = load_catalog(year)
    edits = _edits_by_form_unit(session, year, form_id, units)
    result = []
    for submission in latest_submissions(session, year, form_id, units):
        form = catalog.form(submission.form_id)
        reported = typed_values(form, json.loads(submission.values_json))
        unit_edits = edits.get((submission.form_id, submission.unit_code), [])
        newest = {edit_key(e.field_name, e.row): e for e in unit_edits}
        result.append(FormValues(submission.form_id, submission.unit_code, submission, reported,
                                 apply_edits(reported, unit_edits), newest))
    return result
