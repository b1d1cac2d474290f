"""Issue 10, point 4: page sessions live in the database and end on logout, password reset,
deactivation and the idle and absolute timeouts (both backends)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access.admin import set_password, update_user
from kostra.access.sessions import EndReason, SessionEnded, SessionPolicy, end_session, session_user, start_session
from kostra.store.models import AuditEvent, LoginSession

POLICY = SessionPolicy(idle=timedelta(minutes=60), absolute=timedelta(hours=8))
T0 = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


def _ended(session: Session) -> list[tuple[str | None, bool]]:
    rows = session.scalars(select(LoginSession).order_by(LoginSession.id))
    return [(row.end_reason, row.ended_at is not None) for row in rows]


def test_a_session_knows_its_user_and_only_its_hash_is_stored(session: Session) -> None:
    token = start_session(session, "demo-3401", client="10.0.0.7", now=T0)
    principal = session_user(session, token, POLICY, now=T0 + timedelta(minutes=5))
    assert (principal.username, principal.unit_code) == ("demo-3401", "3401")
    stored = session.scalar(select(LoginSession))
    assert stored is not None and token not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.client == "10.0.0.7"


def test_logout_ends_that_session_only(session: Session) -> None:
    laptop = start_session(session, "demo-3401", now=T0)
    phone = start_session(session, "demo-3401", now=T0)
    end_session(session, laptop, EndReason.LOGOUT)
    with pytest.raises(SessionEnded):
        session_user(session, laptop, POLICY, now=T0)
    assert session_user(session, phone, POLICY, now=T0).username == "demo-3401"


def test_a_password_reset_ends_every_session_of_the_user(session: Session) -> None:
    mine = start_session(session, "demo-3401", now=T0)
    other_user = start_session(session, "demo-3405", now=T0)
    set_password(session, "admin", "demo-3401", "et-nytt-passord", reason="glemt")
    with pytest.raises(SessionEnded):
        session_user(session, mine, POLICY, now=T0)
    assert session_user(session, other_user, POLICY, now=T0).username == "demo-3405"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password"))
    assert event is not None and json.loads(event.detail_json)["sessions_ended"] == 1


def test_deactivation_ends_the_sessions_and_reactivation_does_not_revive_them(session: Session) -> None:
    token = start_session(session, "demo-3401", now=T0)
    update_user(session, "admin", "demo-3401", active=False, reason="sluttet")
    assert _ended(session) == [("deactivated", True)]
    update_user(session, "admin", "demo-3401", active=True, reason="tilbake")
    with pytest.raises(SessionEnded):
        session_user(session, token, POLICY, now=T0)


def test_idle_timeout(session: Session) -> None:
    token = start_session(session, "demo-3401", now=T0)
    session_user(session, token, POLICY, now=T0 + timedelta(minutes=59))  # in use: the idle clock restarts
    session_user(session, token, POLICY, now=T0 + timedelta(minutes=118))
    with pytest.raises(SessionEnded) as caught:
        session_user(session, token, POLICY, now=T0 + timedelta(minutes=118 + 61))
    assert caught.value.expired and _ended(session) == [("idle", True)]


def test_absolute_timeout_even_when_in_use(session: Session) -> None:
    token = start_session(session, "demo-3401", now=T0)
    for minutes in range(30, 8 * 60 + 1, 30):
        session_user(session, token, POLICY, now=T0 + timedelta(minutes=minutes))
    with pytest.raises(SessionEnded) as caught:
        session_user(session, token, POLICY, now=T0 + timedelta(hours=8, minutes=1))
    assert caught.value.expired and _ended(session) == [("expired", True)]


def test_unknown_session_and_inactive_user(session: Session) -> None:
    with pytest.raises(SessionEnded) as caught:
        session_user(session, "made-up-token", POLICY, now=T0)
    assert not caught.value.expired
    update_user(session, "admin", "demo-3405", active=False)
    with pytest.raises(SessionEnded):
        start_session(session, "demo-3405", now=T0)
