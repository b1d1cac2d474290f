"""The audit trail of one value: every submitted version, every edit, approvals, and the value in force now.

    >>> trail = value_trail(session, 2025, "5", "974600951", "plasser_i_alt")
    >>> [(event.kind, event.value) for event in trail.events]
    [('submitted', 64), ('submitted', 70), ('edit', 68), ('approved', None)]
    >>> trail.current
    68
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.forms import load_catalog
from kostra.errors import NotFound
from kostra.followup.approval import decisions
from kostra.followup.edits import FieldRef, parse_field_ref
from kostra.followup.values import typed_values
from kostra.store.models import Edit, Submission, Unit

__all__ = ["TrailEvent", "ValueTrail", "value_trail"]


@dataclass(frozen=True)
class TrailEvent:
    """One step in a value's history. ``kind``: submitted, nil, edit, approved or withdrawn."""

    at: datetime
    kind: str
    value: Any
    by: str
    version: int | None = None
    receipt: str = ""
    reason: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ValueTrail:
    """A value's history, oldest first, with the value reported last and the value in force now."""

    year: int
    form_id: str
    unit_code: str
    field: str
    label_nb: str
    label_en: str
    events: list[TrailEvent]
    reported: Any
    current: Any

    @property
    def edited(self) -> bool:
        return any(event.kind == "edit" for event in self.events) and self.current != self.reported


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))


def _value(values: dict[str, Any], ref: FieldRef) -> Any:
    if ref.row is None:
        return values.get(ref.name)
    table, _, column = ref.name.partition(".")
    rows = values.get(table) or []
    return rows[ref.row].get(column) if ref.row < len(rows) and isinstance(rows[ref.row], dict) else None


def value_trail(session: Session, year: int, form_id: str, unit_code: str, field: str,
                row: int | None = None) -> ValueTrail:
    """The chronological history of one field (or table cell ``table[row].column``) of a unit's form.

    Raises NotFound for an unknown form, unit or field.
    """
    form = load_catalog(year).form(form_id)
    if session.get(Unit, unit_code) is None:
        raise NotFound(f"no reporting unit {unit_code!r}")
    ref = parse_field_ref(field, row)
    spec = form.field(ref.name.partition(".")[0])
    events = _submitted(session, year, form_id, unit_code, ref)
    reported = events[-1].value if events else None
    current = reported
    for edit in _edits(session, year, form_id, unit_code, ref):
        value = json.loads(edit.value_json)
        events.append(TrailEvent(at=_aware(edit.created_at), kind="edit", value=value, by=edit.created_by,
                                 reason=edit.reason_code, comment=edit.comment))
        current = value  # the newest edit counts, as in kostra.followup.values
    versions = {s.id: s.version for s in session.scalars(select(Submission).where(
        Submission.year == year, Submission.form_id == form_id, Submission.unit_code == unit_code))}
    for decision in decisions(session, year, form_id, unit_code):
        events.append(TrailEvent(at=_aware(decision.created_at), kind="approved" if decision.approved else "withdrawn",
                                 value=None, by=decision.created_by, version=versions.get(decision.submission_id),
                                 comment=decision.comment))
    events.sort(key=lambda event: event.at)
    return ValueTrail(year=year, form_id=form_id, unit_code=unit_code, field=ref.key, label_nb=spec.label.nb,
                      label_en=spec.label.en, events=events, reported=reported, current=current)


def _submitted(session: Session, year: int, form_id: str, unit_code: str, ref: FieldRef) -> list[TrailEvent]:
    form = load_catalog(year).form(form_id)
    versions = session.scalars(select(Submission).where(
        Submission.year == year, Submission.form_id == form_id, Submission.unit_code == unit_code,
    ).order_by(Submission.version))
    return [TrailEvent(at=_aware(s.created_at), kind="nil" if s.state == "nil" else "submitted",
                       value=_value(typed_values(form, json.loads(s.values_json)), ref), by=s.created_by,
                       version=s.version, receipt=s.receipt_id) for s in versions]


def _edits(session: Session, year: int, form_id: str, unit_code: str, ref: FieldRef) -> list[Edit]:
    query = select(Edit).where(Edit.year == year, Edit.form_id == form_id, Edit.unit_code == unit_code,
                               Edit.field_name == ref.name)
    query = query.where(Edit.row.is_(None)) if ref.row is None else query.where(Edit.row == ref.row)
    return list(session.scalars(query.order_by(Edit.created_at, Edit.id)))
