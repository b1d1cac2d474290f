"""Which file and accounts submissions key figures count: the live ones, or those known at a moment.

Key figures of a release are computed from a frozen snapshot of the year's values
(:func:`kostra.dataset.freeze`), but the file attachments (11F, 11CF) and the accounts files (0A/0C/0M/0P) are
not in the snapshot: they are read from the database. ``as_of`` (an instant, not a day) limits them to the
submissions made by then, so a file submitted after the snapshot was frozen is not counted;
:func:`snapshot_cutoff` gives that instant for a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import (
    SubmittedAttachment,
    approved_submission_ids,
    end_of_day,
    latest_submissions,
    submitted_attachments,
)
from kostra.store.models import Attachment, DatasetSnapshot, Submission

__all__ = ["counted_attachments", "counted_submissions", "snapshot_cutoff"]


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they are stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def snapshot_cutoff(snapshot: DatasetSnapshot) -> datetime:
    """The instant a snapshot shows: when it was frozen, or the end of its ``as_of`` day if that is earlier."""
    frozen = _aware(snapshot.created_at)
    return min(frozen, end_of_day(snapshot.as_of)) if snapshot.as_of is not None else frozen


def counted_submissions(session: Session, year: int, *, forms: Iterable[str], units: Iterable[str] | None = None,
                        as_of: datetime | None = None, approved_only: bool = False) -> list[Submission]:
    """The newest version of each (form, unit) submitted by ``as_of`` (all when None), nil returns included;
    with ``approved_only`` only versions whose newest approval decision by then approves them."""
    form_ids = list(forms)
    if as_of is None:
        return latest_submissions(session, year, forms=form_ids, units=units, approved_only=approved_only)
    cutoff = _aware(as_of)
    query = select(Submission).where(Submission.year == year, Submission.form_id.in_(form_ids)) \
        .order_by(Submission.version)
    if units is not None:
        query = query.where(Submission.unit_code.in_(list(units)))
    latest: dict[tuple[str, str], Submission] = {}
    for submission in session.scalars(query):
        if _aware(submission.created_at) <= cutoff:  # compared in Python: SQLite keeps naive UTC
            latest[(submission.form_id, submission.unit_code)] = submission
    chosen = [latest[key] for key in sorted(latest)]
    if approved_only:
        approved = approved_submission_ids(session, year, cutoff=cutoff, forms=form_ids)
        chosen = [s for s in chosen if s.id in approved]
    return chosen


def counted_attachments(session: Session, year: int, *, forms: Iterable[str], units: Iterable[str] | None = None,
                        as_of: datetime | None = None, approved_only: bool = False) -> list[SubmittedAttachment]:
    """The attachment of each counted submission that has one (not nil), ordered by form and unit."""
    form_ids = list(forms)
    if as_of is None:
        return submitted_attachments(session, year, forms=form_ids, units=units, approved_only=approved_only)
    latest = [s for s in counted_submissions(session, year, forms=form_ids, units=units, as_of=as_of,
                                             approved_only=approved_only)
              if s.attachment_id is not None and s.state != "nil"]
    if not latest:
        return []
    hashes = dict(session.execute(select(Attachment.id, Attachment.sha256).where(
        Attachment.id.in_([s.attachment_id for s in latest]))).all())
    return [SubmittedAttachment(s.form_id, s.unit_code, s.id, s.version, s.attachment_id, hashes[s.attachment_id])
            for s in latest if s.attachment_id in hashes]
