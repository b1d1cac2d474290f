"""Logging in with a throttle: failed attempts are counted in the database and audited.

Failures are counted per user name and client address (the tight limit, which a person who mistypes
meets last), per user name from any address (guessing one password from many machines) and per address
for any user name (trying one password on many users). Over a limit, the request is refused with
``TooManyAttempts`` before the password is looked at, until the oldest counted failure is older than
the window. The counts live in the database (``LoginFailure``), so every worker process and every
server behind a load balancer shares them and a restart does not reset them.

    >>> principal = log_in(session, "kari", "hemmelig-1", client="10.0.0.7", limits=ThrottleLimits(),
    ...                    channel="page")
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from kostra.access.roles import Principal
from kostra.access.users import authenticate
from kostra.errors import AccessDenied
from kostra.store.models import AuditEvent, LoginFailure

__all__ = ["ThrottleLimits", "TooManyAttempts", "check_allowed", "log_in"]

log = logging.getLogger(__name__)
Channel = Literal["page", "api"]


@dataclass(frozen=True)
class ThrottleLimits:
    """Failed attempts allowed within ``window`` (``KOSTRA_LOGIN_*`` settings)."""

    per_user_and_address: int = 5
    per_user: int = 20
    per_address: int = 50
    window: timedelta = timedelta(minutes=15)


class TooManyAttempts(AccessDenied):
    """Too many failed attempts: try again in ``retry_after`` seconds (HTTP 429 with ``Retry-After``)."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed attempts; try again in {retry_after} seconds")


def _key(username: str) -> str:
    # User names are lower case (kostra.access.admin); "Kari" and "kari" share one count.
    return username.strip().lower()[:80]


def check_allowed(session: Session, username: str, client: str, limits: ThrottleLimits,
                  now: datetime | None = None) -> None:
    """Raise ``TooManyAttempts`` when a limit on failed attempts is reached for this user name or address."""
    moment = now or datetime.now(UTC)
    since = moment - limits.window
    user, address = LoginFailure.username == _key(username), LoginFailure.client == client[:64]
    buckets: list[tuple[ColumnElement[bool], int]] = [
        (and_(user, address), limits.per_user_and_address), (user, limits.per_user), (address, limits.per_address)]
    waits = []
    for condition, limit in buckets:
        count, oldest = session.execute(select(func.count(LoginFailure.id), func.min(LoginFailure.at))
                                        .where(condition, LoginFailure.at > since)).one()
        if count >= limit and oldest is not None:
            waits.append((_aware(oldest) + limits.window - moment).total_seconds())
    if waits:
        raise TooManyAttempts(max(1, math.ceil(max(waits))))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _record_failure(session: Session, username: str, client: str, channel: Channel, limits: ThrottleLimits,
                    moment: datetime) -> None:
    key = _key(username)
    # Old counts go as new ones come: the table holds one window of failures, the audit log the history.
    session.execute(delete(LoginFailure).where(LoginFailure.at <= moment - limits.window))
    session.add(LoginFailure(at=moment, username=key, client=client[:64]))
    action = "login.failed" if channel == "page" else "token.failed"
    session.add(AuditEvent(at=moment, actor=f"client:{client}"[:80], action=action, object_ref=f"user/{key}",
                           reason="",
                           detail_json=json.dumps({"channel": channel, "client": client}, sort_keys=True)))
    session.flush()


def log_in(session: Session, username: str, password: str, *, client: str, limits: ThrottleLimits,
           channel: Channel, now: datetime | None = None) -> Principal:
    """The principal for valid credentials, within the throttle's limits.

    Raises ``TooManyAttempts`` (nothing verified, nothing recorded) when a limit is reached, else
    ``AccessDenied`` for wrong credentials after recording the failure and an audit event
    (``login.failed`` or ``token.failed``). A success clears the failures of this user name and address.
    The caller commits, also after a failure.
    """
    moment = now or datetime.now(UTC)
    try:
        check_allowed(session, username, client, limits, moment)
    except TooManyAttempts as refused:
        log.warning("%s attempt for %r from %s refused: %s", channel, _key(username), client, refused)
        raise
    try:
        principal = authenticate(session, username.strip(), password)
    except AccessDenied:
        _record_failure(session, username, client, channel, limits, moment)
        raise
    session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username),
                                               LoginFailure.client == client[:64]))
    return principal
