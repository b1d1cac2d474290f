"""Approving a unit's form: a statistician marks the latest submitted version as done, or withdraws that.

Decisions are rows, never updated: the newest decision on the latest version counts. A new version
from the unit needs a new approval (the old one was for another version).
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, Role, require_role
from kostra.catalog.forms import load_catalog
from kostra.errors import NotFound
from kostra.followup.errors import FollowupRefused
from kostra.followup.values import latest_submissions
from kostra.store.models import Approval, AuditEvent, Submission, Unit

__all__ = ["approve", "current_approval", "decisions", "withdraw_approval"]


def decisions(session: Session, year: int, form_id: str, unit_code: str) -> list[Approval]:
    """Every approval decision on a unit's form, oldest first."""
    return list(session.scalars(select(Approval).where(
        Approval.year == year, Approval.form_id == form_id, Approval.unit_code == unit_code,
    ).order_by(Approval.created_at, Approval.id)))


def current_approval(session: Session, year: int, form_id: str, unit_code: str) -> Approval | None:
    """The approval in force: the newest decision, if it approves the latest version."""
    history = decisions(session, year, form_id, unit_code)
    latest = _latest(session, year, form_id, unit_code)
    if not history or latest is None:
        return None
    newest = history[-1]
    return newest if newest.approved and newest.submission_id == latest.id else None


def _latest(session: Session, year: int, form_id: str, unit_code: str) -> Submission | None:
    found = latest_submissions(session, year, form_id, [unit_code])
    return found[0] if found else None


def _submission(session: Session, year: int, form_id: str, unit_code: str) -> Submission:
    load_catalog(year).form(form_id)  # NotFound for an unknown form
    if session.get(Unit, unit_code) is None:
        raise NotFound(f"no reporting unit {unit_code!r}")
    latest = _latest(session, year, form_id, unit_code)
    if latest is None:
        raise FollowupRefused(
            nb=f"Skjema {form_id} for {unit_code} er ikke sendt inn for {year}; bare innsendte skjema kan godkjennes",
            en=f"form {form_id} for {unit_code} has not been submitted for {year}; only submitted forms can be "
               "approved")
    return latest


def _decide(session: Session, principal: Principal, submission: Submission, approved: bool,
            comment: str) -> Approval:
    decision = Approval(year=submission.year, form_id=submission.form_id, unit_code=submission.unit_code,
                        submission_id=submission.id, approved=approved, comment=comment,
                        created_by=principal.username)
    session.add(decision)
    session.add(AuditEvent(
        actor=principal.username, action="approval.approve" if approved else "approval.withdraw",
        object_ref=f"{submission.year}/{submission.form_id}/{submission.unit_code}/v{submission.version}",
        reason=comment, detail_json=json.dumps({"receipt": submission.receipt_id})))
    session.flush()
    return decision


def approve(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
            comment: str = "") -> Approval:
    """Approve the latest submitted version of a unit's form (statisticians only).

    Raises AccessDenied, NotFound (form or unit) or FollowupRefused (never submitted, already approved).
    """
    require_role(principal, Role.STATISTICIAN)
    submission = _submission(session, year, form_id, unit_code)
    if current_approval(session, year, form_id, unit_code) is not None:
        raise FollowupRefused(nb=f"Versjon {submission.version} av skjema {form_id} for {unit_code} er allerede "
                                 "godkjent",
                              en=f"version {submission.version} of form {form_id} for {unit_code} is already "
                                 "approved")
    return _decide(session, principal, submission, True, comment.strip())


def withdraw_approval(session: Session, principal: Principal, *, year: int, form_id: str, unit_code: str,
                      comment: str) -> Approval:
    """Withdraw the approval in force, saying why (statisticians only).

    Raises AccessDenied, NotFound, or FollowupRefused (no comment, nothing approved).
    """
    require_role(principal, Role.STATISTICIAN)
    if not comment.strip():
        raise FollowupRefused(nb="Skriv hvorfor godkjenningen trekkes tilbake",
                              en="say why the approval is withdrawn (a comment is required)")
    submission = _submission(session, year, form_id, unit_code)
    if current_approval(session, year, form_id, unit_code) is None:
        raise FollowupRefused(nb=f"Skjema {form_id} for {unit_code} er ikke godkjent; ingenting å trekke tilbake",
                              en=f"form {form_id} for {unit_code} is not approved; there is nothing to withdraw")
    return _decide(session, principal, submission, False, comment.strip())
