"""Issue 10, point 6: the API's submit takes an Idempotency-Key, so a retried request makes no second version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, add_units_and_users, form5_values

from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.store.models import Submission
from kostra.web.app import create_app

FORM5 = "/api/v1/submissions/2025/5/974600951"
KEY = "5f0c6d8e-0a3b-4d8e-9a51-2c1f3b7e9d40"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    with TestClient(create_app(Settings(home=tmp_path, database_url=database_url))) as test_client:
        yield test_client


def _auth(client: TestClient, username: str = "demo-3401") -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _versions(database_url: str) -> int:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Submission)) or 0
    engine.dispose()
    return count


def test_a_retried_submit_answers_with_the_first_receipt(client: TestClient, database_url: str) -> None:
    headers = _auth(client)
    assert client.put(FORM5, json={"values": form5_values()}, headers=headers).status_code == 200
    body = {"comments": {}, "confirm_warnings": True}
    first = client.post(f"{FORM5}/submit", json=body, headers={**headers, "Idempotency-Key": KEY})
    assert first.status_code == 200, first.text
    retried = client.post(f"{FORM5}/submit", json=body, headers={**headers, "Idempotency-Key": KEY})
    assert retried.status_code == 200 and retried.json() == first.json()
    assert _versions(database_url) == 1
    # Without the key, the same retry is refused: the draft was already submitted.
    again = client.post(f"{FORM5}/submit", json=body, headers=headers)
    assert again.status_code == 422 and "nothing has changed" in again.json()["error"]


def test_the_same_key_with_another_request_is_422(client: TestClient, database_url: str) -> None:
    headers = _auth(client)
    client.put(FORM5, json={"values": form5_values()}, headers=headers)
    assert client.post(f"{FORM5}/submit", json={}, headers={**headers, "Idempotency-Key": KEY}).status_code == 200
    client.put(FORM5, json={"values": form5_values(rom_i_alt="61", enerom="57")}, headers=headers)
    other = client.post(f"{FORM5}/submit", json={"confirm_warnings": True}, headers={**headers, "Idempotency-Key": KEY})
    assert other.status_code == 422
    assert other.json() == {"ok": False, "status": 422, "errors": [],
                            "error": f"Idempotency-Key {KEY!r} was already used for a different request; "
                                     "use a new key for a new request"}
    assert _versions(database_url) == 1
    assert client.post(f"{FORM5}/submit", json={"confirm_warnings": True},
                       headers={**headers, "Idempotency-Key": KEY + "-2"}).json()["version"] == 2


def test_keys_belong_to_their_user(client: TestClient, database_url: str) -> None:
    for username, form in (("demo-3401", FORM5), ("demo-3405", "/api/v1/submissions/2025/5/976990803")):
        headers = _auth(client, username)
        client.put(form, json={"values": form5_values(institusjonsnavn="Helsehus", orgnr=form[-9:])},
                   headers=headers)
        answer = client.post(f"{form}/submit", json={"confirm_warnings": True},
                             headers={**headers, "Idempotency-Key": KEY})
        assert answer.status_code == 200, answer.text
    assert _versions(database_url) == 2


@pytest.mark.parametrize("key", ["", "x" * 201, " padded", "tab\tinside"])
def test_an_unusable_key_is_422_naming_the_header(client: TestClient, key: str) -> None:
    headers = _auth(client)
    client.put(FORM5, json={"values": form5_values()}, headers=headers)
    answer = client.post(f"{FORM5}/submit", json={}, headers={**headers, "Idempotency-Key": key})
    assert answer.status_code == 422 and answer.json()["error"].startswith("Idempotency-Key: expected 1–200")


def test_a_retried_nil_return_makes_one_version(client: TestClient, database_url: str) -> None:
    headers = {**_auth(client), "Idempotency-Key": KEY}
    first = client.post(f"{FORM5}/nil", json={"reason": "Nedlagt 2024"}, headers=headers)
    again = client.post(f"{FORM5}/nil", json={"reason": "Nedlagt 2024"}, headers=headers)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert _versions(database_url) == 1
    # The same key for a submit is another request.
    client.put(FORM5, json={"values": form5_values()}, headers=headers)
    assert client.post(f"{FORM5}/submit", json={}, headers=headers).status_code == 422
