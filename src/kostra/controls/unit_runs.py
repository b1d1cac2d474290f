"""A unit's own rules, re-run at once when it submits a new version (issue 9 point 6).

The office's full run judges every unit; between full runs a unit that corrects its form must not keep seeing
hits on the version it has replaced. ``run_unit_controls`` evaluates the rules of the submitted form for that
unit (with the institutions it reports for, whose form-5 totals its cross-form rules read) and stores a
``ControlRun`` with ``unit_code`` set, whose results name the submission (id, version) they judged.
Statistical checks (HB, the thousand-error check) compare all units and wait for the office's next full run.
"""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.controls.runs import HIT, rule_results, store_results, with_submissions
from kostra.controls.snapshot import load_snapshot
from kostra.store.models import AuditEvent, ControlRun, Unit, utcnow

__all__ = ["run_unit_controls"]


def _covered(session: Session, unit_code: str) -> list[str]:
    institutions = session.scalars(select(Unit.code).where(Unit.kind == "institution",
                                                           Unit.municipality_code == unit_code))
    return [unit_code, *institutions]


def run_unit_controls(session: Session, year: int, *, form_id: str, unit_code: str, actor: str) -> ControlRun:
    """Evaluate the rules of ``form_id`` for ``unit_code`` on its latest submission and store the results."""
    started = utcnow()
    snapshot = load_snapshot(session, year, unit_codes=_covered(session, unit_code))
    results, summary = rule_results(snapshot, form_id)
    results = with_submissions(results.filter(pl.col("unit_code") == unit_code), snapshot)
    run = ControlRun(year=year, form_id=form_id, unit_code=unit_code, started_at=started, started_by=actor,
                     rules=len(summary), units=results["unit_code"].n_unique(),
                     hits=int((results["outcome"] == HIT).sum()), summary_json=json.dumps(summary, ensure_ascii=False))
    session.add(run)
    session.flush()
    store_results(session, run, results)
    run.finished_at = utcnow()
    session.add(AuditEvent(actor=actor, action="controls.unit_run", object_ref=f"{year}/controls/{run.id}",
                           detail_json=json.dumps({"run": run.id, "form": form_id, "unit": unit_code,
                                                   "hits": run.hits})))
    session.flush()
    return run
