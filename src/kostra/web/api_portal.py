"""JSON API for vendors' systems: tokens, the caller's forms, drafts, submission and nil returns.

Same services and rules as the pages. Errors share one shape: ``{"ok": false, "error", "errors", "status"}``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Form, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from kostra.access import create_token
from kostra.access.throttle import TooManyAttempts, log_in
from kostra.catalog.free_text import comment_problems, nil_reason_problems
from kostra.catalog.validation import Problem
from kostra.errors import AccessDenied, UsageError
from kostra.reporting import submissions
from kostra.reporting.overview import unit_forms
from kostra.reporting.versions import Idempotency
from kostra.store.conflicts import commit_retrying
from kostra.store.models import Submission
from kostra.web.deps import ApiUser, Db
from kostra.web.sessions import client_address, throttle_limits

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["reporting"])

# Draft-blocking codes: answers that cannot be stored as what they claim to be. A missing
# required answer or a failed cross-field rule is normal while a draft is being filled in.
_NOT_BLOCKING_DRAFT = {"missing", "not_applicable", "above_plausible", "prefill_unconfirmed"}


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class FormOut(BaseModel):
    form: str
    name: str
    unit: str
    unit_name: str
    deadline: date
    status: str
    version: int | None


class ProblemOut(BaseModel):
    field_id: str
    field_name: str
    code: str
    severity: str
    message: str
    row: int | None = None


class ReceiptOut(BaseModel):
    receipt_id: str
    version: int
    state: str
    content_hash: str
    submitted_at: datetime
    submitted_by: str


class SubmissionOut(BaseModel):
    year: int
    form: str
    unit: str
    status: str
    values: dict[str, object]
    problems: list[ProblemOut]
    blocking: bool = Field(description="true when errors prevent submission")
    history: list[ReceiptOut]


def _lone_surrogate(value: object, where: str) -> str | None:
    """Where ``value`` holds a lone surrogate (JSON's ``"\\ud800"``): not text, and no database can store it."""
    if isinstance(value, str):
        return where if any("\ud800" <= c <= "\udfff" for c in value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _lone_surrogate(key, f"{where}[{key!r}]") or _lone_surrogate(item, f"{where}[{key!r}]")
        if found:
            return found
    return None


def _text_only(values: dict[str, object]) -> dict[str, object]:
    found = _lone_surrogate(values, "values")
    if found:
        raise PydanticCustomError("kostra_text", "{where}: the text holds a lone surrogate (\\ud800–\\udfff), "
                                  "which is not a character; send UTF-8 text", {"where": found})
    return values


class DraftIn(BaseModel):
    values: Annotated[dict[str, object], AfterValidator(_text_only)]
    comments: dict[str, str] = {}


class SubmitIn(BaseModel):
    comments: dict[str, str] = {}
    confirm_warnings: bool = False


class NilIn(BaseModel):
    reason: str = ""


def _problem(p: Problem) -> ProblemOut:
    return ProblemOut(field_id=p.field_id, field_name=p.field_name, code=p.code, severity=p.severity.name,
                      message=p.message, row=p.row)


def _receipt(s: Submission) -> ReceiptOut:
    # SQLite gives stored times back without their zone; they are UTC (store.models.utcnow).
    submitted = s.created_at if s.created_at.tzinfo else s.created_at.replace(tzinfo=UTC)
    return ReceiptOut(receipt_id=s.receipt_id, version=s.version, state=s.state, content_hash=s.content_hash,
                      submitted_at=submitted, submitted_by=s.created_by)


def _out(state: submissions.FormState) -> SubmissionOut:
    return SubmissionOut(year=state.year, form=state.form.id, unit=state.unit.code, status=state.status.value,
                         values=state.values, problems=[_problem(p) for p in state.problems],
                         blocking=not state.validated.ok, history=[_receipt(s) for s in state.history])


def _idempotency(key: str | None, year: int, form: str, unit: str, body: BaseModel,
                 action: str = "submit") -> Idempotency | None:
    """The request's Idempotency-Key with a hash of what it asks for (the form and the body)."""
    if key is None:
        return None
    if not (1 <= len(key) <= 200 and key.isascii() and key.isprintable() and key.strip() == key):
        raise UsageError("Idempotency-Key: expected 1–200 printable ASCII characters without leading or "
                         "trailing spaces, e.g. a UUID")
    request = {"action": action, "year": year, "form": form, "unit": unit, "body": body.model_dump(mode="json")}
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return Idempotency(key=key, request_hash=digest)


def _unprocessable(message: str, problems: list[Problem]) -> JSONResponse:
    errors = [_problem(p).model_dump() | {"field": p.field_name or p.field_id} for p in problems]
    return JSONResponse({"ok": False, "error": message, "errors": errors, "status": 422}, status_code=422)


@router.post("/token", response_model=TokenOut, summary="Exchange user name and password for a bearer token",
             responses={429: {"description": "too many failed attempts: wait the seconds in Retry-After"}})
def token(request: Request, session: Db, username: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> TokenOut | JSONResponse:
    try:
        principal = log_in(session, username, password, client=client_address(request),
                           limits=throttle_limits(request), channel="api")
    except TooManyAttempts as refused:
        return JSONResponse({"ok": False, "error": str(refused), "errors": [], "status": 429}, status_code=429,
                            headers={"Retry-After": str(refused.retry_after)})
    except AccessDenied as error:
        session.commit()  # the failure counts and is audited
        return JSONResponse({"ok": False, "error": str(error), "errors": [], "status": 401}, status_code=401)
    value, expires = create_token(session, principal)
    session.commit()
    return TokenOut(access_token=value, expires_at=expires)


@router.get("/forms", response_model=list[FormOut], summary="The caller's forms for a year, with status")
def forms(session: Db, principal: ApiUser, year: Annotated[int, Query(ge=2000, le=2100)],
          unit: Annotated[str | None, Query(description="unit code (statisticians only)")] = None) -> list[FormOut]:
    unit_code = unit or principal.unit_code
    if unit_code is None:
        raise UsageError("statisticians must name a unit with ?unit=")
    rows = unit_forms(session, principal, year=year, unit_code=unit_code)
    return [FormOut(form=r.form_id, name=r.name_nb, unit=r.unit_code, unit_name=r.unit_name, deadline=r.deadline,
                    status=r.status.value, version=r.version) for r in rows]


@router.get("/submissions/{year}/{form}/{unit}", response_model=SubmissionOut, summary="Read a form's answers")
def read(session: Db, principal: ApiUser, year: int, form: str, unit: str, lang: str = "nb") -> SubmissionOut:
    return _out(submissions.form_state(session, principal, year=year, form_id=form, unit_code=unit, lang=lang))


@router.put("/submissions/{year}/{form}/{unit}", response_model=SubmissionOut,
            summary="Save a draft; the answer includes the control results",
            responses={422: {"description": "values that cannot be stored as what they claim to be"}})
def save(session: Db, principal: ApiUser, year: int, form: str, unit: str, body: Annotated[DraftIn, Body()],
         lang: str = "nb") -> SubmissionOut | JSONResponse:
    refused = comment_problems(body.comments, lang)
    if refused:
        return _unprocessable("invalid comments: nothing was saved", refused)
    def save_if_valid() -> submissions.FormState | list[Problem]:
        state = submissions.save_draft(session, principal, year=year, form_id=form, unit_code=unit,
                                       values=body.values, comments=body.comments, lang=lang)
        invalid = [p for p in state.problems if p.severity.blocks_submission and p.code not in _NOT_BLOCKING_DRAFT
                   and not p.code.startswith("rule:") and (p.field_name in body.values or p.field_id in body.values)]
        if invalid:
            session.rollback()  # nothing already stored is changed by a refused request
        return invalid or state

    saved = commit_retrying(session, save_if_valid)
    if isinstance(saved, list):
        return _unprocessable("invalid values: nothing was saved", saved)
    return _out(saved)


@router.post("/submissions/{year}/{form}/{unit}/submit", response_model=ReceiptOut,
             summary="Submit the saved draft as a new version",
             description="With an `Idempotency-Key` header (e.g. a UUID), a retried request answers with the "
                         "receipt of the first one instead of making another version; the same key with a "
                         "different request is refused (422).",
             responses={422: {"description": "errors or unexplained warnings block submission"}})
def submit(session: Db, principal: ApiUser, year: int, form: str, unit: str,
           body: Annotated[SubmitIn | None, Body()] = None, lang: str = "nb",
           idempotency_key: Annotated[str | None, Header(description="a key of the client's choosing, "
                                                         "unique per request")] = None) -> ReceiptOut | JSONResponse:
    body = body or SubmitIn()
    refused = comment_problems(body.comments, lang)
    if refused:
        return _unprocessable("invalid comments: nothing was submitted", refused)
    try:
        idempotency = _idempotency(idempotency_key, year, form, unit, body)
        receipt = commit_retrying(session, lambda: submissions.submit(
            session, principal, year=year, form_id=form, unit_code=unit, comments=body.comments,
            confirm_warnings=body.confirm_warnings, lang=lang, idempotency=idempotency))
    except submissions.SubmissionBlocked as blocked:
        session.rollback()
        return _unprocessable(str(blocked), blocked.problems)
    return _receipt(receipt)


@router.post("/submissions/{year}/{form}/{unit}/nil", response_model=ReceiptOut,
             summary="Declare that the unit has nothing to report on this form",
             description="Takes an `Idempotency-Key` header as submit does.")
def nil(session: Db, principal: ApiUser, year: int, form: str, unit: str,
        body: Annotated[NilIn | None, Body()] = None, lang: str = "nb",
        idempotency_key: Annotated[str | None, Header(description="a key of the client's choosing, "
                                                      "unique per request")] = None) -> ReceiptOut | JSONResponse:
    body = body or NilIn()
    refused = nil_reason_problems(body.reason, lang)
    if refused:
        return _unprocessable("invalid reason: nothing was stored", refused)
    idempotency = _idempotency(idempotency_key, year, form, unit, body, action="nil")
    receipt = commit_retrying(session, lambda: submissions.declare_nil(
        session, principal, year=year, form_id=form, unit_code=unit, reason=body.reason, idempotency=idempotency))
    return _receipt(receipt)
