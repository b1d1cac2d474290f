"""A unit's control report: hits on the versions it submitted last, and hits on older versions (superseded).

The hits come from the office's current runs (``reports.current_hits``) and from the unit's own re-runs on
submitting (``unit_runs``). For each form and unit the newest run that judged it decides what is current; a hit
that judged an older version than the unit's latest submission is superseded: listed, but not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.controls import reports
from kostra.controls.reports import Hit
from kostra.dataset import latest_submissions
from kostra.store.models import ControlResult, ControlRun

__all__ = ["UnitHits", "unit_hits"]


@dataclass(frozen=True)
class UnitHits:
    """Current hits (on the latest versions), superseded hits (on older versions), when last checked."""

    current: list[Hit]
    superseded: list[Hit]
    checked_at: datetime | None


def _unit_runs(session: Session, year: int, codes: list[str]) -> tuple[dict[tuple[str, str], int], datetime | None]:
    """(form, unit) → its newest finished unit run, and when the newest of them finished."""
    newest: dict[tuple[str, str], int] = {}
    finished: datetime | None = None
    for run_id, form_id, unit_code, at in session.execute(
            select(ControlRun.id, ControlRun.form_id, ControlRun.unit_code, ControlRun.finished_at).where(
                ControlRun.year == year, ControlRun.unit_code.in_(codes), ControlRun.finished_at.is_not(None))
            .order_by(ControlRun.id)):
        newest[(form_id or "", unit_code)] = run_id
        finished = at if finished is None or at > finished else finished
    return newest, finished


def unit_hits(session: Session, year: int, unit_codes: Sequence[str]) -> UnitHits:
    """The hits of ``unit_codes`` (a unit and the institutions it reports for), split into current and superseded."""
    codes = list(unit_codes)
    office = reports.current_hits(session, year, codes)
    newest, unit_checked = _unit_runs(session, year, codes)
    own = session.scalars(select(ControlResult).where(ControlResult.run_id.in_(list(newest.values())),
                                                      ControlResult.outcome == reports.FAIL)) if newest else []
    candidates = office + reports.hits_of(session, list(own))
    judge: dict[tuple[str, str], int] = {}
    for hit in candidates:
        key = (hit.form_id, hit.unit_code)
        judge[key] = max(judge.get(key, 0), hit.run_id)
    latest = {(s.form_id, s.unit_code): s.version for s in latest_submissions(session, year, units=codes)}
    current, superseded = [], []
    for hit in candidates:
        key = (hit.form_id, hit.unit_code)
        if hit.version is not None and hit.version < latest.get(key, hit.version):
            superseded.append(hit)
        elif hit.run_id == max(judge[key], newest.get(key, 0)):
            current.append(hit)
    office_run = reports.latest_run(session, year)
    checked = [t for t in (office_run.finished_at if office_run else None, unit_checked) if t is not None]
    return UnitHits(reports.ordered(current), reports.ordered(superseded), max(checked) if checked else None)
