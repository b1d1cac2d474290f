"""The reporting portal: a unit's forms, filling in with feedback on every change, submitting."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import Form as FormDefinition
from kostra.catalog.forms import load_catalog
from kostra.catalog.free_text import comment_problems, nil_reason_problems
from kostra.controls.filecheck.report_html import render_html
from kostra.errors import IntakeError, NotFound
from kostra.reporting import submissions
from kostra.reporting.attachments import MAX_UPLOAD_BYTES, control_again, upload_attachment
from kostra.reporting.overview import unit_forms
from kostra.store.conflicts import commit_retrying
from kostra.store.models import Submission, Unit
from kostra.web.deps import Db, LangDep, PageUser, csrf_token, verify_csrf
from kostra.web.pages import render, wants_partial
from kostra.web.portal_models import FormsPage, ReceiptPage, form_page, receipt_view
from kostra.web.redirects import see_other
from kostra.web.reporting_year import current_year

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CSRF = [Depends(verify_csrf)]
_ROW_FIELD = re.compile(r"^(?P<name>\w+)\[(?P<row>\d+)\]\[(?P<column>\w+)\]$")


@router.get("/portal")
def portal_home(request: Request, principal: PageUser) -> Response:
    if principal.unit_code is None:
        return see_other(request, "/office")
    return see_other(request, f"/portal/{current_year(request)}/{principal.unit_code}")


@router.get("/portal/{year}/{unit_code}")
@router.get("/portal/{year}/{unit_code}.json", name="forms_list_json")
def forms_list(request: Request, year: int, unit_code: str, principal: PageUser, session: Db) -> Response:
    rows = unit_forms(session, principal, year=year, unit_code=unit_code)
    unit = session.get(Unit, unit_code)
    model = FormsPage(year=year, unit_code=unit_code, unit_name=unit.name if unit else unit_code, forms=rows)
    return render(request, "portal/forms.html", model)


@router.get("/portal/{year}/{form_id}/{unit_code}")
@router.get("/portal/{year}/{form_id}/{unit_code}.json", name="form_view_json")
def form_view(request: Request, year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
              lang: LangDep) -> Response:
    state = submissions.form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang)
    return render(request, "portal/form.html", form_page(state, lang, csrf=csrf_token(request)))


def values_from_form(form: FormDefinition, data: FormData) -> dict[str, object]:
    """Answers from a posted page: scalar fields by name, table rows as ``name[i][column]``."""
    values: dict[str, object] = {}
    tables: dict[str, dict[int, dict[str, str]]] = {}
    for field in form.fields():
        if field.type is FieldType.MULTIPLE_CHOICE:
            chosen = [str(v) for v in data.getlist(field.name) if str(v)]
            if chosen or field.name in data or f"{field.name}__present" in data:
                values[field.name] = chosen
        elif field.type is not FieldType.TABLE and field.name in data:
            values[field.name] = str(data[field.name]).strip()
    for key, raw in data.multi_items():
        match = _ROW_FIELD.match(key)
        if match and str(raw).strip():
            row = tables.setdefault(match["name"], {}).setdefault(int(match["row"]), {})
            row[match["column"]] = str(raw).strip()
    for name, rows in tables.items():
        values[name] = [rows[i] for i in sorted(rows)]
    return values


def _confirmed(data: FormData) -> list[str]:
    return [str(k).removeprefix("confirm:") for k in data if str(k).startswith("confirm:")]


def _comments(data: FormData, lang: str) -> dict[str, str]:
    """The comments on warnings; raises IntakeError naming each one that is too long or holds refused characters."""
    comments = {str(k).removeprefix("comment:"): str(v) for k, v in data.multi_items()
                if str(k).startswith("comment:")}
    refused = comment_problems(comments, lang)
    if refused:
        raise IntakeError("; ".join(p.message for p in refused))
    return comments


@router.post("/portal/{year}/{form_id}/{unit_code}/save", dependencies=CSRF)
async def save(request: Request, year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
               lang: LangDep) -> Response:
    data = await request.form()
    values, comments = values_from_form(load_catalog(year).form(form_id), data), _comments(data, lang)
    state = commit_retrying(session, lambda: submissions.save_draft(
        session, principal, year=year, form_id=form_id, unit_code=unit_code, values=values, comments=comments,
        replace=not wants_partial(request), confirm=_confirmed(data), lang=lang))
    page = form_page(state, lang, csrf=csrf_token(request))
    if wants_partial(request):
        return render(request, "portal/feedback.html", page)
    return see_other(request, request.app.url_path_for("form_view", year=year, form_id=form_id,
                                                       unit_code=unit_code))


@router.post("/portal/{year}/{form_id}/{unit_code}/submit", dependencies=CSRF)
async def submit(request: Request, year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
                 lang: LangDep) -> Response:
    data = await request.form()
    values, comments = values_from_form(load_catalog(year).form(form_id), data), _comments(data, lang)

    def save_and_submit() -> Submission:
        submissions.save_draft(session, principal, year=year, form_id=form_id, unit_code=unit_code, values=values,
                               comments=comments, replace=True, confirm=_confirmed(data), lang=lang)
        return submissions.submit(session, principal, year=year, form_id=form_id, unit_code=unit_code,
                                  confirm_warnings=data.get("confirm_warnings") == "yes", lang=lang)

    try:
        receipt = commit_retrying(session, save_and_submit)
    except submissions.NothingChanged as repeated:
        return _to_unchanged_receipt(request, session, repeated)
    except submissions.SubmissionBlocked as blocked:
        session.commit()  # keep what was typed
        state = submissions.form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code,
                                       lang=lang)
        return render(request, "portal/form.html",
                      form_page(state, lang, csrf=csrf_token(request), blocking=blocked.problems), status=422)
    return _to_receipt(request, receipt)


@router.post("/portal/{year}/{form_id}/{unit_code}/nil", dependencies=CSRF)
def nil(request: Request, year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
        lang: LangDep, reason: Annotated[str, Form()] = "") -> Response:
    refused = nil_reason_problems(reason, lang)
    if refused:
        raise IntakeError(refused[0].message)
    try:
        receipt = commit_retrying(session, lambda: submissions.declare_nil(
            session, principal, year=year, form_id=form_id, unit_code=unit_code, reason=reason))
    except submissions.NothingChanged as repeated:
        return _to_unchanged_receipt(request, session, repeated)
    return _to_receipt(request, receipt)


def _to_receipt(request: Request, receipt: Submission) -> Response:
    return see_other(request, request.app.url_path_for("receipt", year=receipt.year, form_id=receipt.form_id,
                                                       unit_code=receipt.unit_code, version=receipt.version))


def _to_unchanged_receipt(request: Request, session: Session, repeated: submissions.NothingChanged) -> Response:
    """A repeated submit (a double click) lands on the receipt of the version it repeats, with a notice."""
    # Nothing was appended; the draft, which held exactly that version, was deleted and stays so.
    session.commit()
    path = request.app.url_path_for("receipt", year=repeated.year, form_id=repeated.form_id,
                                    unit_code=repeated.unit_code, version=repeated.version)
    return see_other(request, f"{path}?unchanged=1")


@router.post("/portal/{year}/{form_id}/{unit_code}/upload", dependencies=CSRF)
async def upload(request: Request, year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
                 lang: LangDep, file: Annotated[UploadFile, File()]) -> Response:
    state = submissions.form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang,
                                   write=True)
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    upload_attachment(session, principal, form=state.form, unit=state.unit, year=year,
                      filename=file.filename or "vedlegg.dat", data=data)
    session.commit()
    return see_other(request, request.app.url_path_for("form_view", year=year, form_id=form_id,
                                                       unit_code=unit_code))


@router.get("/portal/{year}/{form_id}/{unit_code}/attachment")
def attachment_report(year: int, form_id: str, unit_code: str, principal: PageUser, session: Db,
                      lang: LangDep) -> Response:
    state = submissions.form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang)
    if state.attachment is None:
        raise NotFound(f"no file attached to form {form_id} for {unit_code}")
    return HTMLResponse(render_html(control_again(state.attachment, state.form, state.unit)))


@router.get("/portal/{year}/{form_id}/{unit_code}/receipt/{version}")
def receipt(request: Request, year: int, form_id: str, unit_code: str, version: int, principal: PageUser,
            session: Db, lang: LangDep, unchanged: bool = False) -> Response:
    state = submissions.form_state(session, principal, year=year, form_id=form_id, unit_code=unit_code, lang=lang)
    chosen = next((s for s in state.history if s.version == version), None)
    if chosen is None:
        raise NotFound(f"no version {version} of form {form_id} for {unit_code}")
    page = ReceiptPage(form=form_page(state, lang), receipt=receipt_view(chosen), unchanged=unchanged)
    return render(request, "portal/receipt.html", page)
