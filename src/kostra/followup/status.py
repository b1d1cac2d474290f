"""The reporting status board: every unit × every form it must report, as of now or as of a date.

A unit must report a form when its kind is one of the form's unit kinds (municipalities and Oslo
districts report most forms, institutions form 5, counties the county accounts). The status of a
(form, unit) is read from the append-only submissions, so it can be evaluated *as of the end of a
day* D: submissions and approvals created after D do not count. Drafts are mutable and keep only
their last save, so a draft counts from its last save (a draft saved again after D is not seen at D).

    >>> board = status_board(session, 2025, form_id="11", as_of=date(2026, 4, 19))
    >>> [row.unit_code for row in board.missing()]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.forms import Form, load_catalog
from kostra.dataset.previous import last_year_reform
from kostra.errors import UnknownYear, UsageError
from kostra.reference import regions
from kostra.reporting.submissions import FormStatus
from kostra.store.models import Approval, Draft, Submission, Unit

__all__ = [
    "DONE_STATUSES",
    "StatusBoard",
    "StatusRow",
    "county_of",
    "end_of_day",
    "forms_for_unit",
    "status_board",
]

OSLO = ZoneInfo("Europe/Oslo")
# A form counts as delivered when submitted (with or without warnings), declared nil, or approved.
DONE_STATUSES = frozenset({FormStatus.SUBMITTED, FormStatus.SUBMITTED_WITH_WARNINGS, FormStatus.NIL,
                           FormStatus.APPROVED})


@dataclass(frozen=True)
class StatusRow:
    """The status of one form for one unit."""

    form_id: str
    form_name_nb: str
    form_name_en: str
    unit_code: str
    unit_name: str
    unit_kind: str
    county: str
    county_name: str
    deadline: date
    status: FormStatus
    version: int | None
    submitted_at: datetime | None
    approved: bool
    # Neither the unit nor its predecessors (across a reform) sent the form last year, or it was split from one.
    new_this_year: bool = False
    last_year_note: str = ""     # how last year relates across a reform (renumbered, merged, split), bokmål

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES

    def as_dict(self) -> dict[str, object]:
        """Flat, printable shape (CLI and JSON)."""
        return {"form": self.form_id, "unit": self.unit_code, "unit_name": self.unit_name,
                "county": self.county, "deadline": self.deadline, "status": self.status.value,
                "version": self.version, "submitted_at": self.submitted_at, "approved": self.approved,
                "new_this_year": self.new_this_year, "last_year_note": self.last_year_note}


@dataclass(frozen=True)
class StatusBoard:
    """The rows of the board (after every filter) and the counts per form and status (before the status filter)."""

    year: int
    as_of: date | None
    rows: list[StatusRow]
    counts: dict[str, dict[FormStatus, int]]

    def missing(self) -> list[StatusRow]:
        """Units that have not delivered: not started or only a draft."""
        return [row for row in self.rows if not row.done]


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Oslo time, as an aware datetime (what "as of 19 April" means)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=OSLO) - timedelta(microseconds=1)


def county_of(unit: Unit) -> str:
    """The county number a unit belongs to: the first two digits of its (or its owner's) municipality."""
    if unit.kind == "county":
        return unit.code[:2]
    if unit.kind == "institution":
        return (unit.municipality_code or "")[:2]
    return unit.code[:2]


def _county_names(year: int) -> dict[str, str]:
    try:
        return {r.code: r.name for r in regions(year, "fylke")}
    except UnknownYear:
        return {}


def forms_for_unit(forms: Iterable[Form], unit: Unit) -> list[Form]:
    """The forms whose unit kinds include the unit's kind."""
    return [form for form in forms if unit.kind in {k.value for k in form.definition.unit_kinds}]


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they are stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))


_SubmissionKey = tuple[str, str]


def _latest_submissions(session: Session, year: int, cutoff: datetime | None,
                        form_id: str | None) -> dict[_SubmissionKey, tuple[int, int, str, datetime]]:
    """(form, unit) → (submission id, version, state, created_at) of the newest version before ``cutoff``."""
    query = select(Submission.id, Submission.form_id, Submission.unit_code, Submission.version, Submission.state,
                   Submission.created_at).where(Submission.year == year).order_by(Submission.version)
    if form_id is not None:
        query = query.where(Submission.form_id == form_id)
    latest: dict[_SubmissionKey, tuple[int, int, str, datetime]] = {}
    for sub_id, form, unit, version, state, created in session.execute(query):
        if cutoff is None or _aware(created) <= cutoff:
            latest[(form, unit)] = (sub_id, version, state, _aware(created))
    return latest


def _drafts(session: Session, year: int, cutoff: datetime | None,
            form_id: str | None) -> dict[_SubmissionKey, datetime]:
    query = select(Draft.form_id, Draft.unit_code, Draft.updated_at).where(Draft.year == year)
    if form_id is not None:
        query = query.where(Draft.form_id == form_id)
    return {(form, unit): _aware(updated) for form, unit, updated in session.execute(query)
            if cutoff is None or _aware(updated) <= cutoff}


def approved_submissions(session: Session, year: int, cutoff: datetime | None = None,
                         form_id: str | None = None) -> set[int]:
    """Ids of submissions whose newest approval decision (before ``cutoff``) is an approval."""
    query = select(Approval.form_id, Approval.unit_code, Approval.submission_id, Approval.approved,
                   Approval.created_at).where(Approval.year == year).order_by(Approval.created_at, Approval.id)
    if form_id is not None:
        query = query.where(Approval.form_id == form_id)
    newest: dict[_SubmissionKey, tuple[int, bool]] = {}
    for form, unit, submission_id, approved, created in session.execute(query):
        if cutoff is None or _aware(created) <= cutoff:
            newest[(form, unit)] = (submission_id, approved)
    return {submission_id for submission_id, approved in newest.values() if approved}


def _status(key: _SubmissionKey, latest: dict[_SubmissionKey, tuple[int, int, str, datetime]],
            drafts: dict[_SubmissionKey, datetime], approved: set[int]) -> tuple[FormStatus, bool]:
    submission = latest.get(key)
    draft = drafts.get(key)
    if submission is None:
        return (FormStatus.DRAFT if draft is not None else FormStatus.NOT_STARTED), False
    sub_id, _, state, created = submission
    is_approved = sub_id in approved
    if draft is not None and draft > created:
        return FormStatus.DRAFT, is_approved
    return (FormStatus.APPROVED if is_approved else FormStatus(state)), is_approved


def _parse_status(status: str | FormStatus | None) -> FormStatus | None:
    if status is None or isinstance(status, FormStatus):
        return status
    try:
        return FormStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in FormStatus)
        raise UsageError(f"unknown status {status!r}: expected one of {known}") from None


def status_board(session: Session, year: int, *, form_id: str | None = None, as_of: date | None = None,
                 county: str | None = None, status: str | FormStatus | None = None,
                 unit_code: str | None = None) -> StatusBoard:
    """Every (form, unit) that must be reported in ``year`` with its status at the end of ``as_of``.

    Filters: one form, one county (two digits, e.g. ``34``), one status, one unit. Raises NotFound
    for an unknown form and UsageError for an unknown status.
    """
    wanted = _parse_status(status)
    catalog = load_catalog(year)
    forms = [catalog.form(form_id)] if form_id is not None else list(catalog.forms())
    cutoff = end_of_day(as_of) if as_of is not None else None
    latest = _latest_submissions(session, year, cutoff, form_id)
    drafts = _drafts(session, year, cutoff, form_id)
    approved = approved_submissions(session, year, cutoff, form_id)
    names = _county_names(year)
    # The year's own municipalities: one that no longer exists (inactive) reports for its years, and one
    # created by a later reform does not report for the years before it.
    municipalities = _municipalities_of(year)
    query = select(Unit).where(Unit.active.is_(True) | Unit.code.in_(municipalities)).order_by(Unit.code)
    units = [u for u in session.scalars(query if unit_code is None else query.where(Unit.code == unit_code))
             if u.kind != "municipality" or not municipalities or u.code in municipalities]
    rows: list[StatusRow] = []
    last_year = _LastYear(session, year, form_id)
    for form in forms:
        kinds = {k.value for k in form.definition.unit_kinds}
        for unit in units:
            if unit.kind in kinds and (county is None or county_of(unit) == county):
                rows.append(last_year.mark(_row(form, unit, latest, drafts, approved, names)))
    counts: dict[str, dict[FormStatus, int]] = {}
    for form in forms:
        tally = Counter(row.status for row in rows if row.form_id == form.id)
        counts[form.id] = {s: tally.get(s, 0) for s in FormStatus}
    shown = [row for row in rows if wanted is None or row.status is wanted]
    return StatusBoard(year=year, as_of=as_of, rows=shown, counts=counts)


def _row(form: Form, unit: Unit, latest: dict[_SubmissionKey, tuple[int, int, str, datetime]],
         drafts: dict[_SubmissionKey, datetime], approved: set[int], county_names: dict[str, str]) -> StatusRow:
    key = (form.id, unit.code)
    state, is_approved = _status(key, latest, drafts, approved)
    submission = latest.get(key)
    county = county_of(unit)
    return StatusRow(
        form_id=form.id, form_name_nb=form.definition.name.nb, form_name_en=form.definition.name.en,
        unit_code=unit.code, unit_name=unit.name, unit_kind=unit.kind, county=county,
        county_name=county_names.get(county, ""), deadline=form.definition.deadline, status=state,
        version=submission[1] if submission else None, submitted_at=submission[3] if submission else None,
        approved=is_approved,
    )


def _municipalities_of(year: int) -> list[str]:
    try:
        return [r.code for r in regions(year, "kommune")]
    except UnknownYear:
        return []


class _LastYear:
    """Who sent each form last year, read in this year's structure (``kostra.dataset.reform``)."""

    def __init__(self, session: Session, year: int, form_id: str | None) -> None:
        query = select(Submission.form_id, Submission.unit_code).where(Submission.year == year - 1).distinct()
        if form_id is not None:
            query = query.where(Submission.form_id == form_id)
        self.sent = {(form, unit) for form, unit in session.execute(query)}
        self.reform = last_year_reform(year)

    def mark(self, row: StatusRow) -> StatusRow:
        if self.reform is None:
            return replace(row, new_this_year=(row.form_id, row.unit_code) not in self.sent)
        link = self.reform.link(row.unit_code)
        sent = any((row.form_id, old) in self.sent for old in link.predecessors)
        return replace(row, new_this_year=not (link.comparable and sent), last_year_note=link.note())
