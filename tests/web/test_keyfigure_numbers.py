"""The key-figure pages' numbers against a hand computation on a small seeded year (``keyfigure_world``).

Form 13 of 2025: Kongsvinger (3401) reported 305 wheelchair-accessible dwellings of 350 (300 + 40 + 10), which
the office edited to 35; Lillehammer (3405) reported 120 of 480 (400 + 60 + 20). The share of accessible
dwellings, by hand:

* 3401: 35 / 350 × 100 = 10.0
* 3405: 120 / 480 × 100 = 25.0
* EKA34 (Innlandet's municipalities; only these two have reported): (35 + 120) / (350 + 480) × 100
  = 155 / 830 × 100 = 18.67… → 18.7, covering 2 units, none estimated. (The mean of the two ratios,
  17.5, would be wrong: aggregates are ratios of sums.)
* EKG07, Kongsvinger's group (Lillehammer is in EKG09): 10.0, covering 1 unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import TEST_BASE_URL, add_units_and_users, login
from tests.web.keyfigure_world import FIGURE, seed_form13

from kostra.reference.population import population
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home: Path = tmp_path_factory.mktemp("keyfigures")
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
        seed_form13(session)
    engine.dispose()
    with TestClient(create_app(Settings(home=home, database_url=url, base_url=TEST_BASE_URL))) as test_client:
        yield test_client


def _json(client: TestClient, user: str, path: str) -> dict[str, Any]:
    login(client, user)
    answer = client.get(path)
    assert answer.status_code == 200, answer.text[:300]
    return dict(answer.json())


def _inputs(page: dict[str, Any], side: str, field: str) -> list[dict[str, Any]]:
    return [i for i in page["inputs"] if i["side"] == side and i["field"].endswith(field)]


def test_a_unit_s_lineage_is_the_hand_computation_with_the_edit(client: TestClient) -> None:
    page = _json(client, "demo-3401", f"/keyfigures/2025/{FIGURE}/3401.json")
    assert (page["value"], page["numerator"], page["denominator"], page["symbol"]) == (10.0, 35, 350, "")
    [accessible] = _inputs(page, "numerator", "rullestoltilgjengelige")
    assert accessible["value"] == 35 and accessible["status"] == "edited" and accessible["version"] == 1
    assert accessible["edit"]["reported"] == "305" and "tastefeil" in accessible["edit"]["reason"]
    assert accessible["edit"]["by"] == "statistiker"
    [managed] = _inputs(page, "denominator", "kommunalt_disponerte_boliger")
    assert (managed["value"], managed["status"], managed["version"]) == (350, "reported", 1)
    html = client.get(f"/keyfigures/2025/{FIGURE}/3401").text
    assert "10,0" in html and "rettet fra 305" in html


def test_an_aggregate_is_the_ratio_of_sums_and_lists_the_units_it_covers(client: TestClient) -> None:
    page = _json(client, "statistiker", f"/keyfigures/2025/{FIGURE}/EKA34.json")
    assert (page["value"], page["numerator"], page["denominator"]) == (18.7, 155, 830)
    assert (page["units_covered"], page["units_estimated"]) == (2, 0)
    covered = {u["code"]: u["href"] for u in page["covered"]}
    assert covered["3401"] == f"/keyfigures/2025/{FIGURE}/3401"
    assert covered["3405"] == f"/keyfigures/2025/{FIGURE}/3405"
    html = client.get(f"/keyfigures/2025/{FIGURE}/EKA34").text
    assert "18,7" in html and f'href="/keyfigures/2025/{FIGURE}/3405"' in html


def test_the_comparison_puts_the_municipality_beside_group_county_and_country(client: TestClient) -> None:
    page = _json(client, "statistiker", "/office/2025/keyfigures/3401.json?family=housing")
    assert page["years"] == [2021, 2022, 2023, 2024, 2025] and page["family"] == "housing"
    [figure] = [f for f in page["figures"] if f["figure"]["id"] == FIGURE]
    newest = {s["role"]: (s["region"], s["points"][-1]["value"]) for s in figure["series"]}
    assert newest == {"unit": ("3401", 10.0), "group": ("EKG07", 10.0), "county": ("EKA34", 18.7),
                      "country": ("EAK", 18.7), "country_without_oslo": ("EAKUO", 18.7)}
    assert "2025 10,0" in figure["chart_text"] and "2025 18,7" in figure["chart_text"]
    html = client.get("/office/2025/keyfigures/3401?family=housing").text
    assert "<desc>" in html and "10,0" in html and "<script>" not in html


def test_the_comparison_reads_population_figures_from_the_real_population(client: TestClient) -> None:
    """Share of inhabitants 80+ in Kongsvinger, 1 January 2022, from SSB table 07459 (tests/data: the
    packaged reference population): persons 80 and over / all persons × 100, by hand from the cube."""
    page = _json(client, "statistiker", "/office/2025/keyfigures/3401.json?family=demography")
    [figure] = [f for f in page["figures"] if f["figure"]["id"] == "andel_80_aar_og_over"]
    [unit] = [s for s in figure["series"] if s["role"] == "unit"]
    old, everyone = population(2022, "3401", age_from=80), population(2022, "3401")
    expected = float((Decimal(old * 100) / Decimal(everyone)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    assert {p["year"]: p["value"] for p in unit["points"]}[2022] == expected


def test_the_portal_shows_the_hit_behind_the_figure_and_not_another_field_s(client: TestClient) -> None:
    page = _json(client, "demo-3401", "/portal/2025/3401/keyfigures.json")
    rows = {f["figure"]["id"]: f for f in page["figures"]}
    row = rows[FIGURE]
    # EKG07 holds no other municipality that has reported: the group's 10.0 would be Kongsvinger's own, and
    # with one other unit it would give that unit's figure away. The reporter does not see it yet.
    assert (row["value"], row["group_value"], row["group_symbol"], page["group"]) == (10.0, None, "..", "EKG07")
    assert row["group_hidden"] == "too_few_units"
    assert [h["rule"] for h in row["hits"]] == ["HB-13-rullestoltilgjengelige"]
    assert row["hits"][0]["href"] == "/portal/2025/13/3401"
    assert all(h["rule"] != "HB-13-avslag" for h in row["hits"])
    html = client.get("/portal/2025/3401/keyfigures").text
    assert f'id="kf-{FIGURE}" class="kf-outlier"' in html
    office = _json(client, "statistiker", "/portal/2025/3401/keyfigures.json")
    assert {f["figure"]["id"]: f["group_value"] for f in office["figures"]}[FIGURE] == 10.0


def test_the_figure_list_and_bad_input_get_one_sentence(client: TestClient) -> None:
    listed = _json(client, "statistiker", "/office/2025/keyfigures.json")
    assert FIGURE in {f["id"] for f in listed["figures"]} and len(listed["figures"]) >= 40
    family = client.get("/office/2025/keyfigures/3401.json?family=sport")
    assert family.status_code == 422 and "housing" in family.json()["error"] and "'sport'" in family.json()["error"]
    region = client.get("/office/2025/keyfigures/9999.json")
    assert region.status_code == 422 and "9999" in region.json()["error"]
    aggregate = client.get("/office/2025/keyfigures/EKG07")
    assert aggregate.status_code == 400 and "EKG07 is not a municipality of 2025" in aggregate.text
    figure = client.get("/keyfigures/2025/no_such_figure/3401.json")
    assert figure.status_code == 404 and FIGURE in figure.json()["error"]


def test_oslo_is_compared_with_the_country_only(client: TestClient) -> None:
    page = _json(client, "statistiker", "/office/2025/keyfigures/0301.json?family=housing")
    roles = [s["role"] for s in page["figures"][0]["series"]]
    assert "country_without_oslo" not in roles and roles[-1] == "country"
