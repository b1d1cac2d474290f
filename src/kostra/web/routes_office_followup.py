"""The office's follow-up pages: status board, outbox, a unit's follow-up (contacts, edits, approval),
the audit trail of a value and the quality indicators. Statisticians and administrators only; every
POST needs the session's CSRF token; refusals are shown in the page in the user's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import load_catalog
from kostra.errors import NotFound, UsageError
from kostra.followup import views
from kostra.followup.approval import approve, withdraw_approval
from kostra.followup.audit import value_trail
from kostra.followup.contacts import add_contact, parse_date
from kostra.followup.edits import edit_value, parse_field_ref, reapply_edit, withdraw_edit
from kostra.followup.errors import FollowupRefused
from kostra.followup.quality import quality_indicators
from kostra.followup.reminders import outbox, send_outbox, write_reminders
from kostra.settings import Settings
from kostra.store.models import Unit
from kostra.web.deps import Db, LangDep, OfficeUser, verify_csrf
from kostra.web.i18n import translate
from kostra.web.pages import render
from kostra.web.redirects import see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CSRF = [Depends(verify_csrf)]
OSLO = ZoneInfo("Europe/Oslo")
FormText = Annotated[str, Form()]


@router.get("/office/{year}/status")
@router.get("/office/{year}/status.json", name="office_status_json")
def status_board_page(request: Request, year: int, _principal: OfficeUser, session: Db, lang: LangDep,
                      form: str = "", status: str = "", county: str = "", as_of: str = "",
                      missing: str = "", page: int = 1) -> Response:
    error, day = None, None
    try:
        day = parse_date(as_of, "per dato", "as of")
    except FollowupRefused as refused:
        error = refused.text(lang)
    filters = {"form_id": form or None, "status": status or None, "county": county or None}
    try:
        board = views.status_page(session, year, as_of=day, missing_only=bool(missing), error=error, page=page,
                                  **filters)
    except (UsageError, NotFound) as refused:
        message = translate("followup.status.bad_filter", lang) + f" ({refused})"
        board = views.status_page(session, year, form_id=None, status=None, county=county or None, as_of=day,
                                  missing_only=bool(missing), error=message)
        return render(request, "office/followup/status.html", board, status=422)
    return render(request, "office/followup/status.html", board)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/office/{year}/outbox")
@router.get("/office/{year}/outbox.json", name="office_outbox_json")
def outbox_page(request: Request, year: int, _principal: OfficeUser, session: Db, written: int | None = None,
                already: int | None = None, without: int | None = None, sent: int | None = None,
                failed: int | None = None) -> Response:
    counts = {"written": written, "already": already, "without": without, "sent": sent, "failed": failed}
    done = {key: value for key, value in counts.items() if value is not None}
    page = views.outbox_page(outbox(session, year), year, bool(_settings(request).smtp_host), done)
    return render(request, "office/followup/outbox.html", page)


@router.post("/office/{year}/outbox/reminders", dependencies=CSRF)
def write_reminders_now(request: Request, year: int, principal: OfficeUser, session: Db,
                        send: FormText = "") -> Response:
    settings = _settings(request)
    today = datetime.now(OSLO).date()
    written = write_reminders(session, year, today, settings, actor=principal.username)
    query = f"written={written.written}&already={written.already}&without={written.without_recipient}"
    if send == "yes" and settings.smtp_host:
        result = send_outbox(session, settings, year=year, actor=principal.username)
        query += f"&sent={result.sent}&failed={result.failed}"
    session.commit()
    return see_other(request, f"/office/{year}/outbox?{query}")


@router.post("/office/{year}/outbox/send", dependencies=CSRF)
def send_now(request: Request, year: int, principal: OfficeUser, session: Db) -> Response:
    result = send_outbox(session, _settings(request), year=year, actor=principal.username)
    session.commit()
    return see_other(request, f"/office/{year}/outbox?sent={result.sent}&failed={result.failed}")


@router.get("/office/{year}/units/{unit_code}")
@router.get("/office/{year}/units/{unit_code}.json", name="office_unit_json")
def unit_followup(request: Request, year: int, unit_code: str, _principal: OfficeUser, session: Db) -> Response:
    return render(request, "office/followup/unit.html", views.unit_page(session, year, unit_code))


def _back_to_unit(request: Request, year: int, unit_code: str, form_id: str | None = None) -> Response:
    anchor = f"#form-{form_id}" if form_id else ""
    return see_other(request, f"/office/{year}/units/{unit_code}{anchor}")


def _refused(request: Request, session: Session, year: int, unit_code: str, error: FollowupRefused, lang: str,
             form_id: str | None = None) -> Response:
    session.rollback()  # nothing of a refused action is stored
    page = views.unit_page(session, year, unit_code, error=error.text(lang), error_form=form_id)
    return render(request, "office/followup/unit.html", page, status=422)


@router.post("/office/{year}/units/{unit_code}/contacts", dependencies=CSRF)
def add_contact_entry(request: Request, year: int, unit_code: str, principal: OfficeUser, session: Db,
                      lang: LangDep, channel: FormText = "", summary: FormText = "", person: FormText = "",
                      form_id: FormText = "", follow_up_on: FormText = "") -> Response:
    try:
        add_contact(session, principal, year=year, unit_code=unit_code, channel=channel, summary=summary,
                    person=person, form_id=form_id or None, follow_up_on=follow_up_on)
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang)
    session.commit()
    return see_other(request, f"/office/{year}/units/{unit_code}#contacts")


@router.post("/office/{year}/units/{unit_code}/{form_id}/edit", dependencies=CSRF)
def edit_entry(request: Request, year: int, unit_code: str, form_id: str, principal: OfficeUser, session: Db,
               lang: LangDep, field: FormText = "", value: FormText = "", reason: FormText = "",
               comment: FormText = "") -> Response:
    try:
        edit_value(session, principal, year=year, form_id=form_id, unit_code=unit_code, field=field, value=value,
                   reason=reason, comment=comment)
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang, form_id)
    session.commit()
    return _back_to_unit(request, year, unit_code, form_id)


@router.post("/office/{year}/units/{unit_code}/{form_id}/edits/{edit_id}/reapply", dependencies=CSRF)
def reapply_entry(request: Request, year: int, unit_code: str, form_id: str, edit_id: int, principal: OfficeUser,
                  session: Db, lang: LangDep) -> Response:
    try:
        reapply_edit(session, principal, edit_id=edit_id, of=(year, form_id, unit_code))
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang, form_id)
    session.commit()
    return _back_to_unit(request, year, unit_code, form_id)


@router.post("/office/{year}/units/{unit_code}/{form_id}/edits/{edit_id}/withdraw", dependencies=CSRF)
def withdraw_edit_entry(request: Request, year: int, unit_code: str, form_id: str, edit_id: int,
                        principal: OfficeUser, session: Db, lang: LangDep, comment: FormText = "") -> Response:
    try:
        withdraw_edit(session, principal, edit_id=edit_id, comment=comment, of=(year, form_id, unit_code))
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang, form_id)
    session.commit()
    return _back_to_unit(request, year, unit_code, form_id)


@router.post("/office/{year}/units/{unit_code}/{form_id}/approve", dependencies=CSRF)
def approve_entry(request: Request, year: int, unit_code: str, form_id: str, principal: OfficeUser, session: Db,
                  lang: LangDep, comment: FormText = "") -> Response:
    try:
        approve(session, principal, year=year, form_id=form_id, unit_code=unit_code, comment=comment)
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang, form_id)
    session.commit()
    return _back_to_unit(request, year, unit_code, form_id)


@router.post("/office/{year}/units/{unit_code}/{form_id}/withdraw", dependencies=CSRF)
def withdraw_entry(request: Request, year: int, unit_code: str, form_id: str, principal: OfficeUser, session: Db,
                   lang: LangDep, comment: FormText = "") -> Response:
    try:
        withdraw_approval(session, principal, year=year, form_id=form_id, unit_code=unit_code, comment=comment)
    except FollowupRefused as refused:
        return _refused(request, session, year, unit_code, refused, lang, form_id)
    session.commit()
    return _back_to_unit(request, year, unit_code, form_id)


def _decimals(year: int, form_id: str, field: str) -> int:
    ref = parse_field_ref(field)
    table, _, column = ref.name.partition(".")
    spec = load_catalog(year).form(form_id).field(table)
    if spec.type is FieldType.TABLE:
        return next((c.decimals for c in spec.columns or () if c.name == column), 0)
    return spec.decimals


@router.get("/office/{year}/units/{unit_code}/{form_id}/trail/{field}")
@router.get("/office/{year}/units/{unit_code}/{form_id}/trail/{field}.json", name="office_trail_json")
def trail(request: Request, year: int, unit_code: str, form_id: str, field: str, _principal: OfficeUser,
          session: Db) -> Response:
    history = value_trail(session, year, form_id, unit_code, field)
    unit = session.get(Unit, unit_code)
    page = views.trail_page(history, unit.name if unit else unit_code, _decimals(year, form_id, field))
    return render(request, "office/followup/trail.html", page)


@router.get("/office/{year}/quality")
@router.get("/office/{year}/quality.json", name="office_quality_json")
def quality(request: Request, year: int, _principal: OfficeUser, session: Db) -> Response:
    return render(request, "office/followup/quality.html", views.quality_page(year, quality_indicators(session, year)))
