"""The administration pages: only administrators, CSRF on every change, errors in the form, audit."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, TEST_BASE_URL, csrf_of, login

from kostra.store.models import AuditEvent, Unit, User

NEW_PASSWORD = "nytt-passord-1"


def _db(client: TestClient) -> Session:
    return Session(client.app.state.engine)  # type: ignore[attr-defined]


def _users(client: TestClient) -> list[tuple[str, str, str | None, bool]]:
    with _db(client) as session:
        return [(u.username, u.role, u.unit_code, u.active) for u in session.scalars(select(User).order_by(User.id))]


def _events(client: TestClient) -> list[AuditEvent]:
    with _db(client) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _logout(client: TestClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    client.cookies.clear()


ADMIN_PAGES = ["/admin", "/admin.json", "/admin/users", "/admin/users.json", "/admin/units", "/admin/units.json",
               "/admin/units/3401", "/admin/units/3401.json", "/admin/users/admin", "/admin/users/admin.json"]


@pytest.mark.parametrize("username", ["statistiker", "demo-3401"])
def test_only_administrators_get_in(app_client: TestClient, username: str) -> None:
    login(app_client, username)
    assert {path: app_client.get(path).status_code for path in ADMIN_PAGES} == dict.fromkeys(ADMIN_PAGES, 403)


def test_administrators_get_in(app_client: TestClient) -> None:
    login(app_client, "admin")
    assert {path: app_client.get(path).status_code for path in ADMIN_PAGES} == dict.fromkeys(ADMIN_PAGES, 200)


def test_administrator_sees_the_start_page_with_counts(app_client: TestClient) -> None:
    login(app_client, "admin")
    data = app_client.get("/admin.json").json()
    assert data["users_by_role"] == {"reporter": 2, "statistician": 1, "administrator": 1}
    assert data["units_by_kind"] == {"municipality": 2, "oslo_district": 1, "county": 0, "institution": 2}
    page = app_client.get("/admin").text
    assert 'href="/admin/users"' in page and 'href="/admin/units"' in page
    assert "/burden" in page


def test_statistician_cannot_post_either(app_client: TestClient) -> None:
    token = login(app_client, "statistiker")
    answer = app_client.post("/admin/users", data={"csrf_token": token, "username": "x1", "role": "statistician",
                                                   "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert answer.status_code == 403
    assert "x1" not in [u[0] for u in _users(app_client)]


def test_admin_creates_a_reporter_who_logs_in_and_sees_only_its_unit(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    answer = app_client.post("/admin/users", data={
        "csrf_token": token, "username": "kari", "display_name": "Kari Nordmann", "role": "reporter",
        "unit_code": "3405", "email": "kari@lillehammer.kommune.no", "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD, "reason": "ny i kommunen"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{TEST_BASE_URL}/admin/users/kari")
    page = app_client.get(answer.headers["location"]).text
    assert "Kari Nordmann" in page and "user.create" in page and "ny i kommunen" in page
    assert NEW_PASSWORD not in page
    [event] = [e for e in _events(app_client) if e.action == "user.create"]
    assert (event.actor, event.object_ref, event.reason) == ("admin", "user/kari", "ny i kommunen")
    assert NEW_PASSWORD not in event.detail_json

    _logout(app_client)
    login(app_client, "kari", NEW_PASSWORD)
    assert app_client.get("/portal/2025/3405.json").status_code == 200
    assert app_client.get("/portal/2025/3401.json").status_code == 403
    assert app_client.get("/admin").status_code == 403


def test_deactivated_user_cannot_log_in(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    answer = app_client.post("/admin/users/demo-3401", data={
        "csrf_token": token, "display_name": "demo-3401", "role": "reporter", "unit_code": "3401", "email": "",
        "reason": "sluttet"}, follow_redirects=False)  # no "active" box: deactivated
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=saved")
    assert ("demo-3401", "reporter", "3401", False) in _users(app_client)
    [event] = [e for e in _events(app_client) if e.action == "user.update"]
    assert json.loads(event.detail_json) == {"active": [True, False], "sessions_ended": 0} and event.reason == "sluttet"
    _logout(app_client)
    token = csrf_of(app_client.get("/login").text)
    refused = app_client.post("/login", data={"username": "demo-3401", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401


@pytest.mark.parametrize(("fields", "field_id", "nb_text"), [
    ({"username": "demo-3401"}, "f-username", "finnes allerede"),
    ({"unit_code": ""}, "f-unit_code", "En rapportør må ha en enhet"),
    ({"password": "kort", "password_repeat": "kort"}, "f-password", "må ha minst 8"),
    ({"password_repeat": "noe annet"}, "f-password", "ikke like"),
    ({"role": "statistician"}, "f-unit_code", "hører ikke til noen enhet"),
    ({"email": "ikke-epost"}, "f-email", "ikke en e-postadresse"),
])
def test_bad_user_input_shows_the_error_in_the_form_and_changes_nothing(
        app_client: TestClient, fields: dict[str, str], field_id: str, nb_text: str) -> None:
    token = login(app_client, "admin")
    before = _users(app_client)
    data = {"csrf_token": token, "username": "ny-bruker", "display_name": "Ny Bruker", "role": "reporter",
            "unit_code": "3401", "email": "", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
            "reason": "test", **fields}
    answer = app_client.post("/admin/users", data=data)
    assert answer.status_code == 422
    assert nb_text in answer.text
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', answer.text)
    assert f'value="{data["username"]}"' in answer.text and 'value="Ny Bruker"' in answer.text  # kept
    assert NEW_PASSWORD not in answer.text  # passwords are never sent back
    assert _users(app_client) == before
    assert _events(app_client) == []


def test_errors_in_english(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    app_client.get("/admin?lang=en")
    answer = app_client.post("/admin/users", data={
        "csrf_token": token, "username": "x2", "role": "reporter", "unit_code": "9999",
        "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert answer.status_code == 422 and "There is no unit “9999”" in answer.text


def test_missing_csrf_is_refused_and_changes_nothing(app_client: TestClient) -> None:
    login(app_client, "admin")
    before = _users(app_client)
    posts = [
        ("/admin/users", {"username": "x3", "role": "statistician", "password": NEW_PASSWORD,
                          "password_repeat": NEW_PASSWORD}),
        ("/admin/users/demo-3401", {"role": "reporter", "unit_code": "3401"}),
        ("/admin/users/demo-3401/password", {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}),
        ("/admin/units", {"code": "3403", "kind": "municipality", "name": "Hamar"}),
        ("/admin/units/3401", {"name": "Endret"}),
        ("/admin/units/3401/deactivate", {}),
    ]
    for path, data in posts:
        assert app_client.post(path, data=data).status_code == 403, path
        assert app_client.post(path, data={**data, "csrf_token": "feil"}).status_code == 403, path
    assert _users(app_client) == before
    assert _events(app_client) == []
    with _db(app_client) as session:
        unit = session.get(Unit, "3401")
        assert unit is not None and (unit.name, unit.active) == ("Kongsvinger", True)


def test_admin_cannot_deactivate_themselves(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    answer = app_client.post("/admin/users/admin", data={"csrf_token": token, "display_name": "admin",
                                                         "role": "administrator", "unit_code": ""})
    assert answer.status_code == 422 and "Du kan ikke deaktivere deg selv" in answer.text
    answer = app_client.post("/admin/users/admin", data={"csrf_token": token, "display_name": "admin",
                                                         "role": "statistician", "unit_code": "", "active": "yes"})
    assert answer.status_code == 422 and "administratorrollen" in answer.text
    assert ("admin", "administrator", None, True) in _users(app_client)


def test_password_reset(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    short = app_client.post("/admin/users/demo-3405/password", data={
        "csrf_token": token, "password": "kort", "password_repeat": "kort"})
    assert short.status_code == 422 and "minst 8" in short.text
    answer = app_client.post("/admin/users/demo-3405/password", data={
        "csrf_token": token, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, "reason": "glemt"},
        follow_redirects=False)
    assert answer.status_code == 303
    [event] = [e for e in _events(app_client) if e.action == "user.password"]
    assert (event.object_ref, event.reason) == ("user/demo-3405", "glemt") and NEW_PASSWORD not in event.detail_json
    _logout(app_client)
    login(app_client, "demo-3405", NEW_PASSWORD)


def test_user_list_filters(app_client: TestClient) -> None:
    login(app_client, "admin")
    by_role = app_client.get("/admin/users.json", params={"role": "reporter"}).json()
    assert [u["username"] for u in by_role["users"]] == ["demo-3401", "demo-3405"]
    assert by_role["users"][0]["unit_name"] == "Kongsvinger"
    by_unit = app_client.get("/admin/users.json", params={"unit": "3405"}).json()
    assert [u["username"] for u in by_unit["users"]] == ["demo-3405"] and by_unit["total"] == 1
    page = app_client.get("/admin/users", params={"role": "statistician"}).text
    assert "statistiker" in page and "demo-3401</a>" not in page


def test_units_create_edit_deactivate(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    answer = app_client.post("/admin/units", data={
        "csrf_token": token, "code": "974760673", "kind": "institution", "name": "Nytt sykehjem",
        "municipality_code": "3401", "reason": "ny institusjon"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{TEST_BASE_URL}/admin/units/974760673")
    created = app_client.get("/admin/units/974760673.json").json()
    assert created["unit"]["orgnr"] == "974760673" and created["events"][0]["action"] == "unit.create"

    edited = app_client.post("/admin/units/3401", data={
        "csrf_token": token, "name": "Kongsvinger kommune", "orgnr": "", "email": "post@kongsvinger.kommune.no",
        "population": "18 300", "reason": "retting"}, follow_redirects=False)
    assert edited.status_code == 303
    unit = app_client.get("/admin/units/3401.json").json()["unit"]
    assert (unit["name"], unit["population"], unit["email"]) == ("Kongsvinger kommune", 18_300,
                                                                 "post@kongsvinger.kommune.no")

    deactivated = app_client.post("/admin/units/3405/deactivate", data={"csrf_token": token, "reason": "slått sammen"},
                                  follow_redirects=False)
    assert deactivated.status_code == 303
    assert app_client.get("/admin/units/3405.json").json()["unit"]["active"] is False
    inactive = app_client.get("/admin/units.json", params={"active": "no"}).json()
    assert [u["code"] for u in inactive["units"]] == ["3405"]
    actions = [(e.action, e.object_ref, e.reason) for e in _events(app_client)]
    assert actions == [("unit.create", "unit/974760673", "ny institusjon"), ("unit.update", "unit/3401", "retting"),
                       ("unit.deactivate", "unit/3405", "slått sammen")]
    # a reporter cannot be given the deactivated unit
    answer = app_client.post("/admin/users", data={
        "csrf_token": token, "username": "ny", "role": "reporter", "unit_code": "3405",
        "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert answer.status_code == 422 and "er deaktivert" in answer.text


@pytest.mark.parametrize(("fields", "field_id", "nb_text"), [
    ({"code": "974600952"}, "f-code", "ikke et gyldig organisasjonsnummer"),
    ({"municipality_code": "5001"}, "f-municipality_code", "Kommunen «5001» finnes ikke"),
    ({"name": ""}, "f-name", "må ha et navn"),
    ({"kind": "municipality", "code": "34011"}, "f-code", "forventet 4 siffer"),
    ({"code": "974600951"}, "f-code", "finnes allerede"),
])
def test_bad_unit_input_shows_the_error_and_changes_nothing(app_client: TestClient, fields: dict[str, str],
                                                            field_id: str, nb_text: str) -> None:
    token = login(app_client, "admin")
    data = {"csrf_token": token, "code": "974760673", "kind": "institution", "name": "Nytt sykehjem",
            "municipality_code": "3401", **fields}
    answer = app_client.post("/admin/units", data=data)
    assert answer.status_code == 422 and nb_text in answer.text
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', answer.text)
    assert f'value="{data["code"]}"' in answer.text
    with _db(app_client) as session:
        assert session.scalar(select(Unit).where(Unit.code == "974760673")) is None
    assert _events(app_client) == []


def test_unknown_user_and_unit_are_404(app_client: TestClient) -> None:
    login(app_client, "admin")
    assert app_client.get("/admin/users/finnes-ikke").status_code == 404
    assert app_client.get("/admin/units/9999.json").status_code == 404
