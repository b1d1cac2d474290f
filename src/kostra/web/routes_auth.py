"""Logging in and out of the pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from kostra.access import authenticate
from kostra.access.roles import Principal
from kostra.errors import AccessDenied
from kostra.web.deps import Db, csrf_token, login_session, verify_csrf
from kostra.web.pages import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


class LoginPage(BaseModel):
    next: str = "/"
    error: str | None = None
    expired: bool = False
    csrf: str = ""


def _safe_next(target: str) -> str:
    # Only local paths: never redirect a user to another site after login.
    return target if target.startswith("/") and not target.startswith("//") else "/"


def home_of(principal: Principal) -> str:
    return "/office" if principal.is_office else "/portal"


@router.get("/login")
def login_form(request: Request, next: str = "/", expired: bool = False) -> Response:
    model = LoginPage(next=_safe_next(next), expired=expired, csrf=csrf_token(request))
    return render(request, "login.html", model)


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(request: Request, session: Db, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    try:
        principal = authenticate(session, username.strip(), password)
    except AccessDenied:
        model = LoginPage(next=_safe_next(next), error="login.failed", csrf=csrf_token(request))
        return render(request, "login.html", model, status=401)
    login_session(request, principal)
    target = _safe_next(next)
    return RedirectResponse(home_of(principal) if target == "/" else target, status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def login_redirect(request: Request, expired: bool) -> Response:
    target = quote(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}{'&expired=true' if expired else ''}", status_code=303)
