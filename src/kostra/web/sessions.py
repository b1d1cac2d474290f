"""The web side of sessions and logging in: the cookie, the client's address, the settings' limits.

The signed cookie (Starlette's ``SessionMiddleware``) holds the session id, the CSRF token and what the
page header shows; whether the session is alive is decided by ``kostra.access.sessions`` on every request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from kostra.access.roles import Principal
from kostra.access.sessions import EndReason, SessionEnded, SessionPolicy, end_session, session_user, start_session
from kostra.access.throttle import ThrottleLimits
from kostra.settings import Settings

__all__ = ["begin", "client_address", "current_principal", "finish", "throttle_limits"]

SESSION_ID = "sid"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn's ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def throttle_limits(request: Request) -> ThrottleLimits:
    settings = _settings(request)
    return ThrottleLimits(per_user_and_address=settings.login_failures_per_user_and_address,
                          per_user=settings.login_failures_per_user, per_address=settings.login_failures_per_address,
                          window=timedelta(minutes=settings.login_throttle_minutes))


def _policy(request: Request) -> SessionPolicy:
    settings = _settings(request)
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                         absolute=timedelta(hours=settings.session_max_hours))


def begin(request: Request, db: Session, principal: Principal) -> None:
    """Start a session for ``principal``: a new record, a fresh cookie and CSRF token (the old ones are dropped)."""
    token = start_session(db, principal.username, client=client_address(request))
    request.session.clear()
    request.session.update({SESSION_ID: token, "csrf": secrets.token_urlsafe(32), "user": principal.username,
                            "role": principal.role.value})


def current_principal(request: Request, db: Session) -> Principal:
    """The user of the request's live session; ``SessionEnded`` (and a cleared cookie) otherwise."""
    token = request.session.get(SESSION_ID)
    if not token:
        raise SessionEnded()
    try:
        principal = session_user(db, str(token), _policy(request))
    except SessionEnded:
        db.commit()  # keep the record of a session that ran out of time
        request.session.clear()
        raise
    db.commit()
    return principal


def finish(request: Request, db: Session) -> None:
    """Log out: end the session's record and clear the cookie."""
    token = request.session.get(SESSION_ID)
    if token:
        end_session(db, str(token), EndReason.LOGOUT)
        db.commit()
    request.session.clear()
