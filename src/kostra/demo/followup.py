"""Demo step: the statistics office has started its follow-up of the demo year.

After the control run, the statistician works through part of the seeded errors the way the office
does: calls the municipality (contact log), corrects a thousand error or a register contradiction
with a reason code (an edit; the reported value stays), approves a share of the clean forms, and
writes the reminders due on the demo's "today". Half of the seeded errors are left open so the work
lists and the quality indicators (share edited, hit accuracy) show both kinds.
"""

from __future__ import annotations

import json
import random
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, Role, require_role
from kostra.demo.builder import DemoOptions, Progress
from kostra.demo.seeded import seeded_errors
from kostra.errors import KostraError
from kostra.followup.contacts import add_contact
from kostra.followup.edits import edit_value
from kostra.followup.reminders import write_reminders
from kostra.followup.values import latest_submissions
from kostra.settings import Settings
from kostra.store.models import Approval, AuditEvent, ControlResult, ControlRun

__all__ = ["demo_today", "followup_step"]

STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None, "Statistiker (demo)")
_FIXED = {"thousand_error": ("REVIEW", "Kommunen bekreftet på telefon at tallet var oppgitt i feil enhet."),
          "register_contradiction": ("OTHER_SOURCE", "Helsepersonellregisteret viser jordmorårsverk; "
                                                     "kommunen bekreftet at jordmor er ansatt.")}
_APPROVE_SHARE = 0.4


def demo_today(year: int) -> date:
    """The demo's "today": early March after the reporting year, when every deadline has passed."""
    return date(year + 1, 3, 2)


def _latest_run(session: Session, year: int) -> int | None:
    return session.scalar(select(func.max(ControlRun.id)).where(ControlRun.year == year,
                                                                 ControlRun.finished_at.is_not(None),
                                                                 ControlRun.unit_code.is_(None)))


def _hit_on(session: Session, run_id: int | None, form: str, unit: str, field: str) -> int | None:
    """The id of a hit of the run on ``field`` of the unit's form (the edit answers it)."""
    if run_id is None:
        return None
    hits = session.scalars(select(ControlResult).where(
        ControlResult.run_id == run_id, ControlResult.unit_code == unit, ControlResult.form_id == form,
        ControlResult.outcome == "fail"))
    return next((h.id for h in hits if any(f.get("name") == field for f in json.loads(h.fields_json))), None)


def _fix_seeded(session: Session, options: DemoOptions) -> tuple[int, int]:
    home = options.home if options.home is not None else Settings().home
    run_id = _latest_run(session, options.year)
    edits = contacts = 0
    fixable = [e for e in seeded_errors(home, options.year)
               if e["kind"] in _FIXED and e.get("stored") == "submission" and e["field"]]
    for entry in fixable[::2]:  # every other one: the rest stay open on the work lists
        kind, form, unit, field = entry["kind"], str(entry["form"]), str(entry["unit"]), entry["field"]
        reason, comment = _FIXED[str(kind)]
        add_contact(session, STATISTICIAN, year=options.year, unit_code=unit, channel="phone", form_id=form,
                    person="Saksbehandler i kommunen", summary=f"Ringte om skjema {form}, felt {field}. {comment}")
        contacts += 1
        try:
            edit_value(session, STATISTICIAN, year=options.year, form_id=form, unit_code=unit, field=str(field),
                       value=entry["expected"], reason=reason, comment=comment,
                       control_result_id=_hit_on(session, run_id, form, unit, str(field)))
            edits += 1
        except KostraError:  # e.g. the unit corrected the value itself since; the call is still logged
            continue
    return edits, contacts


def _approve_clean(session: Session, options: DemoOptions, rng: random.Random) -> int:
    """Approve a share of the submitted forms that the latest run found nothing wrong with.

    Stored in bulk: the rows are those ``kostra.followup.approval.approve`` stores (an approval of the latest
    version and its audit event); the service's checks hold by construction (latest versions, none approved
    yet in a freshly built year), and one query per approval cost more than the rest of the step.
    """
    require_role(STATISTICIAN, Role.STATISTICIAN)
    run_id = _latest_run(session, options.year)
    flagged: set[tuple[str, str]] = set() if run_id is None else set(session.execute(
        select(ControlResult.form_id, ControlResult.unit_code).where(
            ControlResult.run_id == run_id, ControlResult.outcome == "fail")).all())  # type: ignore[arg-type]
    comment = "Kontrollert uten merknader."
    chosen = [s for s in latest_submissions(session, options.year)
              if s.state in ("submitted", "submitted_with_warnings")
              and (s.form_id, s.unit_code) not in flagged and rng.random() < _APPROVE_SHARE]
    if chosen:
        session.execute(insert(Approval), [
            {"year": s.year, "form_id": s.form_id, "unit_code": s.unit_code, "submission_id": s.id, "approved": True,
             "comment": comment, "created_by": STATISTICIAN.username} for s in chosen])
        session.execute(insert(AuditEvent), [
            {"actor": STATISTICIAN.username, "action": "approval.approve",
             "object_ref": f"{s.year}/{s.form_id}/{s.unit_code}/v{s.version}", "reason": comment,
             "detail_json": json.dumps({"receipt": s.receipt_id})} for s in chosen])
    return len(chosen)


def followup_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: edits with reasons and contacts for half the seeded errors, approvals, reminders."""
    rng = random.Random(f"followup-{options.seed}-{options.year}")
    edits, contacts = _fix_seeded(session, options)
    progress(1, 3)
    approved = _approve_clean(session, options, rng)
    progress(2, 3)
    reminders = write_reminders(session, options.year, demo_today(options.year), actor="demo")
    progress(3, 3)
    return (f"follow-up: {edits} edits and {contacts} contacts, {approved} forms approved, "
            f"{reminders.written} reminders due {demo_today(options.year).isoformat()} in the outbox")
