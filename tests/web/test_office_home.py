"""The office start page: statisticians and administrators only, sections by role, a JSON twin."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.factories import login


def test_statistician_lands_on_the_office_page(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    page = app_client.get("/office?year=2025")
    assert page.status_code == 200
    assert 'href="/office/2025/status"' in page.text and 'href="/office"' in page.text
    assert 'href="/admin"' not in page.text  # administration is for administrators


def test_administrator_sees_administration(app_client: TestClient) -> None:
    login(app_client, "admin")
    sections = app_client.get("/office.json").json()["sections"]
    assert {"href": "/admin", "key": "office.section.admin"} in sections


def test_reporter_is_refused(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    assert app_client.get("/office").status_code == 403


def test_every_office_section_has_texts_in_both_languages() -> None:
    from kostra.web.i18n import MESSAGES
    from kostra.web.routes_office import OFFICE_SECTIONS

    for _, key, _ in OFFICE_SECTIONS:
        for part in ("title", "text"):
            assert set(MESSAGES[f"{key}.{part}"]) == {"nb", "en"}
