"""The vendors' JSON API: tokens, forms, drafts with control results, submit, nil, access and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, TEST_BASE_URL, add_units_and_users, form5_values

from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.store.models import Draft, Submission
from kostra.web.app import create_app

FORM5 = "/api/v1/submissions/2025/5/974600951"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    settings = Settings(home=tmp_path, database_url=database_url, base_url=TEST_BASE_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _auth(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _count(database_url: str, model: type) -> int:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        value = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return value


def test_wrong_password_and_missing_token_are_401(client: TestClient) -> None:
    assert client.post("/api/v1/token", data={"username": "demo-3401", "password": "x"}).status_code == 401
    answer = client.get("/api/v1/forms?year=2025")
    assert answer.status_code == 401 and answer.json()["ok"] is False


def test_forms_list_the_callers_forms_with_status_and_deadline(client: TestClient) -> None:
    forms = client.get("/api/v1/forms?year=2025", headers=_auth(client, "demo-3401")).json()
    form5 = next(f for f in forms if f["form"] == "5")
    assert form5 == {**form5, "unit": "974600951", "status": "not_started", "deadline": "2026-01-15"}
    assert {f["unit"] for f in forms} == {"3401", "974600951"}


def test_draft_submit_and_receipt(client: TestClient, database_url: str) -> None:
    headers = _auth(client, "demo-3401")
    saved = client.put(FORM5, json={"values": form5_values()}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "draft" and saved.json()["blocking"] is False
    receipt = client.post(f"{FORM5}/submit", headers=headers)
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["version"] == 1 and len(receipt.json()["content_hash"]) == 64
    assert client.get(FORM5, headers=headers).json()["status"] == "submitted"
    assert _count(database_url, Submission) == 1


def test_rule_failures_come_back_with_the_draft(client: TestClient) -> None:
    headers = _auth(client, "demo-3401")
    saved = client.put(FORM5, json={"values": form5_values(enerom="70")}, headers=headers).json()
    codes = {p["code"] for p in saved["problems"]}
    assert "rule:s5_enerom_le_rom" in codes and saved["blocking"] is True
    blocked = client.post(f"{FORM5}/submit", headers=headers)
    assert blocked.status_code == 422
    assert any(e["code"] == "rule:s5_enerom_le_rom" for e in blocked.json()["errors"])


def test_bad_values_are_422_with_a_list_and_nothing_is_saved(client: TestClient, database_url: str) -> None:
    headers = _auth(client, "demo-3401")
    answer = client.put(FORM5, json={"values": {"rom_i_alt": "mange", "plasser_demens": "-2",
                                                "enerom": "2,5", "nosuchfield": "1"}}, headers=headers)
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["status"] == 422
    found = {(e["field"], e["code"]) for e in body["errors"]}
    assert {("rom_i_alt", "not_a_number"), ("plasser_demens", "negative"), ("enerom", "not_integer")} <= found
    assert any(e["code"] == "unknown_field" for e in body["errors"])
    assert _count(database_url, Draft) == 0
    malformed = client.put(FORM5, json={"vals": {}}, headers=headers)
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"]


def test_another_unit_gets_403_and_learns_nothing(client: TestClient) -> None:
    headers = _auth(client, "demo-3405")
    existing = client.get(FORM5, headers=headers)
    missing = client.get("/api/v1/submissions/2025/5/999999999", headers=headers)
    assert existing.status_code == missing.status_code == 403
    assert existing.json() == missing.json()
    assert "Kongsvinger" not in existing.text
    assert client.put(FORM5, json={"values": {}}, headers=headers).status_code == 403
    assert client.post(f"{FORM5}/nil", headers=headers).status_code == 403


def test_nil_return_and_statistician_reads_any_unit(client: TestClient) -> None:
    receipt = client.post(f"{FORM5}/nil", json={"reason": "stengt"}, headers=_auth(client, "demo-3401"))
    assert receipt.status_code == 200 and receipt.json()["state"] == "nil"
    office = client.get(FORM5, headers=_auth(client, "statistiker")).json()
    assert office["status"] == "nil"


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/token", "/api/v1/forms", "/api/v1/submissions/{year}/{form}/{unit}",
                 "/api/v1/submissions/{year}/{form}/{unit}/submit", "/api/v1/check"):
        assert path in paths
