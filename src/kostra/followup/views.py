"""Read models of the office's follow-up pages (served as HTML and as their ``.json`` twins).

Each builder calls the follow-up services and shapes the result for one page; the pages only format.
The status chart's geometry is computed here, so templates do no arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import Form, load_catalog
from kostra.errors import NotFound, UnknownYear
from kostra.followup.approval import current_approval
from kostra.followup.audit import ValueTrail
from kostra.followup.contacts import CHANNEL_LABELS, contacts_of
from kostra.followup.edits import REASON_LABELS
from kostra.followup.quality import FormQuality
from kostra.followup.stale import StaleEditView, stale_rows
from kostra.followup.status import StatusBoard, StatusRow, county_of, status_board
from kostra.followup.values import FormValues, edit_key, year_values
from kostra.reference import regions
from kostra.reference.grouping import grouping_in_database
from kostra.reporting.submissions import FormStatus
from kostra.store.models import OutboxMessage, Unit

__all__ = [
    "OutboxPage",
    "QualityPage",
    "StatusPage",
    "TrailPage",
    "UnitPage",
    "outbox_page",
    "quality_page",
    "status_page",
    "trail_page",
    "unit_page",
]

CHART_WIDTH = 400
BAR_HEIGHT = 16
BAR_GAP = 6


class Choice(BaseModel):
    code: str
    label_nb: str
    label_en: str


class Bar(BaseModel):
    status: str
    count: int
    x: float
    width: float


class FormCount(BaseModel):
    form_id: str
    total: int
    done: int
    counts: dict[str, int]
    bars: list[Bar]
    y: int


class StatusRowView(BaseModel):
    form_id: str
    form_name_nb: str
    form_name_en: str
    unit_code: str
    unit_name: str
    county: str
    deadline: date
    status: str
    version: int | None
    submitted_at: datetime | None
    approved: bool
    new_this_year: bool = False
    last_year_note: str = ""

    @classmethod
    def of(cls, row: StatusRow) -> StatusRowView:
        return cls(form_id=row.form_id, form_name_nb=row.form_name_nb, form_name_en=row.form_name_en,
                   unit_code=row.unit_code, unit_name=row.unit_name, county=row.county, deadline=row.deadline,
                   status=row.status.value, version=row.version, submitted_at=row.submitted_at,
                   approved=row.approved, new_this_year=row.new_this_year, last_year_note=row.last_year_note)


class StatusPage(BaseModel):
    year: int
    form: str | None
    status: str | None
    county: str | None
    as_of: date | None
    missing_only: bool
    forms: list[Choice]
    counties: list[Choice]
    statuses: list[str]
    counts: list[FormCount]
    chart_width: int
    chart_height: int
    rows: list[StatusRowView]
    missing: int
    error: str | None = None
    total_rows: int = 0
    page: int = 1
    pages: int = 1


def _form_choices(year: int) -> list[Choice]:
    return [Choice(code=f.id, label_nb=f.definition.name.nb, label_en=f.definition.name.en)
            for f in load_catalog(year).forms()]


def _county_choices(year: int) -> list[Choice]:
    try:
        return [Choice(code=r.code, label_nb=r.name, label_en=r.name) for r in regions(year, "fylke")]
    except UnknownYear:  # a year without a region structure has no county filter
        return []


def _bars(counts: dict[FormStatus, int], total: int) -> list[Bar]:
    bars, x = [], 0.0
    for status in FormStatus:
        count = counts.get(status, 0)
        if not count:
            continue
        width = CHART_WIDTH * count / total
        bars.append(Bar(status=status.value, count=count, x=round(x, 2), width=round(width, 2)))
        x += width
    return bars


def _counts(board: StatusBoard) -> list[FormCount]:
    result = []
    for index, (form_id, tally) in enumerate(board.counts.items()):
        total = sum(tally.values())
        done = sum(n for s, n in tally.items() if s in (FormStatus.SUBMITTED, FormStatus.SUBMITTED_WITH_WARNINGS,
                                                          FormStatus.NIL, FormStatus.APPROVED))
        result.append(FormCount(form_id=form_id, total=total, done=done, counts={s.value: n for s, n in tally.items()},
                                bars=_bars(tally, total) if total else [], y=index * (BAR_HEIGHT + BAR_GAP)))
    return result


# The whole board of a year is over 5 000 rows (1.3 MB of HTML): the rows come a page at a time.
PAGE_SIZE = 250


def status_page(session: Session, year: int, *, form_id: str | None, status: str | None, county: str | None,
                as_of: date | None, missing_only: bool, error: str | None = None, page: int = 1) -> StatusPage:
    """The status board page (rows ``PAGE_SIZE`` at a time, counts for all); raises the services' errors."""
    board = status_board(session, year, form_id=form_id, as_of=as_of, county=county, status=status)
    every_row = board.missing() if missing_only else board.rows
    pages = max(1, -(-len(every_row) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = every_row[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    counts = _counts(board)
    return StatusPage(
        year=year, form=form_id, status=status, county=county, as_of=as_of, missing_only=missing_only,
        forms=_form_choices(year), counties=_county_choices(year), statuses=[s.value for s in FormStatus],
        counts=counts, chart_width=CHART_WIDTH, chart_height=max(1, len(counts)) * (BAR_HEIGHT + BAR_GAP),
        rows=[StatusRowView.of(r) for r in rows], missing=len(board.missing()), error=error,
        total_rows=len(every_row), page=page, pages=pages)


class MessageView(BaseModel):
    id: int
    created_at: datetime
    form_id: str | None
    unit_code: str
    kind: str
    recipient: str
    subject: str
    body: str
    sent_at: datetime | None
    send_error: str | None


class OutboxPage(BaseModel):
    year: int
    smtp_configured: bool
    messages: list[MessageView]
    unsent: int
    without_recipient: int
    result: dict[str, int]


def outbox_page(messages: list[OutboxMessage], year: int, smtp_configured: bool,
                result: dict[str, int] | None = None) -> OutboxPage:
    """The outbox, newest first, with what the last action did (``written``, ``sent`` … counts)."""
    views = [MessageView(id=m.id, created_at=m.created_at, form_id=m.form_id, unit_code=m.unit_code, kind=m.kind,
                         recipient=m.recipient, subject=m.subject, body=m.body, sent_at=m.sent_at,
                         send_error=m.send_error) for m in messages]
    return OutboxPage(year=year, smtp_configured=smtp_configured, messages=views,
                      unsent=sum(1 for m in views if m.sent_at is None),
                      without_recipient=sum(1 for m in views if not m.recipient), result=result or {})


class ValueView(BaseModel):
    key: str
    field_id: str
    label_nb: str
    label_en: str
    decimals: int
    reported: Any
    current: Any
    edited: bool
    reason: str | None = None
    comment: str = ""
    edited_by: str | None = None
    edited_at: datetime | None = None


class FormView(BaseModel):
    form_id: str
    name_nb: str
    name_en: str
    deadline: date
    status: str
    version: int | None
    submitted_at: datetime | None
    receipt: str | None
    nil: bool
    approved: bool
    values: list[ValueView]
    stale: list[StaleEditView] = []


class ContactView(BaseModel):
    created_at: datetime
    created_by: str
    channel: str
    channel_nb: str
    channel_en: str
    person: str
    form_id: str | None
    summary: str
    follow_up_on: date | None


class UnitPage(BaseModel):
    year: int
    unit_code: str
    unit_name: str
    unit_kind: str
    county: str
    kostra_group: str | None = None  # EKG## of the unit's municipality, when reference data is loaded
    grouping: str | None = None      # "official" (loaded from KLASS) or "approximation"
    email: str | None
    forms: list[FormView]
    institutions: list[Choice]
    contacts: list[ContactView]
    reasons: list[Choice]
    channels: list[Choice]
    error: str | None = None
    error_form: str | None = None


def _value_rows(form: Form, current: FormValues) -> list[ValueView]:
    """One row per answered field, and per table cell, in form order."""
    rows: list[ValueView] = []
    for spec in form.fields():
        if spec.type is FieldType.TABLE:
            table = current.values.get(spec.name) or current.reported.get(spec.name) or []
            reported_rows = current.reported.get(spec.name) or []
            for index, cells in enumerate(table):
                for column in spec.columns or ():
                    reported = reported_rows[index].get(column.name) if index < len(reported_rows) else None
                    key = edit_key(f"{spec.name}.{column.name}", index)
                    rows.append(_value(current, key, spec.id, f"{spec.label.nb}, rad {index}: {column.label.nb}",
                                       f"{spec.label.en}, row {index}: {column.label.en}", column.decimals,
                                       reported, cells.get(column.name)))
        elif spec.name in current.reported or spec.name in current.edits:
            rows.append(_value(current, spec.name, spec.id, spec.label.nb, spec.label.en, spec.decimals,
                               current.reported.get(spec.name), current.values.get(spec.name)))
    return rows


def _value(current: FormValues, key: str, field_id: str, label_nb: str, label_en: str, decimals: int,
           reported: Any, value: Any) -> ValueView:
    edit = current.edits.get(key)
    return ValueView(key=key, field_id=field_id, label_nb=label_nb, label_en=label_en, decimals=decimals,
                     reported=reported, current=value, edited=edit is not None,
                     reason=edit.reason_code if edit else None, comment=edit.comment if edit else "",
                     edited_by=edit.created_by if edit else None, edited_at=edit.created_at if edit else None)


def _form_view(session: Session, year: int, form: Form, row: StatusRow, current: FormValues | None) -> FormView:
    approval = current_approval(session, year, form.id, row.unit_code) if current is not None else None
    return FormView(form_id=form.id, name_nb=form.definition.name.nb, name_en=form.definition.name.en,
                    deadline=row.deadline, status=row.status.value, version=row.version,
                    submitted_at=row.submitted_at, receipt=current.submission.receipt_id if current else None,
                    nil=bool(current and current.nil), approved=approval is not None,
                    values=_value_rows(form, current) if current is not None and not current.nil else [],
                    stale=stale_rows(form, current) if current is not None else [])


def unit_page(session: Session, year: int, unit_code: str, *, error: str | None = None,
              error_form: str | None = None) -> UnitPage:
    """A unit's follow-up page: forms with values (reported and edited), contact log; NotFound for no unit."""
    unit = session.get(Unit, unit_code)
    if unit is None:
        raise NotFound(f"no reporting unit {unit_code!r}")
    catalog = load_catalog(year)
    latest = {fv.form_id: fv for fv in year_values(session, year, unit_codes=[unit_code])}
    forms = [_form_view(session, year, catalog.form(row.form_id), row, latest.get(row.form_id))
             for row in status_board(session, year, unit_code=unit_code).rows]
    institutions = session.scalars(select(Unit).where(Unit.kind == "institution",
                                                      Unit.municipality_code == unit_code).order_by(Unit.name))
    contacts = [ContactView(created_at=c.created_at, created_by=c.created_by, channel=c.channel,
                            channel_nb=_channel_label(c.channel, 0), channel_en=_channel_label(c.channel, 1),
                            person=c.person, form_id=c.form_id, summary=c.summary, follow_up_on=c.follow_up_on)
                for c in contacts_of(session, year, unit_code)]
    grouping = grouping_in_database(session, year)
    municipality = unit.code if unit.kind == "municipality" else unit.municipality_code
    return UnitPage(
        year=year, unit_code=unit.code, unit_name=unit.name, unit_kind=unit.kind, county=county_of(unit),
        kostra_group=grouping.group_of(municipality) if grouping and municipality else None,
        grouping=grouping.source.value if grouping else None, email=unit.email, forms=forms, contacts=contacts,
        institutions=[Choice(code=i.code, label_nb=i.name, label_en=i.name) for i in institutions],
        reasons=[Choice(code=code.value, label_nb=nb, label_en=en) for code, (nb, en) in REASON_LABELS.items()],
        channels=[Choice(code=ch.value, label_nb=nb, label_en=en) for ch, (nb, en) in CHANNEL_LABELS.items()],
        error=error, error_form=error_form)


def _channel_label(channel: str, index: int) -> str:
    for code, labels in CHANNEL_LABELS.items():
        if code.value == channel:
            return labels[index]
    return channel


class TrailEventView(BaseModel):
    at: datetime
    kind: str
    value: Any
    by: str
    version: int | None
    receipt: str
    reason: str
    comment: str


class TrailPage(BaseModel):
    year: int
    form_id: str
    unit_code: str
    unit_name: str
    field: str
    label_nb: str
    label_en: str
    decimals: int
    reported: Any
    current: Any
    edited: bool
    events: list[TrailEventView]


def trail_page(trail: ValueTrail, unit_name: str, decimals: int) -> TrailPage:
    return TrailPage(
        year=trail.year, form_id=trail.form_id, unit_code=trail.unit_code, unit_name=unit_name, field=trail.field,
        label_nb=trail.label_nb, label_en=trail.label_en, decimals=decimals, reported=trail.reported,
        current=trail.current, edited=trail.edited,
        events=[TrailEventView(at=e.at, kind=e.kind, value=e.value, by=e.by, version=e.version, receipt=e.receipt,
                               reason=e.reason, comment=e.comment) for e in trail.events])


class QualityRow(BaseModel):
    form_id: str
    name_nb: str
    name_en: str
    units_required: int
    units_delivered: int
    response_pct: float | None
    values_reported: int
    values_edited: int
    edited_pct: float | None
    run_id: int | None
    items_evaluated: int
    hits: int
    hit_pct: float | None
    hits_edited: int
    accuracy_pct: float | None


class QualityPage(BaseModel):
    year: int
    forms: list[QualityRow]


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def quality_page(year: int, indicators: list[FormQuality]) -> QualityPage:
    return QualityPage(year=year, forms=[QualityRow(
        form_id=q.form_id, name_nb=q.name_nb, name_en=q.name_en, units_required=q.units_required,
        units_delivered=q.units_delivered, response_pct=_pct(q.response_rate), values_reported=q.values_reported,
        values_edited=q.values_edited, edited_pct=_pct(q.edited_share), run_id=q.run_id,
        items_evaluated=q.items_evaluated, hits=q.hits, hit_pct=_pct(q.hit_rate), hits_edited=q.hits_edited,
        accuracy_pct=_pct(q.hit_accuracy)) for q in indicators])
