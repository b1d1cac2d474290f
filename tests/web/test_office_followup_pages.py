"""The office's follow-up pages: status board, outbox, unit follow-up with edits and approval, trail, quality."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.factories import csrf_of, form5_values, login

from kostra.access import Principal, Role
from kostra.reporting import submissions
from kostra.store.models import AuditEvent, Contact, Edit, OutboxMessage

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
UNIT_PAGE = "/office/2025/units/974600951"


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                               values=form5_values(), confirm=["*"])
        submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           confirm_warnings=True)
        session.commit()
    return app_client


def _stored(client: TestClient, model: type) -> list[object]:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(model)))


def test_reporter_gets_403_and_cannot_edit(client: TestClient) -> None:
    token = login(client, "demo-3401")
    for path in ("/office/2025/status", "/office/2025/outbox", UNIT_PAGE, "/office/2025/quality",
                 f"{UNIT_PAGE}/5/trail/plasser_i_alt", "/office/2025/status.json"):
        assert client.get(path).status_code == 403, path
    answer = client.post(f"{UNIT_PAGE}/5/edit", data={"csrf_token": token, "field": "plasser_i_alt", "value": "1",
                                                      "reason": "REVIEW"})
    assert answer.status_code == 403 and _stored(client, Edit) == []


def test_status_board_with_filters_chart_and_json(client: TestClient) -> None:
    login(client, "statistiker")
    page = client.get("/office/2025/status", params={"form": "5"})
    assert page.status_code == 200
    assert 'href="/office/2025/units/974600951"' in page.text and "<svg" in page.text
    assert "fu-bar-submitted" in page.text and "fu-bar-not_started" in page.text
    data = client.get("/office/2025/status.json", params={"form": "5", "missing": "1"}).json()
    assert [r["unit_code"] for r in data["rows"]] == ["976990803"]
    assert {c["form_id"]: c["counts"]["submitted"] for c in data["counts"]} == {"5": 1}
    before = client.get("/office/2025/status.json", params={"form": "5", "as_of": "2025-12-31"}).json()
    assert {r["status"] for r in before["rows"]} == {"not_started"}
    bad = client.get("/office/2025/status", params={"as_of": "19. april", "lang": "en"})
    assert bad.status_code == 200 and "is not a date" in bad.text and "Traceback" not in bad.text
    english = client.get("/office/2025/status", params={"status": "done", "lang": "en"})
    assert english.status_code == 422 and "The selection cannot be used" in english.text


def test_edit_without_reason_is_refused_in_the_page_and_nothing_stored(client: TestClient) -> None:
    login(client, "statistiker")
    page = client.get(UNIT_PAGE)
    assert page.status_code == 200 and 'id="form-5"' in page.text
    assert "/office/2025/controls/units/974600951" in page.text
    token = csrf_of(page.text)
    refused = client.post(f"{UNIT_PAGE}/5/edit", data={"csrf_token": token, "field": "plasser_i_alt",
                                                       "value": "65", "reason": ""})
    assert refused.status_code == 422 and "En endring må ha en årsakskode" in refused.text
    assert _stored(client, Edit) == []
    english = client.post(f"{UNIT_PAGE}/5/edit?lang=en", data={"csrf_token": token, "field": "plasser_i_alt",
                                                                "value": "6,5", "reason": "REVIEW"})
    assert english.status_code == 422 and "is not a whole number" in english.text
    no_csrf = client.post(f"{UNIT_PAGE}/5/edit", data={"field": "plasser_i_alt", "value": "65", "reason": "REVIEW"})
    assert no_csrf.status_code == 403 and _stored(client, Edit) == []


def test_edit_approve_and_trail(client: TestClient) -> None:
    token = login(client, "statistiker")
    done = client.post(f"{UNIT_PAGE}/5/edit", data={"csrf_token": token, "field": "plasser_i_alt", "value": "65",
                                                    "reason": "OWNER", "comment": "Kari ringte"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("#form-5")
    page = client.get(UNIT_PAGE)
    assert "Opplyst av enheten" in page.text and "Kari ringte" in page.text
    values = client.get(f"{UNIT_PAGE}.json").json()["forms"][0]["values"]
    edited = next(v for v in values if v["key"] == "plasser_i_alt")
    assert (edited["reported"], edited["current"], edited["reason"]) == (64, 65, "OWNER")
    approved = client.post(f"{UNIT_PAGE}/5/approve", data={"csrf_token": token}, follow_redirects=False)
    assert approved.status_code == 303
    status = client.get("/office/2025/status.json", params={"form": "5", "status": "approved"}).json()
    assert [r["unit_code"] for r in status["rows"]] == ["974600951"]
    trail = client.get(f"{UNIT_PAGE}/5/trail/plasser_i_alt")
    assert trail.status_code == 200 and "Kari ringte" in trail.text
    assert re.search(r'id="current">65', trail.text) and re.search(r'id="reported">64', trail.text)
    events = client.get(f"{UNIT_PAGE}/5/trail/plasser_i_alt.json").json()["events"]
    assert [e["kind"] for e in events] == ["submitted", "edit", "approved"]
    withdrawn = client.post(f"{UNIT_PAGE}/5/withdraw", data={"csrf_token": token, "comment": ""})
    assert withdrawn.status_code == 422 and "Skriv hvorfor godkjenningen trekkes tilbake" in withdrawn.text
    actions = {e.action for e in _stored(client, AuditEvent)}  # type: ignore[attr-defined]
    assert {"edit.value", "approval.approve"} <= actions


def test_contact_log_in_the_unit_page(client: TestClient) -> None:
    token = login(client, "statistiker")
    added = client.post("/office/2025/units/3401/contacts", data={
        "csrf_token": token, "channel": "phone", "person": "Ola", "summary": "Lovet skjema 5 innen fredag",
        "form_id": "5", "follow_up_on": "2026-01-20"}, follow_redirects=False)
    assert added.status_code == 303
    page = client.get("/office/2025/units/3401")
    assert "Lovet skjema 5 innen fredag" in page.text and "20.01.2026" in page.text
    assert 'href="/office/2025/units/974600951"' in page.text  # its institution
    refused = client.post("/office/2025/units/3401/contacts", data={"csrf_token": token, "channel": "fax",
                                                                    "summary": "x"})
    assert refused.status_code == 422 and "Ukjent kontaktform" in refused.text
    assert len(_stored(client, Contact)) == 1
    assert client.get("/office/2025/units/9999").status_code == 404


def test_outbox_writes_reminders_once(client: TestClient) -> None:
    token = login(client, "statistiker")
    page = client.get("/office/2025/outbox")
    assert page.status_code == 200 and "KOSTRA_SMTP_HOST" in page.text
    first = client.post("/office/2025/outbox/reminders", data={"csrf_token": token})
    assert first.status_code == 200 and 'id="result"' in first.text
    count = len(_stored(client, OutboxMessage))
    assert count > 0  # after every 2025 deadline: an overdue reminder per missing unit and form
    client.post("/office/2025/outbox/reminders", data={"csrf_token": token})
    assert len(_stored(client, OutboxMessage)) == count
    data = client.get("/office/2025/outbox.json").json()
    assert data["unsent"] == count and not data["smtp_configured"]
    assert all(m["kind"] == "reminder.overdue" for m in data["messages"])
    assert not any(m["unit_code"] == "974600951" and m["form_id"] == "5" for m in data["messages"])


def test_quality_page(client: TestClient) -> None:
    login(client, "statistiker")
    page = client.get("/office/2025/quality", params={"lang": "en"})
    assert page.status_code == 200 and "Response rate" in page.text
    rows = {r["form_id"]: r for r in client.get("/office/2025/quality.json").json()["forms"]}
    assert rows["5"]["response_pct"] == 50.0 and rows["5"]["hit_pct"] is None


def test_table_cell_trail_link(app_client: TestClient) -> None:
    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                               values=form5_values(plasser_andre_kommuner_ja="ja", plasser_andre_kommuner="2",
                                                   kjopende_kommuner=[{"kommunenr": "3405", "plasser": "2"}]),
                               confirm=["*"])
        submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           confirm_warnings=True)
        session.commit()
    login(app_client, "statistiker")
    page = app_client.get(UNIT_PAGE).text
    link = re.search(r'href="(/office/2025/units/974600951/5/trail/kjopende_kommuner[^"]*plasser)"', page)
    assert link, "each table cell links to its trail"
    trail = app_client.get(link[1])
    assert trail.status_code == 200 and "kjopende_kommuner[0].plasser" in trail.text


def test_status_board_rows_come_a_page_at_a_time_with_the_filters_kept(client: TestClient,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kostra.followup import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # the factory data has a handful of rows
    login(client, "statistiker")
    first = client.get("/office/2025/status.json?county=34").json()
    assert first["page"] == 1 and len(first["rows"]) == 2 and first["pages"] == -(-first["total_rows"] // 2) > 1
    html = client.get("/office/2025/status?county=34").text
    assert 'rel="next" href="?county=34&amp;page=2"' in html and 'rel="prev"' not in html
    last = client.get(f"/office/2025/status.json?county=34&page={first['pages']}").json()
    def keys(page: dict[str, list[dict[str, str]]]) -> set[tuple[str, str]]:
        return {(r["form_id"], r["unit_code"]) for r in page["rows"]}

    assert not keys(first) & keys(last) and last["page"] == first["pages"]
    beyond = client.get("/office/2025/status.json?county=34&page=999").json()
    assert beyond["page"] == first["pages"]  # a page past the end shows the last one


def test_issue_9_a_stale_edit_is_shown_and_withdrawn_from_the_unit_page(client: TestClient) -> None:
    token = login(client, "statistiker")
    answer = client.post(f"{UNIT_PAGE}/5/edit", data={"csrf_token": token, "field": "plasser_i_alt", "value": "68",
                                                      "reason": "REVIEW", "comment": "phoned"})
    assert answer.status_code == 200
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                               values=form5_values(plasser_i_alt="66", plasser_langtid="52"), confirm=["*"],
                               replace=True)
        submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           confirm_warnings=True)
        session.commit()
    data = client.get(f"{UNIT_PAGE}.json").json()
    [form5] = [f for f in data["forms"] if f["form_id"] == "5"]
    [stale] = form5["stale"]
    assert (stale["key"], stale["value"], stale["reported_then"], stale["reported_now"]) == \
        ("plasser_i_alt", 68, 64, 66)
    assert stale["version"] == 1 and stale["row_exists"] and form5["version"] == 2
    assert {v["key"]: v["current"] for v in form5["values"]}["plasser_i_alt"] == 66  # the new value stands
    page = client.get(UNIT_PAGE).text
    assert 'id="stale-5"' in page and "Endringer som ikke lenger gjelder" in page
    token = csrf_of(page)
    refused = client.post(f"{UNIT_PAGE}/5/edits/{stale['edit_id']}/withdraw", data={"csrf_token": token})
    assert refused.status_code == 422 and "Skriv hvorfor" in refused.text
    done = client.post(f"{UNIT_PAGE}/5/edits/{stale['edit_id']}/withdraw",
                       data={"csrf_token": token, "comment": "66 is right"})
    assert done.status_code == 200 and 'id="stale-5"' not in done.text
    events = [e.action for e in _stored(client, AuditEvent)]  # type: ignore[attr-defined]
    assert "edit.withdraw" in events
    other = client.post(f"/office/2025/units/3401/5/edits/{stale['edit_id']}/reapply", data={"csrf_token": token})
    assert other.status_code == 404
