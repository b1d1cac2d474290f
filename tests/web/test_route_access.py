"""Issue 10, point 3: every route × every role gets the answer its access rule says.

The routes come from ``app.routes``: a new route that is not classified below fails
``test_every_route_is_classified``, so it cannot ship without saying who may reach it. Each route is then
requested by seven clients (reporters of Kongsvinger 3401, of Lillehammer 3405, of Oslo 0301 and of the
district Grünerløkka 030102, a statistician, an administrator, and nobody) for the units it can name, on the
real app over a real, migrated database. A refused change must leave the stored data as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, unique
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, TEST_BASE_URL, R, add_oslo, add_run, add_units_and_users, csrf_of, form5_values
from tests.web.statbank_tables import statbank_source

from kostra.access import Principal, Role
from kostra.reporting import submissions
from kostra.reporting.attachments import upload_attachment
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import Attachment, Draft, Edit, Submission
from kostra.web.app import create_app


@unique
class Kind(Enum):
    """Who may reach a route (see docs/security.md, "Roles and what each reaches")."""

    PUBLIC = "everyone, logged in or not"
    AUTH = "logging in and out (tested in test_login_and_sessions.py)"
    PORTAL_HOME = "a logged-in user, sent on to their start page"
    UNIT_READ = "the unit's reporter, statisticians and administrators read the unit's pages"
    FORM_READ = "the unit's reporter (or its municipality's, for an institution), statisticians, administrators read"
    FORM_WRITE = "the unit's reporter (or its municipality's, for an institution) only"
    OFFICE_READ = "statisticians and administrators read"
    OFFICE_WRITE = "statisticians and administrators act (control runs, reminders, contacts)"
    OFFICE_EDIT = "statisticians only: changes to reported data"
    ADMIN = "administrators only"


# Every route of the app, by method and path. Add a route here when you add it to the app.
ROUTES: dict[tuple[str, str], Kind] = {
    ("GET", "/"): Kind.PUBLIC,
    ("GET", "/index.json"): Kind.PUBLIC,
    ("GET", "/openapi.json"): Kind.PUBLIC,
    ("GET", "/docs"): Kind.PUBLIC,
    ("GET", "/static"): Kind.PUBLIC,
    ("GET", "/static/swagger-ui/{name}"): Kind.PUBLIC,
    ("POST", "/api/v1/check"): Kind.PUBLIC,  # the file control as a service, like SSB's own validator
    # The statbank: published releases only, for everyone (docs/statbank.md).
    ("GET", "/api/v2/tables"): Kind.PUBLIC,
    ("GET", "/api/v2/tables/{table_id}"): Kind.PUBLIC,
    ("GET", "/api/v2/tables/{table_id}/metadata"): Kind.PUBLIC,
    ("GET", "/api/v2/tables/{table_id}/data"): Kind.PUBLIC,
    ("POST", "/api/v2/tables/{table_id}/data"): Kind.PUBLIC,
    ("GET", "/statbank"): Kind.PUBLIC,
    ("GET", "/statbank/{table_id}"): Kind.PUBLIC,
    ("GET", "/profile/{year}/{region_code}"): Kind.PUBLIC,
    ("GET", "/login"): Kind.PUBLIC,
    ("POST", "/login"): Kind.AUTH,
    ("POST", "/logout"): Kind.AUTH,
    ("POST", "/api/v1/token"): Kind.AUTH,
    ("GET", "/portal"): Kind.PORTAL_HOME,
    ("GET", "/portal/{year}/{unit_code}"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}.json"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}/controls"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}/controls.json"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}/controls/summary"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}/keyfigures"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{unit_code}/keyfigures.json"): Kind.UNIT_READ,
    # A unit's key figures and their lineage: its reporter and the office (an aggregate's: the office only,
    # tests/web/test_keyfigure_pages.py).
    ("GET", "/keyfigures/{year}/{figure}/{region}"): Kind.UNIT_READ,
    ("GET", "/keyfigures/{year}/{figure}/{region}.json"): Kind.UNIT_READ,
    ("GET", "/api/v1/forms"): Kind.UNIT_READ,
    ("GET", "/portal/{year}/{form_id}/{unit_code}"): Kind.FORM_READ,
    ("GET", "/portal/{year}/{form_id}/{unit_code}.json"): Kind.FORM_READ,
    ("GET", "/portal/{year}/{form_id}/{unit_code}/attachment"): Kind.FORM_READ,
    ("GET", "/portal/{year}/{form_id}/{unit_code}/receipt/{version}"): Kind.FORM_READ,
    ("GET", "/api/v1/submissions/{year}/{form}/{unit}"): Kind.FORM_READ,
    ("POST", "/portal/{year}/{form_id}/{unit_code}/save"): Kind.FORM_WRITE,
    ("POST", "/portal/{year}/{form_id}/{unit_code}/submit"): Kind.FORM_WRITE,
    ("POST", "/portal/{year}/{form_id}/{unit_code}/nil"): Kind.FORM_WRITE,
    ("POST", "/portal/{year}/{form_id}/{unit_code}/upload"): Kind.FORM_WRITE,
    ("PUT", "/api/v1/submissions/{year}/{form}/{unit}"): Kind.FORM_WRITE,
    ("POST", "/api/v1/submissions/{year}/{form}/{unit}/submit"): Kind.FORM_WRITE,
    ("POST", "/api/v1/submissions/{year}/{form}/{unit}/nil"): Kind.FORM_WRITE,
    ("GET", "/office"): Kind.OFFICE_READ,
    ("GET", "/office.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls/rules/{rule}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls/rules/{rule}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls/units/{unit_code}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/controls/units/{unit_code}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/status"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/status.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/outbox"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/outbox.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/units/{unit_code}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/units/{unit_code}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/units/{unit_code}/{form_id}/trail/{field}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/units/{unit_code}/{form_id}/trail/{field}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/quality"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/quality.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/burden"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/accounts"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/accounts/{region}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/accounts/{region}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/releases"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/releases.json"): Kind.OFFICE_READ,
    ("POST", "/office/{year}/releases"): Kind.OFFICE_WRITE,
    ("GET", "/office/{year}/releases/{release_id}/{table_id}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/releases/{release_id}/{table_id}.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/deliveries"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/deliveries.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/burden.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/keyfigures"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/keyfigures.json"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/keyfigures/{region}"): Kind.OFFICE_READ,
    ("GET", "/office/{year}/keyfigures/{region}.json"): Kind.OFFICE_READ,
    ("POST", "/office/{year}/controls/run"): Kind.OFFICE_WRITE,
    ("POST", "/office/{year}/outbox/reminders"): Kind.OFFICE_WRITE,
    ("POST", "/office/{year}/outbox/send"): Kind.OFFICE_WRITE,
    ("POST", "/office/{year}/units/{unit_code}/contacts"): Kind.OFFICE_WRITE,
    ("POST", "/office/{year}/units/{unit_code}/{form_id}/edit"): Kind.OFFICE_EDIT,
    ("POST", "/office/{year}/units/{unit_code}/{form_id}/approve"): Kind.OFFICE_EDIT,
    ("POST", "/office/{year}/units/{unit_code}/{form_id}/withdraw"): Kind.OFFICE_EDIT,
    ("POST", "/office/{year}/units/{unit_code}/{form_id}/edits/{edit_id}/reapply"): Kind.OFFICE_EDIT,
    ("POST", "/office/{year}/units/{unit_code}/{form_id}/edits/{edit_id}/withdraw"): Kind.OFFICE_EDIT,
    ("GET", "/admin"): Kind.ADMIN,
    ("GET", "/admin.json"): Kind.ADMIN,
    ("GET", "/admin/users"): Kind.ADMIN,
    ("GET", "/admin/users.json"): Kind.ADMIN,
    ("POST", "/admin/users"): Kind.ADMIN,
    ("GET", "/admin/users/{username}"): Kind.ADMIN,
    ("GET", "/admin/users/{username}.json"): Kind.ADMIN,
    ("POST", "/admin/users/{username}"): Kind.ADMIN,
    ("POST", "/admin/users/{username}/password"): Kind.ADMIN,
    ("GET", "/admin/units"): Kind.ADMIN,
    ("GET", "/admin/units.json"): Kind.ADMIN,
    ("POST", "/admin/units"): Kind.ADMIN,
    ("GET", "/admin/units/{code}"): Kind.ADMIN,
    ("GET", "/admin/units/{code}.json"): Kind.ADMIN,
    ("POST", "/admin/units/{code}"): Kind.ADMIN,
    ("POST", "/admin/units/{code}/deactivate"): Kind.ADMIN,
    ("POST", "/admin/units/{code}/activate"): Kind.ADMIN,
}

# The roles, by the user each client logs in as (None: nobody).
USERS: dict[str, str | None] = {
    "A": "demo-3401", "B": "demo-3405", "oslo": "demo-0301", "district": "demo-030102",
    "statistician": "statistiker", "administrator": "admin", "anonymous": None,
}
REPORTERS = ("A", "B", "oslo", "district")
OFFICE = ("statistician", "administrator")
YEAR = 2025
KEY_FIGURE = "andel_rullestoltilgjengelige_boliger"


@dataclass(frozen=True)
class Target:
    """A unit a portal route can name, the form used for it, and the role that reports it."""

    unit: str
    form: str
    owner: str
    name: str


# Kongsvinger's own form; its institution's form 5 (reported by Kongsvinger); the district's form, which
# Oslo's municipality must not reach; and Oslo's own form 13.
FORM_TARGETS = (Target("3401", "11", "A", "Kongsvinger"), Target("974600951", "5", "A", "Kongsvinger sykehjem"),
                Target("030102", "11", "district", "Grünerløkka"), Target("0301", "13", "oslo", "Oslo"))
UNIT_TARGETS = tuple(t for t in FORM_TARGETS if t.unit != "974600951")


def flat_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, also inside included routers; HEAD (answered as GET) left out."""
    stack: list[Any] = list(app.routes)
    while stack:
        route = stack.pop(0)
        if hasattr(route, "effective_route_contexts"):  # FastAPI ≥ 0.16x: an included router
            stack[:0] = list(route.effective_route_contexts())
            continue
        methods = getattr(route, "methods", None) or {"GET"}  # a Mount (static files) answers GET
        for method in sorted(set(methods) - {"HEAD"}):
            yield method, route.path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home: Path = tmp_path_factory.mktemp("routes")
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
        add_oslo(session)
        _reports(session)
        add_run(session, [R("5-01", "5", "974600951", fields=[{"form": "5", "id": "3.2", "name": "rom_i_alt"}])])
    engine.dispose()
    app = create_app(Settings(home=home, database_url=url, base_url=TEST_BASE_URL))
    app.state.statbank = statbank_source()  # one published table, so the statbank routes have one to show
    clients = {role: _client(app, username) for role, username in USERS.items()}
    yield {"app": app, "clients": clients, "url": url}
    app.state.engine.dispose()


def _reports(session: Session) -> None:
    """One nil return for every form target (so receipt 1 exists) and a file on each form 11."""
    for target in FORM_TARGETS:
        owner = USERS[target.owner]
        assert owner is not None
        unit_code = "3401" if target.unit == "974600951" else target.unit
        principal = Principal(owner, Role.REPORTER, unit_code)
        if target.form != "13":
            submissions.declare_nil(session, principal, year=YEAR, form_id=target.form, unit_code=target.unit)
        if target.form == "11":
            state = submissions.form_state(session, principal, year=YEAR, form_id="11", unit_code=target.unit)
            upload_attachment(session, principal, form=state.form, unit=state.unit, year=YEAR,
                              filename="11F.dat", data=b"not a KOSTRA file\n")
    session.commit()


def _client(app: FastAPI, username: str | None) -> dict[str, Any]:
    client = TestClient(app, follow_redirects=False)
    csrf = csrf_of(client.get("/login").text)
    headers: dict[str, str] = {}
    if username is not None:
        answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf})
        assert answer.status_code == 303, answer.text[:200]
        csrf = csrf_of(client.get("/login").text)  # the new session's token (the login page carries it)
        token = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
        assert token.status_code == 200, token.text
        headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return {"client": client, "csrf": csrf, "api": headers}


def _fill(path: str, target: Target) -> str:
    values = {"year": str(YEAR), "unit_code": target.unit, "unit": target.unit, "form_id": target.form,
              "form": target.form, "version": "1", "rule": "5-01", "field": "rom_i_alt",
              "username": "demo-3405", "code": "3405", "edit_id": "1",
              "name": "swagger-ui.css", "region": "3401", "figure": KEY_FIGURE, "table_id": "KS001",
              "region_code": "3401", "release_id": "1"}
    if path.startswith("/keyfigures/"):
        values["region"] = target.unit  # a unit's own key figures: the target's
    return re.sub(r"\{(\w+)\}", lambda m: values[m[1]], path)


def _request(world: dict[str, Any], role: str, method: str, path: str, target: Target) -> Response:
    who = world["clients"][role]
    client: TestClient = who["client"]
    url = _fill(path, target)
    if path == "/static":
        return client.get("/static/kostra.css")
    if url == "/api/v1/forms":
        return client.get(url, params={"year": YEAR, "unit": target.unit}, headers=who["api"])
    if url.startswith("/api/"):
        body: dict[str, Any] = {"values": {}} if method == "PUT" else {}
        return client.request(method, url, json=body, headers=who["api"])
    headers = {"X-CSRF-Token": who["csrf"]}
    if method == "GET":
        return client.get(url, headers=headers)
    if url.endswith("/upload"):
        return client.post(url, headers=headers, files={"file": ("11F.dat", b"still not a file\n")})
    data = form5_values() if target.form == "5" and url.endswith(("/save", "/submit")) else {}
    return client.post(url, headers=headers, data=data)


def _stored(url: str) -> tuple[int, ...]:
    """What a refused change must leave as it was: drafts, submissions, attachments, edits."""
    engine = create_engine_for(url)
    try:
        with Session(engine) as session:
            return tuple(session.scalar(select(func.count()).select_from(model)) or 0
                         for model in (Draft, Submission, Attachment, Edit))
    finally:
        engine.dispose()


def _is_login_answer(answer: Response, path: str) -> bool:
    if path.startswith("/api/") or path.endswith(".json"):
        return answer.status_code == 401
    return answer.status_code == 303 and answer.headers["location"].startswith(f"{TEST_BASE_URL}/login?next=")


def test_every_route_is_classified(world: dict[str, Any]) -> None:
    found = set(flat_routes(world["app"]))
    unclassified = sorted(found - set(ROUTES))
    assert not unclassified, f"routes without an access class in ROUTES (add them): {unclassified}"
    assert not sorted(set(ROUTES) - found), "ROUTES lists routes the app no longer has"


def _walk(kind: Kind) -> list[tuple[str, str]]:
    return sorted(route for route, k in ROUTES.items() if k is kind)


@pytest.mark.parametrize("role", list(USERS))
def test_public_routes_answer_everyone(world: dict[str, Any], role: str) -> None:
    for method, path in _walk(Kind.PUBLIC):
        answer = _request(world, role, method, path, UNIT_TARGETS[0])
        expected = 422 if path == "/api/v1/check" else 200  # no file sent: the service names what is missing
        assert answer.status_code == expected, (role, method, path, answer.text[:200])


@pytest.mark.parametrize("role", list(USERS))
def test_portal_home_sends_each_user_to_their_start(world: dict[str, Any], role: str) -> None:
    answer = _request(world, role, "GET", "/portal", UNIT_TARGETS[0])
    assert answer.status_code == 303
    home = {"A": "/portal/2025/3401", "B": "/portal/2025/3405", "oslo": "/portal/2025/0301",
            "district": "/portal/2025/030102", "statistician": "/office", "administrator": "/office",
            "anonymous": "/login?next=/portal"}[role]
    assert answer.headers["location"] == f"{TEST_BASE_URL}{home}"


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("kind", [Kind.UNIT_READ, Kind.FORM_READ])
def test_reading_a_unit(world: dict[str, Any], role: str, kind: Kind) -> None:
    targets = UNIT_TARGETS if kind is Kind.UNIT_READ else FORM_TARGETS
    for target in targets:
        for method, path in _walk(kind):
            answer = _request(world, role, method, path, target)
            where = (role, method, _fill(path, target), answer.status_code, answer.text[:200])
            if role == "anonymous":
                assert _is_login_answer(answer, path), where
            elif role == target.owner or role in OFFICE:
                # Only forms 11 have a file, and form 13 (no nil return) no receipt: "not found", once allowed.
                missing = (path.endswith("/attachment") and target.form != "11") or \
                    (path.endswith("/receipt/{version}") and target.form == "13")
                assert answer.status_code == (404 if missing else 200), where
            else:
                assert answer.status_code == 403, where
                assert target.name not in answer.text, where  # nothing about the other unit shows


@pytest.mark.parametrize("role", list(USERS))
def test_changing_a_unit_s_forms(world: dict[str, Any], role: str) -> None:
    for target in FORM_TARGETS:
        for method, path in _walk(Kind.FORM_WRITE):
            before = _stored(world["url"])
            answer = _request(world, role, method, path, target)
            where = (role, method, _fill(path, target), answer.status_code, answer.text[:300])
            if role == target.owner:
                # Done, or refused for what was sent (nothing to submit, no file for this form): never for who.
                assert answer.status_code in {200, 303, 400, 422}, where
                assert not _is_login_answer(answer, path), where
                continue
            if role == "anonymous":
                assert _is_login_answer(answer, path), where
            else:
                assert answer.status_code == 403, where
            assert _stored(world["url"]) == before, where


def _office_or_admin(world: dict[str, Any], role: str, kind: Kind) -> None:
    allowed = {Kind.OFFICE_READ: OFFICE, Kind.OFFICE_WRITE: OFFICE, Kind.OFFICE_EDIT: ("statistician",),
               Kind.ADMIN: ("administrator",)}[kind]
    target = FORM_TARGETS[1]
    for method, path in _walk(kind):
        before = _stored(world["url"])
        answer = _request(world, role, method, path, target)
        where = (role, method, _fill(path, target), answer.status_code, answer.text[:300])
        if role == "anonymous":
            assert _is_login_answer(answer, path), where
        elif role in allowed:
            expected = {200} if method == "GET" else {200, 303, 422}  # 422: the empty form is refused
            if path == "/office/{year}/accounts":
                expected = {303}  # leads on to the country's accounts page
            if "{edit_id}" in path:
                expected.add(404)  # the world holds no edit 1: the role gets through, the edit is not found
            if "{release_id}" in path:
                expected = {404}  # nor a release: the role gets through, the release is not found
            assert answer.status_code in expected, where
        else:
            assert answer.status_code == 403, where
            if kind is not Kind.OFFICE_READ:
                assert _stored(world["url"]) == before, where


# Reads before writes (test functions run in file order): the run button replaces the control run read here.
@pytest.mark.parametrize("role", list(USERS))
def test_office_pages(world: dict[str, Any], role: str) -> None:
    _office_or_admin(world, role, Kind.OFFICE_READ)


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("kind", [Kind.OFFICE_WRITE, Kind.OFFICE_EDIT, Kind.ADMIN])
def test_office_actions_and_administration(world: dict[str, Any], role: str, kind: Kind) -> None:
    _office_or_admin(world, role, kind)


@pytest.mark.parametrize("role", list(USERS))
def test_auth_routes(world: dict[str, Any], role: str) -> None:
    """A wrong password is refused for everyone; logging out (a fresh client) leads to the login page."""
    fresh = TestClient(world["app"], follow_redirects=False)
    csrf = csrf_of(fresh.get("/login").text)
    username = USERS[role] or "nobody"
    wrong = fresh.post("/login", data={"username": username, "password": "wrong-password", "csrf_token": csrf})
    assert wrong.status_code == 401
    token = fresh.post("/api/v1/token", data={"username": username, "password": "wrong-password"})
    assert token.status_code == 401 and token.json()["ok"] is False
    out = fresh.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == f"{TEST_BASE_URL}/login"
