"""Issue 12, points 6 and 7: the key-figure pages on the real app over a real, migrated database.

Who may see which figures (a reporter: their own unit only, never an aggregate's lineage, which lists
other units' unpublished values), the links into the pages, and the charts' text alternatives. The route
classes of every role are in ``test_route_access.py``.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.factories import login

from kostra.web.formatting import format_number
from kostra.web.line_charts import Line, line_chart, text_alternative

FIGURE = "andel_rullestoltilgjengelige_boliger"  # tests/web/keyfigure_world.py


@pytest.mark.parametrize("region", ["EKG07", "EAK", "34", "3405"])
def test_a_reporter_sees_no_other_unit_s_or_aggregate_s_lineage(app_client: TestClient, region: str) -> None:
    login(app_client, "demo-3401")
    for path in (f"/keyfigures/2025/{FIGURE}/{region}", f"/keyfigures/2025/{FIGURE}/{region}.json"):
        answer = app_client.get(path)
        assert answer.status_code == 403, (path, answer.text[:200])
        assert "Lillehammer" not in answer.text


def test_a_reporter_reaches_their_own_unit_s_figures(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    assert app_client.get(f"/keyfigures/2025/{FIGURE}/3401").status_code == 200
    assert app_client.get("/portal/2025/3401/keyfigures").status_code == 200
    assert app_client.get("/portal/2025/3405/keyfigures").status_code == 403


@pytest.mark.parametrize("region", ["EKG07", "EAK", "3405"])
def test_the_office_sees_every_region_s_lineage(app_client: TestClient, region: str) -> None:
    login(app_client, "statistiker")
    assert app_client.get(f"/keyfigures/2025/{FIGURE}/{region}").status_code == 200


def test_anonymous_is_sent_to_login_and_the_json_twin_answers_401(app_client: TestClient) -> None:
    client = TestClient(app_client.app, follow_redirects=False)
    page = client.get(f"/keyfigures/2025/{FIGURE}/3401")
    assert page.status_code == 303 and "/login?next=" in page.headers["location"]
    twin = client.get(f"/keyfigures/2025/{FIGURE}/3401.json")
    assert twin.status_code == 401 and twin.json()["ok"] is False


def test_a_reporter_does_not_reach_the_office_comparisons(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    assert app_client.get("/office/2025/keyfigures").status_code == 403
    assert app_client.get("/office/2025/keyfigures/3401.json").status_code == 403


def test_the_forms_list_and_the_office_start_page_link_to_the_key_figures(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    forms = app_client.get("/portal/2025/3401")
    assert 'href="/portal/2025/3401/keyfigures"' in forms.text
    login(app_client, "statistiker")
    office = app_client.get("/office?year=2025")
    assert 'href="/office/2025/keyfigures"' in office.text


def test_the_municipality_form_leads_to_the_comparison(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    answer = app_client.get("/office/2025/keyfigures", params={"region": "3401"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("/office/2025/keyfigures/3401")


# --- the chart and its text alternative (values typed here, expected text written by hand) ---------------


LINES = [Line("3401 Kongsvinger", {2022: 12.5, 2023: None, 2024: 1234.5}), Line("EKG07", {2022: 10.0, 2023: 11.0,
                                                                                           2024: 12.0})]


def test_the_text_alternative_says_every_value_the_norwegian_way() -> None:
    text = text_alternative(LINES, [2022, 2023, 2024], value_format=lambda v: format_number(v, 1))
    assert text == ("3401 Kongsvinger: 2022 12,5, 2023 .., 2024 1\u00a0234,5. "
                    "EKG07: 2022 10,0, 2023 11,0, 2024 12,0.")


def test_the_chart_carries_its_title_and_description_and_breaks_at_a_missing_year() -> None:
    svg = str(line_chart(LINES, [2022, 2023, 2024], title="Andel 80 år+"))
    assert 'role="img"' in svg and 'aria-label="Andel 80 år+"' in svg
    assert "<title>Andel 80 år+</title>" in svg
    description = re.search(r"<desc>(.*?)</desc>", svg)
    assert description and "2023 .." in description[1] and "EKG07: 2022 10" in description[1]
    kongsvinger = svg.count('stroke="#00824d" stroke-width="2" stroke-dasharray="" points=')
    assert kongsvinger == 2  # 2022 alone and 2024 alone: no line drawn through the missing 2023
    assert "<script" not in svg
