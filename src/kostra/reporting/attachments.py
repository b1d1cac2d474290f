"""File attachments of file forms (11 → 11F, 11C → 11CF, accounts 0A–0Q): upload, control, keep.

Every upload is kept with its control report (nothing is overwritten); the newest one counts when
the form is submitted, and it must have no ERROR or FATAL findings.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, owner_of, require_unit_access
from kostra.catalog.forms import Form
from kostra.controls.filecheck.engine import check_file
from kostra.controls.filecheck.model import CheckArguments
from kostra.controls.filecheck.report import Report
from kostra.errors import IntakeError, UsageError
from kostra.store.models import Attachment, AuditEvent, Unit

__all__ = ["MAX_UPLOAD_BYTES", "control_again", "latest_attachment", "region_of", "upload_attachment"]

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
    require_unit_access(principal, unit.code, owner=owner_of(unit.kind, unit.municipality_code), write=True)
    attachment_spec = form.definition.attachment
    if attachment_spec is None:
        raise UsageError(f"form {form.id} takes no file attachment")
    if len(data) > MAX_UPLOAD_BYTES:
        raise IntakeError(f"{filename}: {len(data):,} bytes is more than the limit of {MAX_UPLOAD_BYTES:,} bytes")
    report = _control(data, form, unit, year)
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
    return row, report


def latest_attachment(session: Session, *, year: int, form_id: str, unit_code: str) -> Attachment | None:
    """The newest uploaded attachment of a form, or None."""
    return session.scalar(
        select(Attachment)
        .where(Attachment.year == year, Attachment.form_id == form_id, Attachment.unit_code == unit_code)
        .order_by(Attachment.id.desc())
        .limit(1)
    )


def _control(data: bytes, form: Form, unit: Unit, year: int) -> Report:
    spec = form.definition.attachment
    assert spec is not None  # only file forms have attachments
    return check_file(data, CheckArguments(form=spec.form, year=year, region=region_of(unit)))


def control_again(attachment: Attachment, form: Form, unit: Unit) -> Report:
    """The full control report of a kept attachment (the controls are deterministic)."""
    return _control(attachment.content, form, unit, attachment.year)
