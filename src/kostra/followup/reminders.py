"""Deadline reminders: written to the outbox when a form is missing, sent by SMTP when configured.

The schedule is data (``SCHEDULE``): each step is a number of days relative to the form's deadline.
On ``today`` the newest step that has come is written for every unit still missing the form, once:
the outbox's unique ``dedupe_key`` (year, form, unit, step) stops repeats, and a skipped step (the job
did not run that day) is not sent late, so a unit never gets several reminders at once.

    >>> write_reminders(session, 2025, date(2026, 1, 8), settings)   # 7 days before 15 January
    >>> send_outbox(session, settings)                             # only with KOSTRA_SMTP_HOST
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.forms import Form, load_catalog
from kostra.followup.status import StatusRow, status_board
from kostra.settings import Settings
from kostra.store.models import AuditEvent, OutboxMessage, Unit, User, utcnow

__all__ = ["SCHEDULE", "ReminderStep", "SendResult", "WriteResult", "outbox", "send_outbox", "write_reminders"]


@dataclass(frozen=True)
class ReminderStep:
    """One reminder: ``days`` relative to the deadline (negative = before), its name, subject and the
    sentence about the deadline (bokmål; ``{form}`` and ``{deadline}`` are filled in)."""

    name: str
    days: int
    subject_nb: str
    deadline_nb: str


SCHEDULE: tuple[ReminderStep, ...] = (
    ReminderStep("before", -7, "Påminnelse: fristen for skjema {form} nærmer seg", "Fristen er {deadline}."),
    ReminderStep("deadline", 0, "Fristen for skjema {form} går ut i dag", "Fristen er i dag, {deadline}."),
    ReminderStep("overdue", 7, "Purring: skjema {form} er ikke mottatt",
                 "Fristen var {deadline}, og skjemaet er ikke mottatt."),
)
RECIPIENT_MAX = 200


@dataclass(frozen=True)
class WriteResult:
    """What ``write_reminders`` did: messages written, already in the outbox, written without recipient."""

    written: int
    already: int
    without_recipient: int


@dataclass(frozen=True)
class SendResult:
    """What ``send_outbox`` did; ``configured`` is False when no SMTP host is set (nothing is sent)."""

    configured: bool
    sent: int
    failed: int
    skipped: int


def due_step(deadline: date, today: date, schedule: tuple[ReminderStep, ...] = SCHEDULE) -> ReminderStep | None:
    """The newest step whose day has come (``deadline + days <= today``), or None before the first."""
    come = [step for step in schedule if deadline + timedelta(days=step.days) <= today]
    return max(come, key=lambda step: step.days) if come else None


def _unit_address(session: Session, unit: Unit) -> str:
    """The unit's own e-mail, else its active reporters' e-mails."""
    if unit.email:
        return unit.email
    emails = session.scalars(select(User.email).where(User.unit_code == unit.code, User.active.is_(True),
                                                      User.role == "reporter", User.email.is_not(None))
                             .order_by(User.username))
    joined = ", ".join(dict.fromkeys(e for e in emails if e))
    return joined[:RECIPIENT_MAX].rsplit(",", 1)[0] if len(joined) > RECIPIENT_MAX else joined


def _recipients(session: Session, unit: Unit) -> str:
    """Who gets a unit's reminder; an institution without an address is reached through its municipality,
    which reports form 5 for it."""
    address = _unit_address(session, unit)
    if address or unit.kind != "institution" or not unit.municipality_code:
        return address
    owner = session.get(Unit, unit.municipality_code)
    return _unit_address(session, owner) if owner is not None else ""


def _portal_path(year: int, row: StatusRow) -> str:
    return f"/portal/{year}/{row.form_id}/{row.unit_code}"


def reminder_text(year: int, form: Form, row: StatusRow, step: ReminderStep, today: date) -> tuple[str, str]:
    """Subject and body (bokmål) of a reminder."""
    deadline = form.definition.deadline.strftime("%d.%m.%Y")
    when = step.deadline_nb.format(form=form.id, deadline=deadline)
    nil = ("\nHar enheten ingenting å rapportere, kan dere sende «ingenting å rapportere» fra samme side.\n"
           if form.definition.allows_nil else "")
    body = (
        "Hei!\n\n"
        f"Statistisk sentralbyrå har per {today.strftime('%d.%m.%Y')} ikke mottatt skjema {form.id} "
        f"«{form.definition.name.nb}» for {row.unit_name} ({row.unit_code}) for rapporteringsåret {year}. "
        f"{when}\n\n"
        f"Skjemaet fyller dere ut og sender inn i KOSTRA-portalen: {_portal_path(year, row)}\n"
        f"{nil}\n"
        "Har dere allerede sendt inn, kan dere se bort fra denne meldingen.\n\n"
        "Vennlig hilsen\nStatistisk sentralbyrå, KOSTRA\n"
    )
    subject = f"{step.subject_nb.format(form=form.id)} – {row.unit_name} ({row.unit_code}), frist {deadline}"
    return subject, body


def write_reminders(session: Session, year: int, today: date, settings: Settings | None = None,
                    *, form_id: str | None = None, actor: str = "system") -> WriteResult:
    """Write one reminder per unit and form missing on ``today`` whose schedule step has come.

    ``settings`` is accepted for symmetry with ``send_outbox`` (the text names no host). Rows already
    in the outbox (same dedupe key) are counted, not written again. The caller commits.
    """
    catalog = load_catalog(year)
    existing = set(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.year == year)))
    board = status_board(session, year, form_id=form_id, as_of=today)
    units = {u.code: u for u in session.scalars(select(Unit))}
    written = already = without = 0
    for row in board.missing():
        step = due_step(row.deadline, today)
        if step is None:
            continue
        key = f"reminder:{year}:{row.form_id}:{row.unit_code}:{step.name}"
        if key in existing:
            already += 1
            continue
        subject, body = reminder_text(year, catalog.form(row.form_id), row, step, today)
        recipient = _recipients(session, units[row.unit_code])
        without += not recipient
        session.add(OutboxMessage(year=year, form_id=row.form_id, unit_code=row.unit_code, kind=f"reminder.{step.name}",
                                  recipient=recipient, subject=subject, body=body, dedupe_key=key))
        existing.add(key)
        written += 1
    result = WriteResult(written=written, already=already, without_recipient=without)
    session.add(AuditEvent(actor=actor, action="outbox.reminders", object_ref=f"{year}/{form_id or '*'}",
                           detail_json=json.dumps({"today": today.isoformat(), **asdict(result)})))
    session.flush()
    return result


def outbox(session: Session, year: int, *, unsent_only: bool = False) -> list[OutboxMessage]:
    """The year's outbox, newest first."""
    query = select(OutboxMessage).where(OutboxMessage.year == year)
    if unsent_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    return list(session.scalars(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())))


def _email(settings: Settings, message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    return mail


def send_outbox(session: Session, settings: Settings, *, year: int | None = None,
                actor: str = "system") -> SendResult:
    """Send every unsent message with a recipient by SMTP; record ``sent_at`` or ``send_error``.

    Does nothing (``configured=False``) unless ``settings.smtp_host`` is set. A message without a
    recipient is skipped and stays unsent. The caller commits.
    """
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    if year is not None:
        query = query.where(OutboxMessage.year == year)
    pending = list(session.scalars(query))
    if not settings.smtp_host:
        return SendResult(configured=False, sent=0, failed=0, skipped=len(pending))
    sendable = [m for m in pending if m.recipient]
    sent = failed = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            for message in sendable:
                try:
                    smtp.send_message(_email(settings, message))
                except smtplib.SMTPException as error:
                    message.send_error, failed = f"{type(error).__name__}: {error}", failed + 1
                else:
                    message.sent_at, message.send_error, sent = utcnow(), None, sent + 1
    except (OSError, smtplib.SMTPException) as error:
        # The server could not be reached (or dropped us): every message not sent keeps the reason.
        for message in sendable:
            if message.sent_at is None:
                message.send_error = f"SMTP {settings.smtp_host}:{settings.smtp_port}: {error}"
        failed = len(sendable) - sent
    result = SendResult(configured=True, sent=sent, failed=failed, skipped=len(pending) - len(sendable))
    session.add(AuditEvent(actor=actor, action="outbox.send", object_ref=str(year or "*"),
                           detail_json=json.dumps(asdict(result))))
    session.flush()
    return result
