"""Which forms a unit must report this year, with status and deadline (the portal's start page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, require_unit_access
from kostra.catalog.forms import Form, load_catalog
from kostra.reporting.submissions import FormStatus
from kostra.store.models import Draft, Submission, Unit

__all__ = ["FormRow", "latest_statuses", "unit_forms"]


@dataclass(frozen=True)
class FormRow:
    """One form to report for one unit."""

    form_id: str
    name_nb: str
    name_en: str
    delivery: str
    unit_code: str
    unit_name: str
    deadline: date
    status: FormStatus
    version: int | None
    allows_nil: bool


def _units_reported_by(session: Session, unit: Unit) -> list[Unit]:
    """The unit itself and, for a municipality or district, the institutions it reports form 5 for."""
    institutions = session.scalars(
        select(Unit).where(Unit.kind == "institution", Unit.municipality_code == unit.code).order_by(Unit.name)
    )
    return [unit, *institutions]


def _reports(form: Form, reporter: Unit, unit: Unit) -> bool:
    kinds = {k.value for k in form.definition.unit_kinds}
    if unit.kind not in kinds:
        return False
    if unit is reporter:
        return True
    return reporter.kind in set(form.definition.reported_by)


StatusMap = dict[tuple[str, str], tuple[FormStatus, int]]


def latest_statuses(session: Session, year: int, unit_codes: list[str]) -> StatusMap:
    """(form, unit) → (status, latest version), drafts counting as in progress."""
    statuses: StatusMap = {}
    rows = session.execute(
        select(Submission.form_id, Submission.unit_code, Submission.state, Submission.version)
        .where(Submission.year == year, Submission.unit_code.in_(unit_codes))
        .order_by(Submission.version)
    )
    for form_id, unit_code, state, version in rows:
        statuses[(form_id, unit_code)] = (FormStatus(state), version)
    drafts = session.execute(
        select(Draft.form_id, Draft.unit_code).where(Draft.year == year, Draft.unit_code.in_(unit_codes))
    )
    for form_id, unit_code in drafts:
        _, version = statuses.get((form_id, unit_code), (FormStatus.DRAFT, 0))
        statuses[(form_id, unit_code)] = (FormStatus.DRAFT, version)
    return statuses


def unit_forms(session: Session, principal: Principal, *, year: int, unit_code: str) -> list[FormRow]:
    """Every form ``unit_code`` reports in ``year`` (and form 5 for its institutions), by deadline."""
    require_unit_access(principal, unit_code)
    reporter = session.get(Unit, unit_code)
    if reporter is None:
        return []
    units = _units_reported_by(session, reporter)
    statuses = latest_statuses(session, year, [u.code for u in units])
    rows: list[FormRow] = []
    for form in load_catalog(year).forms():
        for unit in units:
            if not _reports(form, reporter, unit):
                continue
            status, version = statuses.get((form.id, unit.code), (FormStatus.NOT_STARTED, 0))
            definition = form.definition
            rows.append(FormRow(
                form_id=form.id, name_nb=definition.name.nb, name_en=definition.name.en,
                delivery=definition.delivery.value, unit_code=unit.code, unit_name=unit.name,
                deadline=definition.deadline, status=status, version=version or None,
                allows_nil=definition.allows_nil,
            ))
    return rows
