"""User administration services on both backends: the rules, the audit trail, and logging in afterwards."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD

from kostra.access import authenticate, create_token, user_for_token
from kostra.access.admin import (
    AdminError,
    add_user,
    get_user,
    list_users,
    set_password,
    update_unit,
    update_user,
)
from kostra.access.roles import Role
from kostra.errors import AccessDenied, NotFound, UsageError
from kostra.store.models import AuditEvent, User

NEW_PASSWORD = "et-langt-passord"


def _events(session: Session, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


def _refused(session: Session, code: str, call: object, *args: object, **kwargs: object) -> AdminError:
    """Run a call that must be refused with ``code``, and check that nothing was written."""
    session.commit()  # what the test did before stays; the refused call is rolled back below
    users_before = session.scalar(select(func.count(User.id)))
    events_before = len(_events(session))
    with pytest.raises(AdminError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    session.rollback()
    assert caught.value.code == code
    assert session.scalar(select(func.count(User.id))) == users_before
    assert len(_events(session)) == events_before
    return caught.value


def test_admin_creates_a_reporter_who_can_log_in(session: Session) -> None:
    user = add_user(session, "admin", username="kari.nordmann", password=NEW_PASSWORD, role="reporter",
                    unit_code="3401", display_name="Kari Nordmann", email="kari@kongsvinger.kommune.no",
                    reason="ny saksbehandler", fast_hash=True)
    session.commit()
    principal = authenticate(session, "kari.nordmann", NEW_PASSWORD)
    assert (principal.role, principal.unit_code, principal.display_name) == (Role.REPORTER, "3401", "Kari Nordmann")
    assert user.email == "kari@kongsvinger.kommune.no"
    [event] = _events(session, "user.create")
    assert (event.actor, event.object_ref, event.reason) == ("admin", "user/kari.nordmann", "ny saksbehandler")
    detail = json.loads(event.detail_json)
    assert detail["unit_code"] == "3401" and detail["role"] == "reporter"
    assert NEW_PASSWORD not in event.detail_json and "password" not in event.detail_json


def test_statistician_has_no_unit(session: Session) -> None:
    add_user(session, "admin", username="ola", password=NEW_PASSWORD, role=Role.STATISTICIAN, fast_hash=True)
    assert get_user(session, "ola").unit_code is None
    error = _refused(session, "unit_not_allowed", add_user, session, "admin", username="per",
                     password=NEW_PASSWORD, role="statistician", unit_code="3401")
    assert error.field == "unit_code"


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"username": "demo-3401"}, "username_taken", "username"),
    ({"username": "Has Space"}, "username_invalid", "username"),
    ({"unit_code": None}, "unit_required", "unit_code"),
    ({"unit_code": "9999"}, "unit_unknown", "unit_code"),
    ({"password": "kort"}, "password_short", "password"),
    ({"role": "superuser"}, "role_invalid", "role"),
    ({"email": "ikke-en-adresse"}, "email_invalid", "email"),
])
def test_bad_input_is_refused_and_changes_nothing(session: Session, overrides: dict[str, object], code: str,
                                                  field: str) -> None:
    arguments: dict[str, object] = {"username": "ny-bruker", "password": NEW_PASSWORD, "role": "reporter",
                                    "unit_code": "3401", "fast_hash": True}
    arguments.update(overrides)
    error = _refused(session, code, add_user, session, "admin", **arguments)
    assert error.field == field
    assert isinstance(error, UsageError)
    assert str(error).startswith(f"{field}: ")


def test_reporter_needs_an_active_unit(session: Session) -> None:
    update_unit(session, "admin", "3405", active=False)
    _refused(session, "unit_inactive", add_user, session, "admin", username="ny", password=NEW_PASSWORD,
             role="reporter", unit_code="3405")


def test_update_changes_fields_and_logs_old_and_new(session: Session) -> None:
    update_user(session, "admin", "demo-3401", unit_code="3405", email="a@b.no", display_name="Ny",
                reason="flyttet")
    session.commit()
    user = get_user(session, "demo-3401")
    assert (user.unit_code, user.email, user.display_name) == ("3405", "a@b.no", "Ny")
    [event] = _events(session, "user.update")
    assert json.loads(event.detail_json)["unit_code"] == ["3401", "3405"]
    assert event.reason == "flyttet"


def test_no_change_writes_no_event(session: Session) -> None:
    update_user(session, "admin", "demo-3401", unit_code="3401", active=True)
    assert _events(session, "user.update") == []


def test_role_change_follows_the_unit_rules(session: Session) -> None:
    _refused(session, "unit_not_allowed", update_user, session, "admin", "demo-3401", role="statistician")
    update_user(session, "admin", "demo-3401", role="statistician", unit_code=None)
    assert get_user(session, "demo-3401").unit_code is None
    _refused(session, "unit_required", update_user, session, "admin", "statistiker", role="reporter")


def test_deactivated_user_cannot_log_in_and_loses_tokens(session: Session) -> None:
    principal = authenticate(session, "demo-3401", PASSWORD)
    token, _ = create_token(session, principal)
    update_user(session, "admin", "demo-3401", active=False, reason="sluttet")
    session.commit()
    with pytest.raises(AccessDenied):
        authenticate(session, "demo-3401", PASSWORD)
    with pytest.raises(AccessDenied):
        user_for_token(session, token)
    assert [u.username for u in list_users(session, active=False)] == ["demo-3401"]


def test_administrator_cannot_deactivate_or_demote_themselves(session: Session) -> None:
    error = _refused(session, "self_deactivate", update_user, session, "admin", "admin", active=False)
    assert error.field == "active"
    _refused(session, "self_demote", update_user, session, "admin", "admin", role="statistician")
    # another administrator may, once a second administrator exists
    add_user(session, "admin", username="admin2", password=NEW_PASSWORD, role="administrator", fast_hash=True)
    update_user(session, "admin2", "admin", role="statistician")
    assert get_user(session, "admin").role == "statistician"


def test_the_last_administrator_stays(session: Session) -> None:
    _refused(session, "last_admin", update_user, session, "cli:root", "admin", active=False)


def test_password_reset(session: Session) -> None:
    principal = authenticate(session, "demo-3405", PASSWORD)
    token, _ = create_token(session, principal)
    _refused(session, "password_short", set_password, session, "admin", "demo-3405", "1234567")
    set_password(session, "admin", "demo-3405", NEW_PASSWORD, reason="glemt")
    session.commit()
    assert authenticate(session, "demo-3405", NEW_PASSWORD).username == "demo-3405"
    with pytest.raises(AccessDenied):
        authenticate(session, "demo-3405", PASSWORD)
    with pytest.raises(AccessDenied):
        user_for_token(session, token)
    [event] = _events(session, "user.password")
    assert (event.object_ref, event.reason) == ("user/demo-3405", "glemt")
    assert NEW_PASSWORD not in event.detail_json
    assert json.loads(event.detail_json) == {"tokens_revoked": 1, "sessions_ended": 0}


def test_lists_filter(session: Session) -> None:
    assert [u.username for u in list_users(session, role="reporter")] == ["demo-3401", "demo-3405"]
    assert [u.username for u in list_users(session, unit_code="3405")] == ["demo-3405"]
    assert [u.username for u in list_users(session, query="STATI")] == ["statistiker"]


def test_unknown_user(session: Session) -> None:
    with pytest.raises(NotFound):
        update_user(session, "admin", "finnes-ikke", active=False)
