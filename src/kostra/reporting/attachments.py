"""File attachments of file forms (11 → 11F, 11C → 11CF, accounts 0A–0Q): upload, control, keep.

Every upload is kept with its control report (nothing is overwritten); the newest one counts when
the form is submitted, and it must have no ERROR or FATAL findings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, owner_of, require_unit_access
from kostra.catalog.forms import Form
from kostra.controls.filecheck.engine import check_file, check_files
from kostra.controls.filecheck.model import CheckArguments
from kostra.controls.filecheck.report import Report
from kostra.errors import IntakeError, UsageError
from kostra.store.models import Attachment, AuditEvent, Unit

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ControlledUpload",
    "Upload",
    "control_again",
    "control_uploads",
    "keep_upload",
    "latest_attachment",
    "region_of",
    "upload_attachment",
]

# As the official web validator (specs/kostra-files.md §1.1): a real municipal file is far smaller.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def region_of(unit: Unit) -> str:
    """The 6-digit region of file attachments: municipality + "00", or the Oslo district code."""
    if unit.kind == "oslo_district":
        return unit.code
    if unit.kind == "county":
        return unit.code.ljust(6, "0")
    return unit.code + "00"


def upload_attachment(session: Session, principal: Principal, *, form: Form, unit: Unit, year: int,
                      filename: str, data: bytes) -> tuple[Attachment, Report]:
    """Control ``data`` as the form's attachment and keep it with its report (the unit's reporter only)."""
    upload = Upload(principal, form, unit, year, filename, data)
    _admit(upload)
    report = _control(data, form, unit, year)
    return keep_upload(session, ControlledUpload(upload, report)), report


@dataclass(frozen=True, slots=True)
class Upload:
    """A file a user uploads as the attachment of a file form for a unit."""

    principal: Principal
    form: Form
    unit: Unit
    year: int
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ControlledUpload:
    """An upload with its control report, as :func:`control_uploads` made it; kept by :func:`keep_upload`."""

    upload: Upload
    report: Report


def control_uploads(uploads: Sequence[Upload]) -> list[ControlledUpload]:
    """Admit every upload (as :func:`upload_attachment`) and control the files together.

    Each report is the one :func:`upload_attachment` would give (``check_files``); many small files of a form
    are controlled far faster together than one by one. Raises as :func:`upload_attachment`, before any control.
    """
    for upload in uploads:
        _admit(upload)
    reports = check_files([(upload.data, _arguments(upload.form, upload.unit, upload.year)) for upload in uploads])
    return [ControlledUpload(upload, report) for upload, report in zip(uploads, reports, strict=True)]


def keep_upload(session: Session, controlled: ControlledUpload) -> Attachment:
    """Keep a controlled upload with its report and an audit event (the unit's reporter only)."""
    upload, report = controlled.upload, controlled.report
    principal, form, unit, year, filename, data = (upload.principal, upload.form, upload.unit, upload.year,
                                                   upload.filename, upload.data)
    require_unit_access(principal, unit.code, owner=owner_of(unit.kind, unit.municipality_code), write=True)
    digest = hashlib.sha256(data).hexdigest()
    row = Attachment(year=year, form_id=form.id, unit_code=unit.code, filename=filename[:255], content=data,
                     sha256=digest, severity=report.severity.name,
                     report_json=json.dumps(report.to_json_dict(), ensure_ascii=False),
                     uploaded_by=principal.username)
    session.add(row)
    session.add(AuditEvent(actor=principal.username, action="attachment.uploaded",
                           object_ref=f"{year}/{form.id}/{unit.code}",
                           detail_json=json.dumps({"file": filename, "sha256": digest,
                                                   "severity": report.severity.name})))
    session.flush()
    return row


def _admit(upload: Upload) -> None:
    """Refuse an upload by someone else than the unit's reporter, to a form without files, or too large."""
    unit = upload.unit
    require_unit_access(upload.principal, unit.code, owner=owner_of(unit.kind, unit.municipality_code), write=True)
    if upload.form.definition.attachment is None:
        raise UsageError(f"form {upload.form.id} takes no file attachment")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise IntakeError(f"{upload.filename}: {len(upload.data):,} bytes is more than the limit of "
                          f"{MAX_UPLOAD_BYTES:,} bytes")


def latest_attachment(session: Session, *, year: int, form_id: str, unit_code: str) -> Attachment | None:
    """The newest uploaded attachment of a form, or None."""
    return session.scalar(
        select(Attachment)
        .where(Attachment.year == year, Attachment.form_id == form_id, Attachment.unit_code == unit_code)
        .order_by(Attachment.id.desc())
        .limit(1)
    )


def _arguments(form: Form, unit: Unit, year: int) -> CheckArguments:
    spec = form.definition.attachment
    assert spec is not None  # only file forms have attachments
    return CheckArguments(form=spec.form, year=year, region=region_of(unit))


def _control(data: bytes, form: Form, unit: Unit, year: int) -> Report:
    return check_file(data, _arguments(form, unit, year))


def control_again(attachment: Attachment, form: Form, unit: Unit) -> Report:
    """The full control report of a kept attachment (the controls are deterministic)."""
    return _control(attachment.content, form, unit, attachment.year)
