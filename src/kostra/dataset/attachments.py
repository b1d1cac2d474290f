"""The file attachments that count: the one each unit's latest submission of a file or accounts form was
submitted with. An uploaded file that was never submitted (or was replaced by a later upload and not yet
submitted) is not the unit's data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset.records import latest_submissions
from kostra.store.models import Attachment

__all__ = ["SubmittedAttachment", "submitted_attachments"]


@dataclass(frozen=True)
class SubmittedAttachment:
    """An attachment as submitted: which unit and form, which submission (id, version), which file."""

    form_id: str
    unit_code: str
    submission_id: int
    version: int
    attachment_id: int
    sha256: str


def submitted_attachments(session: Session, year: int, *, forms: Iterable[str] | None = None,
                          units: Iterable[str] | None = None, as_of: date | datetime | None = None,
                          approved_only: bool = False) -> list[SubmittedAttachment]:
    """The attachment of each (form, unit)'s latest submission that has one, ordered by form and unit.

    The file's content is not loaded: read ``Attachment.content`` by ``attachment_id`` where needed.
    """
    latest = [s for s in latest_submissions(session, year, forms=forms, units=units, as_of=as_of,
                                            approved_only=approved_only)
              if s.attachment_id is not None and s.state != "nil"]
    if not latest:
        return []
    hashes = dict(session.execute(select(Attachment.id, Attachment.sha256).where(
        Attachment.id.in_([s.attachment_id for s in latest]))).all())
    return [SubmittedAttachment(s.form_id, s.unit_code, s.id, s.version, s.attachment_id, hashes[s.attachment_id])
            for s in latest if s.attachment_id in hashes]
