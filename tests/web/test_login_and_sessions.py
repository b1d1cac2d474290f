"""Issue 10, point 4, through the pages and the API: sessions end, logins are throttled, redirects and
cookies follow the configured base URL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, TEST_BASE_URL, add_units_and_users, csrf_of, login

from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import AuditEvent, LoginSession
from kostra.web.app import create_app

FORMS = "/portal/2025/3401"


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return _database(tmp_path)


@pytest.fixture
def app(tmp_path: Path, url: str) -> Iterator[object]:
    application = create_app(Settings(home=tmp_path, database_url=url, base_url=TEST_BASE_URL))
    yield application
    application.state.engine.dispose()


def _client(app: object) -> TestClient:
    return TestClient(app)  # type: ignore[arg-type]


def _logged_out(answer: Response, path: str = FORMS) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.startswith(f"{TEST_BASE_URL}/login?next={path}")


def test_logout_then_the_old_cookie_is_not_logged_in(app: object) -> None:
    browser = _client(app)
    token = login(browser, "demo-3401")
    assert browser.get(FORMS).status_code == 200
    stolen = browser.cookies.get("kostra_session")
    assert browser.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = _client(app)
    replay.cookies.set("kostra_session", stolen or "")
    assert _logged_out(replay.get(FORMS, follow_redirects=False))
    assert replay.get(f"{FORMS}.json").status_code == 401


def test_a_password_reset_and_a_deactivation_end_the_user_s_other_sessions(app: object) -> None:
    reporter, admin = _client(app), _client(app)
    login(reporter, "demo-3401")
    token = login(admin, "admin")
    assert reporter.get(FORMS).status_code == 200
    reset = admin.post("/admin/users/demo-3401/password", data={
        "csrf_token": token, "password": "et-nytt-passord", "password_repeat": "et-nytt-passord", "reason": "glemt"},
        follow_redirects=False)
    assert reset.status_code == 303, reset.text[:300]
    assert _logged_out(reporter.get(FORMS, follow_redirects=False))
    login(reporter, "demo-3401", "et-nytt-passord")
    assert reporter.get(FORMS).status_code == 200
    deactivated = admin.post("/admin/users/demo-3401", data={
        "csrf_token": token, "display_name": "demo-3401", "role": "reporter", "unit_code": "3401", "email": "",
        "reason": "sluttet"}, follow_redirects=False)
    assert deactivated.status_code == 303
    assert _logged_out(reporter.get(FORMS, follow_redirects=False))
    assert admin.get("/admin").status_code == 200  # the administrator's own session goes on


def test_an_idle_session_asks_for_a_new_login_and_says_why(app: object, url: str) -> None:
    browser = _client(app)
    login(browser, "demo-3401")
    engine = create_engine_for(url)
    with Session(engine) as session:  # the last request was 61 minutes ago (default idle time: 60 minutes)
        session.execute(update(LoginSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61)))
        session.commit()
        answer = browser.get(FORMS, follow_redirects=False)
        assert _logged_out(answer) and answer.headers["location"].endswith("&expired=true")
        assert session.scalar(select(LoginSession.end_reason)) == "idle"
    engine.dispose()
    page = browser.get("/login?next=/portal/2025/3401&expired=true")
    assert "Økten din er utløpt" in page.text


def test_idle_and_absolute_timeouts_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOSTRA_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("KOSTRA_SESSION_MAX_HOURS", "2")
    settings = Settings()
    assert (settings.session_idle_minutes, settings.session_max_hours) == (15, 2)
    monkeypatch.setenv("KOSTRA_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(ValueError, match="session_idle_minutes"):
        Settings()


def test_the_sixth_wrong_password_gets_429_with_retry_after(app: object, url: str) -> None:
    browser = _client(app)
    csrf = csrf_of(browser.get("/login").text)
    answers = [browser.post("/login", data={"username": "demo-3401", "password": "feil", "csrf_token": csrf})
               for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert 890 <= int(answers[5].headers["retry-after"]) <= 900
    assert "For mange mislykkede innlogginger. Prøv igjen om 15 min." in answers[5].text
    right = browser.post("/login", data={"username": "demo-3401", "password": PASSWORD, "csrf_token": csrf},
                         follow_redirects=False)
    assert right.status_code == 429  # the right password, too, waits
    engine = create_engine_for(url)
    with Session(engine) as session:
        failed = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")))
    engine.dispose()
    assert len(failed) == 5 and {e.object_ref for e in failed} == {"user/demo-3401"}


def test_the_sixth_wrong_token_request_gets_429_with_retry_after(app: object) -> None:
    api = _client(app)
    answers = [api.post("/api/v1/token", data={"username": "demo-3405", "password": "feil"}) for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert int(answers[5].headers["retry-after"]) > 0
    body = answers[5].json()
    assert body["ok"] is False and body["status"] == 429 and "too many failed attempts" in body["error"]


def test_a_forged_host_header_does_not_appear_in_redirects(app: object) -> None:
    browser = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    evil = {"Host": "evil.example"}
    csrf = csrf_of(browser.get("/login", headers=evil).text)
    answers = [
        browser.get(FORMS, headers=evil),
        browser.post("/login", data={"username": "demo-3401", "password": PASSWORD, "csrf_token": csrf},
                     headers=evil),
        browser.get("/portal", headers=evil),
    ]
    csrf = csrf_of(browser.get("/portal/2025/5/974600951", headers=evil).text)
    answers.append(browser.post("/portal/2025/5/974600951/save", data={"csrf_token": csrf, "rom_i_alt": "60"},
                                headers=evil))
    answers.append(browser.post("/logout", data={"csrf_token": csrf}, headers=evil))
    for answer in answers:
        assert answer.status_code == 303, answer.text[:200]
        assert answer.headers["location"].startswith(f"{TEST_BASE_URL}/"), answer.headers["location"]
        assert "evil" not in answer.headers["location"]


def _session_cookie(answer: Response) -> str:
    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith("kostra_session=")]
    assert cookies, "no session cookie set"
    return cookies[-1].lower()


def test_the_cookie_is_secure_when_the_base_url_is_https(tmp_path: Path, url: str) -> None:
    app = create_app(Settings(home=tmp_path, database_url=url, base_url="https://kostra.example.no"))
    browser = TestClient(app, base_url="https://kostra.example.no", follow_redirects=False)
    csrf = csrf_of(browser.get("/login").text)
    answer = browser.post("/login", data={"username": "demo-3401", "password": PASSWORD, "csrf_token": csrf})
    assert answer.headers["location"] == "https://kostra.example.no/portal"
    cookie = _session_cookie(answer)
    assert "; secure" in cookie and "; httponly" in cookie and "; samesite=lax" in cookie
    assert browser.get(FORMS).status_code == 200
    language = browser.get("/login?lang=en").headers["set-cookie"].lower()
    assert language.startswith("kostra_lang=en") and "; secure" in language
    app.state.engine.dispose()


def test_the_cookie_is_not_secure_on_plain_http(app: object) -> None:
    browser = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    csrf = csrf_of(browser.get("/login").text)
    answer = browser.post("/login", data={"username": "demo-3401", "password": PASSWORD, "csrf_token": csrf})
    cookie = _session_cookie(answer)
    assert "; secure" not in cookie and "; httponly" in cookie and "; samesite=lax" in cookie


def test_the_base_url_is_an_origin() -> None:
    assert Settings(base_url="https://kostra.example.no/").site_url == "https://kostra.example.no"
    assert Settings(host="0.0.0.0", port=9000).site_url == "http://0.0.0.0:9000"
    assert Settings(base_url=" ").site_url == "http://127.0.0.1:8000"
    for wrong in ("kostra.example.no", "ftp://kostra.example.no", "https://kostra.example.no/app"):
        with pytest.raises(ValueError, match="base URL"):
            Settings(base_url=wrong)
