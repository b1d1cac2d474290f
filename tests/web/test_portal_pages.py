"""The portal pages without a browser: login, CSRF, htmx feedback, submit, receipt, JSON twins."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.factories import PASSWORD, TEST_BASE_URL, form5_values

PAGE = "/portal/2025/5/974600951"


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    return app_client  # the shared app on a fresh SQLite database (tests/web/conftest.py)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]  # type: ignore[index]


def _login(client: TestClient, username: str) -> None:
    token = _csrf(client.get("/login").text)
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 200 and "/portal/2025/" in str(answer.url)


def test_pages_need_login_and_keep_the_target(client: TestClient) -> None:
    answer = client.get(PAGE, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{TEST_BASE_URL}/login?next=")


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"username": "demo-3401", "password": PASSWORD})
    assert answer.status_code == 403 and "CSRF" in answer.text


def test_fill_in_with_htmx_feedback_then_submit(client: TestClient) -> None:
    _login(client, "demo-3401")
    page = client.get(PAGE)
    token = _csrf(page.text)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    feedback = client.post(f"{PAGE}/save", data=form5_values(rom_i_alt="sekstito"), headers=headers)
    assert feedback.status_code == 200 and "<html" not in feedback.text
    assert re.search(r'id="msg-rom_i_alt"[^>]*>.*sekstito', feedback.text, re.S)
    fixed = client.post(f"{PAGE}/save", data=form5_values(), headers=headers)
    assert "msg-rom_i_alt" in fixed.text and "sekstito" not in fixed.text
    receipt = client.post(f"{PAGE}/submit", data={**form5_values(), "csrf_token": token})
    assert receipt.status_code == 200 and 'id="receipt-id">K2025-5-974600951-1-' in receipt.text
    assert client.get(f"{PAGE}.json").json()["status"] == "submitted"


def test_a_double_clicked_submit_lands_on_the_receipt_of_the_version_just_submitted(client: TestClient) -> None:
    _login(client, "demo-3401")
    token = _csrf(client.get(PAGE).text)
    first = client.post(f"{PAGE}/submit", data={**form5_values(), "csrf_token": token})
    again = client.post(f"{PAGE}/submit", data={**form5_values(), "csrf_token": token})
    assert first.status_code == again.status_code == 200
    assert str(first.url).endswith(f"{PAGE}/receipt/1") and str(again.url).endswith(f"{PAGE}/receipt/1?unchanged=1")
    assert 'id="unchanged"' in again.text and "ikke sendt inn på nytt" in again.text
    assert 'id="receipt-id">K2025-5-974600951-1-' in again.text and 'id="unchanged"' not in first.text
    state = client.get(f"{PAGE}.json").json()
    assert [h["version"] for h in state["history"]] == [1] and state["status"] == "submitted"   # no draft left
    client.get(f"{PAGE}?lang=en")  # the language chosen on a page is kept (a cookie)
    english = client.post(f"{PAGE}/submit", data={**form5_values(), "csrf_token": token})
    assert "so the form was not submitted again" in english.text
    changed = client.post(f"{PAGE}/submit", data={**form5_values(plasser_demens="21"), "csrf_token": token})
    assert str(changed.url).endswith(f"{PAGE}/receipt/2")


def test_blocked_submit_shows_what_to_fix_and_keeps_the_answers(client: TestClient) -> None:
    _login(client, "demo-3401")
    token = _csrf(client.get(PAGE).text)
    answer = client.post(f"{PAGE}/submit", data={**form5_values(plasser_demens="-4"), "csrf_token": token})
    assert answer.status_code == 422 and 'id="blocking"' in answer.text
    assert 'value="-4"' in client.get(PAGE).text


def test_other_municipality_gets_403_page(client: TestClient) -> None:
    _login(client, "demo-3405")
    answer = client.get(PAGE)
    assert answer.status_code == 403 and "Kongsvinger" not in answer.text


def test_english_form_page(client: TestClient) -> None:
    _login(client, "demo-3401")
    page = client.get(f"{PAGE}?lang=en")
    assert "Health and care institution" in page.text and 'lang="en"' in page.text


def test_upload_an_attachment_shows_the_control_report_and_gates_submission(client: TestClient) -> None:
    from kostra.demo.generate_sosial import generate

    _login(client, "demo-3401")
    page = "/portal/2025/11/3401"
    token = _csrf(client.get(page).text)
    blocked = client.post(f"{page}/submit", data={"csrf_token": token})
    assert blocked.status_code == 422 and "11F" in blocked.text
    bad = generate("11F", 2025, "340100", 20, seed=3, errors=("too_many_children",))
    shown = client.post(f"{page}/upload", data={"csrf_token": token}, files={"file": ("sosialhjelp.dat", bad)})
    assert 'id="attachment-severity">ERROR' in shown.text and "Kontroll 13" in shown.text
    assert client.post(f"{page}/submit", data={"csrf_token": token}).status_code == 422
    good = generate("11F", 2025, "340100", 20, seed=3)
    client.post(f"{page}/upload", data={"csrf_token": token}, files={"file": ("sosialhjelp.dat", good)})
    report = client.get(f"{page}/attachment")
    assert report.status_code == 200 and "Ingen feil funnet" in report.text
    contact = {"ansvarlig_navn": "Ola Nordmann", "ansvarlig_epost": "ola@kongsvinger.kommune.no"}
    receipt = client.post(f"{page}/submit", data={"csrf_token": token, **contact})
    assert receipt.status_code == 200 and "K2025-11-3401-1-" in receipt.text
