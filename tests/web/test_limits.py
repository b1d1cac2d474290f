"""Issue 10, point 5: request bodies are capped before they are buffered; comments and reasons are limited.

Bodies over the cap are refused with 413 whether the size is declared (Content-Length) or not
(chunked), on the real app and through a real HTTP server; nothing is stored.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, TEST_BASE_URL, add_units_and_users, form5_values, login

from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import Draft, Submission
from kostra.web.app import create_app

FORM5 = "/api/v1/submissions/2025/5/974600951"
CAP = 64 * 1024


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The app with a 64 KiB cap on bodies (128 KiB for uploads), on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    settings = Settings(home=tmp_path, database_url=url, max_request_bytes=CAP, max_upload_request_bytes=2 * CAP,
                        base_url=TEST_BASE_URL)
    with TestClient(create_app(settings)) as client:
        yield client, url


def _count(url: str, model: type) -> int:
    engine = create_engine_for(url)
    with Session(engine) as session:
        value = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return value


def _token(client: TestClient) -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": "demo-3401", "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _padded_json(size: int) -> bytes:
    """A JSON draft of exactly ``size`` bytes."""
    head = b'{"values": {"institusjonsnavn": "'
    return head + b"x" * (size - len(head) - 3) + b'"}}'


def test_declared_length_over_the_cap_is_413_in_the_api_shape(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    answer = client.put(FORM5, content=_padded_json(CAP + 1), headers={**_token(client),
                                                                        "content-type": "application/json"})
    assert answer.status_code == 413
    assert answer.json() == {"ok": False, "status": 413, "errors": [],
                             "error": "Forespørselen er for stor: høyst 64 KiB godtas."}
    assert _count(url, Draft) == 0


def test_chunked_body_over_the_cap_is_counted_and_refused(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    body = _padded_json(3 * CAP)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body arrives in pieces
        for start in range(0, len(body), 8192):
            yield body[start:start + 8192]

    answer = client.put(f"{FORM5}?lang=en", content=chunks(), headers={**_token(client),
                                                                        "content-type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "The request is too large: at most 64 KiB is accepted."
    assert _count(url, Draft) == 0


def test_a_body_under_the_cap_is_taken(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    answer = client.put(FORM5, json={"values": form5_values()}, headers=_token(client))
    assert answer.status_code == 200 and _count(url, Draft) == 1


def test_page_post_over_the_cap_gets_the_error_page(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    token = login(client, "demo-3401")
    answer = client.post("/portal/2025/5/974600951/save",
                         data={"csrf_token": token, "institusjonsnavn": "x" * (CAP + 10)})
    assert answer.status_code == 413 and "<html" in answer.text
    assert "Forespørselen er for stor: høyst 64 KiB godtas." in answer.text
    assert _count(url, Draft) == 0


def test_uploads_have_their_own_cap(capped: tuple[TestClient, str]) -> None:
    client, _ = capped
    token = login(client, "demo-3401")
    small = client.post("/api/v1/check", data={"form": "11F", "year": "2025", "region": "340100"},
                        files={"file": ("a.dat", b"x" * (CAP + 100))})  # over the body cap, under the upload cap
    assert small.status_code != 413
    large = client.post("/api/v1/check", data={"form": "11F", "year": "2025", "region": "340100"},
                        files={"file": ("a.dat", b"x" * (2 * CAP + 1))})
    assert large.status_code == 413 and "128 KiB" in large.json()["error"]
    assert token


def test_chunked_body_through_a_real_server_is_refused(tmp_path: Path) -> None:
    """uvicorn, a raw HTTP/1.1 connection and a chunked body of 3 MiB against the 1 MiB default cap."""
    from tests.web.live_server import live_server

    with live_server(tmp_path) as base:
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.putrequest("POST", "/api/v1/token")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        sent = 0
        try:
            for _ in range(48):  # 48 × 64 KiB
                piece = b"username=" + b"a" * (65536 - 9)
                connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent += len(piece)
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while the body was still coming: what a cap is for
        answer = connection.getresponse()
        assert answer.status == 413
        assert b"1 MiB" in answer.read()
        connection.close()


def test_api_comments_have_length_key_and_character_limits(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    headers = _token(client)
    too_long = client.put(FORM5, json={"values": {}, "comments": {"rom_i_alt:above_plausible": "x" * 2001}},
                          headers=headers)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "rom_i_alt:above_plausible"
    assert "høyst 2000 tegn" in too_long.json()["errors"][0]["message"]
    many = client.put(FORM5, json={"values": {}, "comments": {f"k{i}": "x" for i in range(201)}}, headers=headers)
    assert many.status_code == 422 and "201 tekster, høyst 200" in many.json()["errors"][0]["message"]
    long_key = client.put(f"{FORM5}?lang=en", json={"values": {}, "comments": {"k" * 201: "x"}}, headers=headers)
    assert long_key.status_code == 422 and "at most 200 characters" in long_key.json()["errors"][0]["message"]
    reversed_text = client.post(f"{FORM5}/submit?lang=en", json={"comments": {"a:b": "ok \u202eevil"}},
                                headers=headers)
    assert reversed_text.status_code == 422
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in reversed_text.json()["errors"][0]["message"]
    reason = client.post(f"{FORM5}/nil", json={"reason": "r" * 1001}, headers=headers)
    assert reason.status_code == 422 and "høyst 1000 tegn" in reason.json()["errors"][0]["message"]
    assert _count(url, Draft) == 0 and _count(url, Submission) == 0


def test_portal_comments_and_reasons_are_checked_too(capped: tuple[TestClient, str]) -> None:
    client, url = capped
    token = login(client, "demo-3401")
    answer = client.post("/portal/2025/5/974600951/save",
                         data={"csrf_token": token, "comment:rom_i_alt:above_plausible": "bad\u0007bell"})
    assert answer.status_code == 400 and "U+0007 BELL" not in answer.text  # control characters have no name
    assert "U+0007" in answer.text and "kommentarer" in answer.text
    nil = client.post("/portal/2025/5/974600951/nil", data={"csrf_token": token, "reason": "\u2066x"})
    assert nil.status_code == 400 and "U+2066 LEFT-TO-RIGHT ISOLATE" in nil.text
    assert _count(url, Draft) == 0 and _count(url, Submission) == 0
