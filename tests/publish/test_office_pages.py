"""The office's releases page (list and the button) and the deliveries overview, on the demo year."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kostra.settings import Settings
from kostra.web.app import create_app
from tests.factories import TEST_BASE_URL, csrf_of, login


@pytest.fixture()
def client(demo: Settings) -> Iterator[TestClient]:
    settings = Settings(home=demo.home, database_url=demo.effective_database_url, base_url=TEST_BASE_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_reporters_do_not_see_the_publication_pages(client: TestClient) -> None:
    assert client.get("/office/2025/releases.json").status_code == 401
    login(client, "demo-3401", "demo")
    for path in ("/office/2025/releases", "/office/2025/deliveries.json"):
        assert client.get(path).status_code == 403, path


def test_the_button_makes_a_release_and_a_refusal_shows_its_reason(client: TestClient) -> None:
    login(client, "statistiker", "demo")
    page = client.get("/office/2025/releases")
    assert page.status_code == 200 and 'id="no-release"' in page.text
    token = csrf_of(page.text)
    assert client.post("/office/2025/releases", data={"kind": "preliminary"}).status_code == 403  # no token
    pressed = client.post("/office/2025/releases", data={"kind": "preliminary", "csrf_token": token})
    assert pressed.status_code == 200 and 'id="release-1"' in pressed.text
    assert "Publisering 1 (preliminary) er laget: 4 tabeller." in pressed.text
    listed = client.get("/office/2025/releases.json").json()
    assert [r["kind"] for r in listed["releases"]] == ["preliminary"]
    assert {t["table_id"] for t in listed["releases"][0]["tables"]} >= {"skjema5_plasser", "skjema1_legetimer"}
    again = client.post("/office/2025/releases", data={"kind": "preliminary", "csrf_token": token})
    assert "Publiseringen ble avvist, ingenting er publisert" in again.text and 'role="alert"' in again.text
    assert len(client.get("/office/2025/releases.json").json()["releases"]) == 1


def test_the_deliveries_page_lists_each_field_with_its_recipients_and_use(client: TestClient) -> None:
    login(client, "statistiker", "demo")
    data = client.get("/office/2025/deliveries.json").json()
    fields = {(f["form_id"], f["field_id"]): f for f in data["fields"]}
    legevakt = fields[("1", "2.3")]
    assert legevakt["purpose"] == "other_agency" and legevakt["use"] == "delivered"
    assert "Helsedirektoratet" in legevakt["recipients"]
    assert fields[("5", "4.3")]["published_in"] == ["skjema5_plasser", "skjema5_plasser_varighet"]
    assert fields[("5", "2.1")]["use"] == "control_only"
    page = client.get("/office/2025/deliveries?lang=en")
    assert page.status_code == 200 and 'id="field-1-2.3"' in page.text
