"""Logging in and out of the pages."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kostra.access.roles import Principal
from kostra.access.throttle import TooManyAttempts, log_in
from kostra.errors import AccessDenied
from kostra.web.deps import Db, csrf_token, verify_csrf
from kostra.web.pages import render
from kostra.web.redirects import see_other
from kostra.web.sessions import begin, client_address, finish, throttle_limits

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


class LoginPage(BaseModel):
    next: str = "/"
    error: str | None = None
    expired: bool = False
    csrf: str = ""
    retry_minutes: int | None = None


def _safe_next(target: str) -> str:
    # Only local paths: never redirect a user to another site after login.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def home_of(principal: Principal) -> str:
    return "/office" if principal.is_office else "/portal"


@router.get("/login")
def login_form(request: Request, next: str = "/", expired: bool = False) -> Response:
    model = LoginPage(next=_safe_next(next), expired=expired, csrf=csrf_token(request))
    return render(request, "login.html", model)


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(request: Request, session: Db, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    model = LoginPage(next=_safe_next(next), csrf=csrf_token(request))
    try:
        principal = log_in(session, username, password, client=client_address(request),
                           limits=throttle_limits(request), channel="page")
    except TooManyAttempts as refused:
        model.retry_minutes = math.ceil(refused.retry_after / 60)
        response = render(request, "login.html", model, status=429)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    except AccessDenied:
        session.commit()  # the failure counts and is audited
        model.error = "login.failed"
        return render(request, "login.html", model, status=401)
    begin(request, session, principal)
    session.commit()
    target = _safe_next(next)
    return see_other(request, home_of(principal) if target == "/" else target)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, session: Db) -> Response:
    finish(request, session)
    return see_other(request, "/login")


def login_redirect(request: Request, expired: bool) -> Response:
    target = quote(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return see_other(request, f"/login?next={target}{'&expired=true' if expired else ''}")
