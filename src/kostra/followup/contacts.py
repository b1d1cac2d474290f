"""The contact log per unit: calls, e-mails, meetings and letters with the people who report.

    >>> add_contact(session, statistician, year=2025, unit_code="3401", channel="phone",
    ...             person="Kari Nordmann", summary="Asked about form 5", form_id="5")
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal, require_role
from kostra.access.roles import Role as AccessRole
from kostra.catalog.forms import load_catalog
from kostra.errors import NotFound
from kostra.followup.errors import FollowupRefused
from kostra.store.models import AuditEvent, Contact, Unit

__all__ = ["CHANNEL_LABELS", "Channel", "add_contact", "contacts_of", "parse_date"]

SUMMARY_MAX = 4000


class Channel(StrEnum):
    """How the office was in contact with the unit."""

    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    LETTER = "letter"
    OTHER = "other"


CHANNEL_LABELS: dict[Channel, tuple[str, str]] = {
    Channel.PHONE: ("Telefon", "Phone"),
    Channel.EMAIL: ("E-post", "E-mail"),
    Channel.MEETING: ("Møte", "Meeting"),
    Channel.LETTER: ("Brev", "Letter"),
    Channel.OTHER: ("Annet", "Other"),
}


def _channel(text: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in Channel)
        raise FollowupRefused(nb=f"Ukjent kontaktform {text!r}: bruk en av {allowed}",
                              en=f"unknown channel {text!r}: use one of {allowed}") from None


def parse_date(text: str | date | None, what_nb: str = "dato", what_en: str = "date") -> date | None:
    """A date written as ``YYYY-MM-DD`` (empty means none); refuses anything else, quoting it."""
    if text is None or isinstance(text, date):
        return text
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FollowupRefused(nb=f"{what_nb.capitalize()}: {text!r} er ikke en dato; skriv ÅÅÅÅ-MM-DD",
                              en=f"{what_en}: {text!r} is not a date; write YYYY-MM-DD") from None


def add_contact(session: Session, principal: Principal, *, year: int, unit_code: str, channel: str,
                summary: str, person: str = "", form_id: str | None = None,
                follow_up_on: str | date | None = None) -> Contact:
    """Log a contact with a unit (office roles only); refuses an unknown channel, form or unit, or no summary."""
    require_role(principal, AccessRole.STATISTICIAN, AccessRole.ADMINISTRATOR)
    if session.get(Unit, unit_code) is None:
        raise NotFound(f"no reporting unit {unit_code!r}")
    kind = _channel(channel)
    text = summary.strip()
    if not text:
        raise FollowupRefused(nb="Skriv et sammendrag av kontakten", en="a contact needs a summary")
    if len(text) > SUMMARY_MAX:
        raise FollowupRefused(nb=f"Sammendraget er for langt; høyst {SUMMARY_MAX} tegn",
                              en=f"the summary is too long; at most {SUMMARY_MAX} characters")
    form = (form_id or "").strip() or None
    if form is not None:
        try:
            load_catalog(year).form(form)
        except NotFound:
            raise FollowupRefused(nb=f"Skjema {form!r} finnes ikke i {year}",
                                  en=f"form {form!r} does not exist in {year}") from None
    due = parse_date(follow_up_on, "oppfølgingsdato", "follow-up date")
    contact = Contact(year=year, unit_code=unit_code, form_id=form, channel=kind.value, person=person.strip()[:200],
                      summary=text, follow_up_on=due, created_by=principal.username)
    session.add(contact)
    session.add(AuditEvent(actor=principal.username, action="contact.add", object_ref=f"{year}/{unit_code}",
                           detail_json=json.dumps({"channel": kind.value, "form": form,
                                                   "follow_up_on": due.isoformat() if due else None})))
    session.flush()
    return contact


def contacts_of(session: Session, year: int, unit_code: str) -> list[Contact]:
    """A unit's contact log for the year, newest first."""
    return list(session.scalars(select(Contact).where(Contact.year == year, Contact.unit_code == unit_code)
                                .order_by(Contact.created_at.desc(), Contact.id.desc())))
