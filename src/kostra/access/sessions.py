"""Page sessions kept in the database, so that they can end: logout, password reset, deactivation, timeouts.

The browser's cookie carries a random session id; the database keeps only its SHA-256 (``LoginSession``),
when it began, when it was last used and, once over, when and why it ended. Every request looks the
session up, so an ended session is refused by every worker process at once.

    >>> token = start_session(session, "kari", client="10.0.0.7")
    >>> session_user(session, token, SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=8)))
    >>> end_session(session, token, EndReason.LOGOUT)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kostra.access.roles import Principal
from kostra.access.users import principal_of
from kostra.errors import AccessDenied
from kostra.store.models import LoginSession, User

__all__ = [
    "EndReason",
    "SessionEnded",
    "SessionPolicy",
    "end_session",
    "end_user_sessions",
    "session_user",
    "start_session",
]

# last_seen_at is written at most this often: a form saved on every change must not write twice a second.
SEEN_RESOLUTION = timedelta(minutes=1)


class EndReason(StrEnum):
    """Why a session ended (``LoginSession.end_reason``)."""

    LOGOUT = "logout"
    PASSWORD = "password"  # the user's password was reset
    DEACTIVATED = "deactivated"  # the user was deactivated
    IDLE = "idle"
    EXPIRED = "expired"  # the absolute lifetime was reached


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts: ``idle`` without a request, ``absolute`` after logging in."""

    idle: timedelta
    absolute: timedelta


class SessionEnded(AccessDenied):
    """The session is unknown or over; ``expired`` when it ran out of time (the page says so)."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired
        super().__init__("your session has ended; log in again" if expired else "not logged in")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns; they hold UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_session(session: Session, username: str, *, client: str = "", now: datetime | None = None) -> str:
    """A new session for the active user ``username``; returns the id for the cookie (only its hash is stored)."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise SessionEnded()
    moment = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_digest(token), user_id=user.id, created_at=moment, last_seen_at=moment,
                             client=client[:64]))
    session.flush()
    return token


def session_user(session: Session, token: str, policy: SessionPolicy, *, now: datetime | None = None) -> Principal:
    """The user of a live session, refreshing its last use; ``SessionEnded`` when it is unknown or over.

    A session over its idle or absolute time is ended here (``EndReason.IDLE`` / ``EXPIRED``); the caller
    commits. A deactivated user's session is refused even if the deactivation did not end it.
    """
    moment = now or datetime.now(UTC)
    row = session.execute(select(LoginSession, User).join(User, User.id == LoginSession.user_id)
                          .where(LoginSession.token_hash == _digest(token))).one_or_none()
    if row is None:
        raise SessionEnded()
    record, user = row
    if record.ended_at is not None or not user.active:
        raise SessionEnded()
    over = _over(record, policy, moment)
    if over is not None:
        record.ended_at, record.end_reason = moment, over.value
        session.flush()
        raise SessionEnded(expired=True)
    if moment - _aware(record.last_seen_at) >= SEEN_RESOLUTION:
        record.last_seen_at = moment
        session.flush()
    return principal_of(user)


def _over(record: LoginSession, policy: SessionPolicy, moment: datetime) -> EndReason | None:
    if moment - _aware(record.created_at) > policy.absolute:
        return EndReason.EXPIRED
    if moment - _aware(record.last_seen_at) > policy.idle:
        return EndReason.IDLE
    return None


def end_session(session: Session, token: str, reason: EndReason = EndReason.LOGOUT) -> None:
    """End one session (logging out); an unknown or ended one is left as it is."""
    session.execute(update(LoginSession)
                    .where(LoginSession.token_hash == _digest(token), LoginSession.ended_at.is_(None))
                    .values(ended_at=datetime.now(UTC), end_reason=reason.value))
    session.flush()


def end_user_sessions(session: Session, user_id: int, reason: EndReason) -> int:
    """End every open session of a user (password reset, deactivation); returns how many were open."""
    result = session.execute(update(LoginSession)
                             .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
                             .values(ended_at=datetime.now(UTC), end_reason=reason.value))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
