"""Quality indicators per form: response rate, share of values edited, hit rate and hit accuracy.

- response rate: units that delivered (submitted, nil or approved) / units that must report;
- share edited: reported values with a statistician's edit / values reported in the latest versions;
- hit rate: fails / items evaluated (pass or fail) in the latest control run covering the form;
- hit accuracy: share of those fails whose unit got an edit of one of the fields the rule read,
  after the run started (or an edit that names the control result): hits that led to an edit.

An indicator without a denominator is None (shown as ``..``), never 0.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kostra.catalog.forms import Catalog, load_catalog
from kostra.followup.status import status_board
from kostra.followup.values import year_values
from kostra.store.models import ControlResult, ControlRun, Edit

__all__ = ["FormQuality", "quality_indicators"]


@dataclass(frozen=True)
class FormQuality:
    """The indicators of one form, with their numerators and denominators."""

    form_id: str
    name_nb: str
    name_en: str
    units_required: int
    units_delivered: int
    values_reported: int
    values_edited: int
    run_id: int | None
    items_evaluated: int
    hits: int
    hits_edited: int

    @property
    def response_rate(self) -> float | None:
        return _share(self.units_delivered, self.units_required)

    @property
    def edited_share(self) -> float | None:
        return _share(self.values_edited, self.values_reported)

    @property
    def hit_rate(self) -> float | None:
        return _share(self.hits, self.items_evaluated)

    @property
    def hit_accuracy(self) -> float | None:
        return _share(self.hits_edited, self.hits)

    def as_dict(self) -> dict[str, object]:
        return {"form": self.form_id, "units_required": self.units_required, "units_delivered": self.units_delivered,
                "response_rate": self.response_rate, "values_reported": self.values_reported,
                "values_edited": self.values_edited, "edited_share": self.edited_share, "run_id": self.run_id,
                "items_evaluated": self.items_evaluated, "hits": self.hits, "hit_rate": self.hit_rate,
                "hits_edited": self.hits_edited, "hit_accuracy": self.hit_accuracy}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))


def _count_values(values: dict[str, Any]) -> int:
    """Answers given: scalar values and table cells that are not missing."""
    count = 0
    for value in values.values():
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            count += sum(1 for row in value for cell in row.values() if cell not in (None, ""))
        elif value not in (None, "", []):
            count += 1
    return count


def _latest_run(session: Session, year: int, form_id: str) -> ControlRun | None:
    return session.scalar(select(ControlRun).where(  # over all units: a unit's own re-run does not count
        ControlRun.year == year, or_(ControlRun.form_id.is_(None), ControlRun.form_id == form_id),
        ControlRun.unit_code.is_(None),
    ).order_by(ControlRun.started_at.desc(), ControlRun.id.desc()).limit(1))


def _form_id(catalog: Catalog, name: str) -> str:
    """A form id from ``5`` or the rule name ``skjema5``."""
    by_rule_name = {form.rule_form: form.id for form in catalog.forms()}
    return by_rule_name.get(name, name)


def _hit_edited(hit: ControlResult, edits: list[Edit], since: datetime, catalog: Catalog) -> bool:
    fields = json.loads(hit.fields_json or "[]")
    wanted = {(_form_id(catalog, str(f.get("form") or hit.form_id)), str(f.get("name") or "")) for f in fields
              if isinstance(f, dict)}
    for edit in edits:
        if edit.control_result_id == hit.id:
            return True
        if _aware(edit.created_at) < since:
            continue
        column_of = edit.field_name.partition(".")[0]
        if (edit.form_id, edit.field_name) in wanted or (edit.form_id, column_of) in wanted:
            return True
    return False


def _hits(session: Session, year: int, form_id: str, catalog: Catalog) -> tuple[int | None, int, int, int]:
    """(run id, items evaluated, fails, fails followed by an edit) in the latest run covering the form."""
    run = _latest_run(session, year, form_id)
    if run is None:
        return None, 0, 0, 0
    results = list(session.scalars(select(ControlResult).where(
        ControlResult.run_id == run.id, ControlResult.form_id == form_id,
        ControlResult.outcome.in_(("pass", "fail")))))
    hits = [r for r in results if r.outcome == "fail"]
    units = {hit.unit_code for hit in hits}
    edits: dict[str, list[Edit]] = defaultdict(list)
    if units:
        for edit in session.scalars(select(Edit).where(Edit.year == year, Edit.unit_code.in_(units))):
            edits[edit.unit_code].append(edit)
    edited = sum(1 for hit in hits if _hit_edited(hit, edits[hit.unit_code], _aware(run.started_at), catalog))
    return run.id, len(results), len(hits), edited


def quality_indicators(session: Session, year: int, form_id: str | None = None) -> list[FormQuality]:
    """The quality indicators of every form of ``year`` (or one form), in catalogue order."""
    catalog = load_catalog(year)
    forms = [catalog.form(form_id)] if form_id else list(catalog.forms())
    board = status_board(session, year, form_id=form_id)
    result = []
    for form in forms:
        rows = [row for row in board.rows if row.form_id == form.id]
        latest = [fv for fv in year_values(session, year, form.id) if not fv.nil]
        run_id, items, hits, hits_edited = _hits(session, year, form.id, catalog)
        result.append(FormQuality(
            form_id=form.id, name_nb=form.definition.name.nb, name_en=form.definition.name.en,
            units_required=len(rows), units_delivered=sum(1 for row in rows if row.done),
            values_reported=sum(_count_values(fv.reported) for fv in latest),
            values_edited=sum(len(fv.edits) for fv in latest),
            run_id=run_id, items_evaluated=items, hits=hits, hits_edited=hits_edited))
    return result
