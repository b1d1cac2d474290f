"""Issue 12, point 5: a figure whose population is not loaded is ``..`` with the reason; with the setting
``population_stand_in`` (on in ``kostra demo``) the pages use the newest loaded population instead and say so.

Seeded as in ``keyfigure_world``: Kongsvinger (3401) has 300 + 40 + 10 = 350 municipally managed dwellings.
``kommunalt_disponerte_boliger_per_1000`` = 350 / inhabitants on 1 January 2026 × 1 000; the package holds the
population up to 1 January 2024, so the stand-in is 350 / population(2024, 3401) × 1 000, one decimal.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import TEST_BASE_URL, add_units_and_users, login
from tests.web.keyfigure_world import seed_form13

from kostra.reference.population import population
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app

FIGURE = "kommunalt_disponerte_boliger_per_1000"
BANNER_NB = "befolkning 1. januar 2024 brukt som stand-in for 1. januar 2026"


def _client(home: Path, stand_in: bool) -> TestClient:
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
        seed_form13(session)
    engine.dispose()
    return TestClient(create_app(Settings(home=home, database_url=url, base_url=TEST_BASE_URL,
                                          population_stand_in=stand_in)))


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, TestClient]]:
    with _client(tmp_path_factory.mktemp("with"), True) as on, _client(tmp_path_factory.mktemp("without"),
                                                                       False) as off:
        yield {True: on, False: off}


def _expected() -> float:
    exact = Decimal(350) / Decimal(population(2024, "3401")) * 1000
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_without_the_setting_the_figure_is_missing_with_the_reason(clients: dict[bool, TestClient]) -> None:
    client = clients[False]
    login(client, "statistiker")
    page = client.get(f"/keyfigures/2025/{FIGURE}/3401.json").json()
    assert (page["value"], page["symbol"]) == (None, "..")
    assert "population 1 January 2026 is not loaded" in page["reason"] and page["population_stand_ins"] == []
    assert "stand-in" not in client.get(f"/keyfigures/2025/{FIGURE}/3401").text


def test_with_the_setting_the_lineage_uses_the_2024_population_and_says_so(clients: dict[bool, TestClient]) -> None:
    client = clients[True]
    login(client, "statistiker")
    page = client.get(f"/keyfigures/2025/{FIGURE}/3401.json").json()
    assert (page["value"], page["numerator"], page["denominator"]) == (_expected(), 350, population(2024, "3401"))
    assert page["population_stand_ins"] == [{"wanted": 2026, "used": 2024}]
    html = client.get(f"/keyfigures/2025/{FIGURE}/3401").text
    assert BANNER_NB in html and 'id="kf-stand-in"' in html
    english = client.get(f"/keyfigures/2025/{FIGURE}/3401?lang=en").text
    assert "population on 1 January 2024 used as a stand-in for 1 January 2026" in english
    client.get(f"/keyfigures/2025/{FIGURE}/3401?lang=nb")  # the language is kept in a cookie: back to bokmål


def test_a_figure_without_population_has_no_stand_in_label(clients: dict[bool, TestClient]) -> None:
    client = clients[True]
    login(client, "statistiker")
    page = client.get("/keyfigures/2025/andel_rullestoltilgjengelige_boliger/3401.json").json()
    assert page["value"] == 10.0 and page["population_stand_ins"] == []  # 35 / 350 × 100


def test_the_portal_and_the_comparison_say_which_population_stands_in(clients: dict[bool, TestClient]) -> None:
    client = clients[True]
    login(client, "demo-3401")
    portal = client.get("/portal/2025/3401/keyfigures.json").json()
    [own] = [f for f in portal["figures"] if f["figure"]["id"] == FIGURE]
    assert own["value"] == _expected() and {"wanted": 2026, "used": 2024} in portal["population_stand_ins"]
    assert BANNER_NB in client.get("/portal/2025/3401/keyfigures").text
    login(client, "statistiker")
    compared = client.get("/office/2025/keyfigures/3401.json", params={"family": "housing"}).json()
    [figure] = [f for f in compared["figures"] if f["figure"]["id"] == FIGURE]
    [unit] = [s for s in figure["series"] if s["role"] == "unit"]
    assert unit["points"][-1]["value"] == _expected()
    assert {"wanted": 2026, "used": 2024} in compared["population_stand_ins"]
    assert BANNER_NB in client.get("/office/2025/keyfigures/3401", params={"family": "housing"}).text
