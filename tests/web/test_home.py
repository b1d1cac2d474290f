"""The start page and its JSON twin, in both languages, with Norwegian number formatting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import TEST_BASE_URL

from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.store.models import PopulationCount, Region
from kostra.web.app import create_app


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        session.add_all([
            Region(year=2024, code="0301", name="Oslo", level="kommune"),
            Region(year=2024, code="3401", name="Kongsvinger", level="kommune"),
            Region(year=2024, code="03", name="Oslo", level="fylke"),
            PopulationCount(year=2024, region_code="0301", age=40, sex="m", persons=717_000),
            PopulationCount(year=2024, region_code="3401", age=40, sex="f", persons=18_203),
            PopulationCount(year=2024, region_code="030101", age=40, sex="f", persons=5),
        ])
        session.commit()
    engine.dispose()
    settings = Settings(home=tmp_path, database_url=database_url, base_url=TEST_BASE_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_home_json_counts_what_the_database_holds(client: TestClient) -> None:
    body = client.get("/index.json").json()
    assert body["years"] == [
        {"year": 2024, "municipalities": 2, "counties": 1, "districts": 0, "population": 735_203}
    ]


def test_home_page_formats_numbers_the_norwegian_way(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "735\u00a0203" in page.text
    assert 'lang="nb"' in page.text and "Kommuner" in page.text


def test_home_page_in_english_sets_the_language_cookie(client: TestClient) -> None:
    page = client.get("/?lang=en")
    assert 'lang="en"' in page.text and "Municipalities" in page.text
    assert "Municipalities" in client.get("/").text, "the cookie keeps the chosen language"


def test_unknown_page_is_a_friendly_404_and_json_errors_have_one_shape(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Traceback" not in page.text
    error = client.get("/api/v1/nothing-here").json()
    assert error == {"ok": False, "error": "Not Found", "errors": [], "status": 404}
