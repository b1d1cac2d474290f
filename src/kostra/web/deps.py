"""Request dependencies: database session, the logged-in principal, CSRF, language.

Routes list what they need in their signature (``Db``, ``PageUser``, ``ApiUser``); the access
checks live here and in ``kostra.access``, never inline in routes.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from kostra.access import Principal, user_for_token
from kostra.access.roles import Role, require_role
from kostra.access.sessions import SessionEnded
from kostra.errors import AccessDenied
from kostra.web.i18n import Lang, translate
from kostra.web.pages import page_language
from kostra.web.sessions import current_principal

__all__ = [
    "AdminUser",
    "ApiUser",
    "Db",
    "LangDep",
    "OfficeUser",
    "PageUser",
    "csrf_token",
    "verify_csrf",
]


def _db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


Db = Annotated[Session, Depends(_db)]
LangDep = Annotated[Lang, Depends(page_language)]


class LoginRequired(Exception):
    """Raised for pages that need a login; the app redirects to the login page."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


def _page_user(request: Request, session: Db) -> Principal:
    try:
        return current_principal(request, session)
    except SessionEnded as ended:
        raise LoginRequired(expired=ended.expired) from ended


PageUser = Annotated[Principal, Depends(_page_user)]


def _office_user(principal: PageUser) -> Principal:
    require_role(principal, Role.STATISTICIAN, Role.ADMINISTRATOR)
    return principal


def _admin_user(principal: PageUser) -> Principal:
    require_role(principal, Role.ADMINISTRATOR)
    return principal


# The statistics office's pages: statisticians and administrators; everyone else gets 403.
OfficeUser = Annotated[Principal, Depends(_office_user)]
# Managing users and units: administrators only.
AdminUser = Annotated[Principal, Depends(_admin_user)]


def _api_user(session: Db, authorization: Annotated[str | None, Header()] = None) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status_code=401, detail="missing bearer token: POST /api/v1/token first",
                            headers={"WWW-Authenticate": "Bearer"})
    try:
        return user_for_token(session, token.strip())
    except AccessDenied as error:
        raise HTTPException(status_code=401, detail=str(error), headers={"WWW-Authenticate": "Bearer"}) from error


ApiUser = Annotated[Principal, Depends(_api_user)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing page request without the session's CSRF token (form field or htmx header)."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = str(form.get("csrf_token") or "")
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(status_code=403, detail=translate("error.csrf", page_language(request)))
