"""``kostra followup``: reminders and the outbox, contacts, edits with reasons, approval, audit trail, quality."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from kostra.cli.choices import CONTACT_CHANNELS, REASON_CODES
from kostra.cli.output import format_option, render, year_option
from kostra.cli.status import database_session, settings_of
from kostra.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kostra.access.roles import Principal
    from kostra.followup.reminders import SendResult

__all__ = ["followup"]

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _actor(session: Session, username: str) -> Principal:
    from sqlalchemy import select

    from kostra.access.users import principal_of
    from kostra.store.models import User

    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise UsageError(f"no active user {username!r}: --actor must name a statistician's user name")
    return principal_of(user)


ACTOR_HELP = "User name of the statistician doing this (recorded in the audit log)."


@click.group()
def followup() -> None:
    """Follow-up after submission: reminders, contacts, edits, approval, audit trail and quality."""


@followup.command("reminders")
@year_option()
@click.option("--today", type=DATE, required=True, help="The day the reminders are written for (YYYY-MM-DD).")
@click.option("--form", "form_id", help="Only this form.")
@click.option("--send", is_flag=True, help="Also send unsent messages by SMTP (when KOSTRA_SMTP_HOST is set).")
@click.pass_context
def reminders(ctx: click.Context, year: int, today: datetime, form_id: str | None, send: bool) -> None:
    """Write deadline reminders to the outbox for every unit still missing a form (7 days before the
    deadline, on the deadline, 7 days after); a reminder is never written twice."""
    from kostra.followup.reminders import send_outbox, write_reminders

    settings = settings_of(ctx)
    with database_session(settings) as session:
        result = write_reminders(session, year, today.date(), settings, form_id=form_id)
        click.echo(f"{result.written} reminder(s) written, {result.already} already in the outbox, "
                   f"{result.without_recipient} without a recipient.", err=True)
        if send:
            _report_sending(send_outbox(session, settings, year=year))


def _report_sending(result: SendResult) -> None:
    if not result.configured:
        click.echo(f"SMTP is not configured (set KOSTRA_SMTP_HOST); {result.skipped} message(s) wait in the "
                   "outbox.", err=True)
        return
    click.echo(f"{result.sent} message(s) sent, {result.failed} failed, {result.skipped} without a recipient.",
               err=True)


@followup.command("send")
@year_option(required=False, help_text="Only messages of this year.")
@click.pass_context
def send(ctx: click.Context, year: int | None) -> None:
    """Send the outbox's unsent messages by SMTP (KOSTRA_SMTP_HOST, KOSTRA_SMTP_PORT, KOSTRA_MAIL_FROM)."""
    from kostra.followup.reminders import send_outbox

    settings = settings_of(ctx)
    with database_session(settings) as session:
        _report_sending(send_outbox(session, settings, year=year))


@followup.command("outbox")
@year_option()
@click.option("--unsent", is_flag=True, help="Only messages not sent yet.")
@format_option()
@click.pass_context
def outbox(ctx: click.Context, year: int, unsent: bool, output_format: str) -> None:
    """List the outbox: reminders and other messages to the units, newest first."""
    from kostra.followup.reminders import outbox as outbox_messages

    with database_session(settings_of(ctx)) as session:
        rows = [{"id": m.id, "created_at": m.created_at, "form": m.form_id, "unit": m.unit_code, "kind": m.kind,
                 "recipient": m.recipient or "(no e-mail address)", "subject": m.subject, "sent_at": m.sent_at,
                 "send_error": m.send_error} for m in outbox_messages(session, year, unsent_only=unsent)]
    click.echo(render(rows, output_format, ["id", "created_at", "form", "unit", "kind", "recipient", "subject",
                                            "sent_at", "send_error"]))


@followup.command("contact")
@year_option()
@click.option("--unit", "unit_code", required=True, help="The unit's code (4 or 6 digits, or orgnr).")
@click.option("--channel", type=click.Choice(CONTACT_CHANNELS), required=True)
@click.option("--summary", required=True, help="What was said or agreed.")
@click.option("--person", default="", help="Who the office spoke with.")
@click.option("--form", "form_id", help="The form the contact was about.")
@click.option("--follow-up", "follow_up", type=DATE, help="Day to follow up (YYYY-MM-DD).")
@click.option("--actor", required=True, help="User name of the statistician who had the contact.")
@click.pass_context
def contact(ctx: click.Context, year: int, unit_code: str, channel: str, summary: str, person: str,
            form_id: str | None, follow_up: datetime | None, actor: str) -> None:
    """Add an entry to a unit's contact log."""
    from kostra.followup.contacts import add_contact

    with database_session(settings_of(ctx)) as session:
        entry = add_contact(session, _actor(session, actor), year=year, unit_code=unit_code, channel=channel,
                            summary=summary, person=person, form_id=form_id,
                            follow_up_on=follow_up.date() if follow_up else None)
        click.echo(f"Contact {entry.id} logged for {unit_code}.", err=True)


@followup.command("contacts")
@year_option()
@click.option("--unit", "unit_code", required=True)
@format_option()
@click.pass_context
def contacts(ctx: click.Context, year: int, unit_code: str, output_format: str) -> None:
    """List a unit's contact log, newest first."""
    from kostra.followup.contacts import contacts_of

    with database_session(settings_of(ctx)) as session:
        rows = [{"at": c.created_at, "by": c.created_by, "channel": c.channel, "person": c.person, "form": c.form_id,
                 "summary": c.summary, "follow_up_on": c.follow_up_on} for c in contacts_of(session, year, unit_code)]
    click.echo(render(rows, output_format, ["at", "by", "channel", "person", "form", "summary", "follow_up_on"]))


@followup.command("edit")
@year_option()
@click.option("--form", "form_id", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--field", required=True, help="Field name or id, or a table cell as table[row].column.")
@click.option("--value", required=True, help="The new value, written as in the form (1 234,5; ja/nei; codes).")
@click.option("--reason", help=f"Reason code: {', '.join(REASON_CODES)}.")
@click.option("--comment", default="", help="Why the value was changed (required with OTHER).")
@click.option("--control-result", "control_result_id", type=int, help="The control result that led to the edit.")
@click.option("--actor", required=True, help=ACTOR_HELP)
@click.pass_context
def edit(ctx: click.Context, year: int, form_id: str, unit_code: str, field: str, value: str, reason: str | None,
         comment: str, control_result_id: int | None, actor: str) -> None:
    """Edit a reported value; the reported value is kept, the edit has a reason code, a comment, who and when."""
    from kostra.followup.edits import edit_value

    with database_session(settings_of(ctx)) as session:
        stored = edit_value(session, _actor(session, actor), year=year, form_id=form_id, unit_code=unit_code,
                            field=field, value=value, reason=reason, comment=comment,
                            control_result_id=control_result_id)
        click.echo(f"Edit {stored.id}: {field} of form {form_id} for {unit_code}: reported {stored.reported_json}, "
                   f"now {stored.value_json} ({stored.reason_code}).", err=True)


@followup.command("approve")
@year_option()
@click.option("--form", "form_id", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--comment", default="")
@click.option("--withdraw", is_flag=True, help="Withdraw the approval in force (needs --comment).")
@click.option("--actor", required=True, help=ACTOR_HELP)
@click.pass_context
def approve(ctx: click.Context, year: int, form_id: str, unit_code: str, comment: str, withdraw: bool,
            actor: str) -> None:
    """Approve the latest submitted version of a unit's form, or withdraw the approval."""
    from kostra.followup.approval import approve as approve_form
    from kostra.followup.approval import withdraw_approval

    with database_session(settings_of(ctx)) as session:
        principal = _actor(session, actor)
        if withdraw:
            withdraw_approval(session, principal, year=year, form_id=form_id, unit_code=unit_code, comment=comment)
            click.echo(f"Approval of form {form_id} for {unit_code} withdrawn.", err=True)
        else:
            approve_form(session, principal, year=year, form_id=form_id, unit_code=unit_code, comment=comment)
            click.echo(f"Form {form_id} for {unit_code} approved.", err=True)


@followup.command("trail")
@year_option()
@click.option("--form", "form_id", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--field", required=True, help="Field name or id, or a table cell as table[row].column.")
@format_option()
@click.pass_context
def trail(ctx: click.Context, year: int, form_id: str, unit_code: str, field: str, output_format: str) -> None:
    """The audit trail of one value: submitted versions, edits, approvals, and the value in force."""
    from kostra.followup.audit import value_trail

    with database_session(settings_of(ctx)) as session:
        history = value_trail(session, year, form_id, unit_code, field)
    rows = [{"at": e.at, "event": e.kind, "value": e.value, "by": e.by, "version": e.version, "receipt": e.receipt,
             "reason": e.reason, "comment": e.comment} for e in history.events]
    click.echo(render(rows, output_format, ["at", "event", "value", "by", "version", "receipt", "reason", "comment"]))
    click.echo(f"Reported {history.reported!r}; in force now {history.current!r}.", err=True)


@followup.command("quality")
@year_option()
@click.option("--form", "form_id", help="Only this form.")
@format_option()
@click.pass_context
def quality(ctx: click.Context, year: int, form_id: str | None, output_format: str) -> None:
    """Quality indicators per form: response rate, share edited, hit rate and hit accuracy."""
    from kostra.followup.quality import quality_indicators

    with database_session(settings_of(ctx)) as session:
        rows = [q.as_dict() for q in quality_indicators(session, year, form_id)]
    for row in rows:
        for key in ("response_rate", "edited_share", "hit_rate", "hit_accuracy"):
            row[key] = None if row[key] is None else round(float(row[key]), 4)  # type: ignore[arg-type]
    click.echo(render(rows, output_format))
