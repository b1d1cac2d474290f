"""Issue 12, point 5 on the office comparison page: a county municipality's figures over five years in
today's county structure, beside all county municipalities (EAFK) and those without Oslo (EAFKUO).

Stored 0C kasse files (F420 art 010, 1000 NOK → netto driftsutgifter FG2/AGD1): 4600 Vestland 900 (2023),
1 000 (2024), 1 100 (2025); 3000 Viken 2 000 (2023). Inhabitants: with the stand-in on, every year reads the
newest population held, 1 January 2024 (``kostra.reference.population``). By hand:
* 4600 in year y: amount × 1000 / inhabitants of 46, rounded half up to whole kroner; 2021–2022 ``..``;
* EAFK 2023: (900 + 2000) × 1000 / (inhabitants of 46 + 31 + 32 + 33), over the 11 counties of 2023;
* 3100 Østfold 2023: ``|`` (3000 Viken was split in 2024), and 2024–2025 ``..`` (no accounts).
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
from tests.keyfigures.inputs import attach, f0a

from kostra.reference.population import population
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import Unit
from kostra.web.app import create_app

FIGURE = "netto_driftsutgifter_per_innbygger_fylkeskommune"
VESTLAND = {2023: 900, 2024: 1000, 2025: 1100}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home: Path = tmp_path_factory.mktemp("county")
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
        for code, name in (("4600", "Vestland"), ("3000", "Viken")):
            if session.get(Unit, code) is None:
                session.add(Unit(code=code, kind="county", name=f"{name} fylkeskommune"))
        session.flush()
        files = [("4600", year, amount) for year, amount in VESTLAND.items()] + [("3000", 2023, 2000)]
        for code, year, amount in files:
            attach(session, "0C", code, [f0a(code, "420", "010", amount, year).replace("0A", "0C", 1)], year=year)
        session.commit()
    engine.dispose()
    settings = Settings(home=home, database_url=url, base_url=TEST_BASE_URL, population_stand_in=True)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _kroner(amount: int, *counties: str) -> float:
    inhabitants = sum(population(2024, c) for c in counties)
    return float((Decimal(amount * 1000) / Decimal(inhabitants)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _series(client: TestClient, region: str) -> dict[str, dict[int, tuple[Any, str]]]:
    login(client, "statistiker")
    answer = client.get(f"/office/2025/keyfigures/{region}.json")
    assert answer.status_code == 200, answer.text[:300]
    page = answer.json()
    assert page["units"] == "county_municipality" and page["years"] == [2021, 2022, 2023, 2024, 2025]
    [figure] = [f for f in page["figures"] if f["figure"]["id"] == FIGURE]
    return {s["role"]: {p["year"]: (p["value"], p["symbol"]) for p in s["points"]} for s in figure["series"]}


def test_a_county_municipality_is_compared_with_eafk_over_five_years(client: TestClient) -> None:
    series = _series(client, "4600")
    assert set(series) == {"unit", "all_counties", "all_counties_without_oslo"}
    assert series["unit"] == {2021: (None, ".."), 2022: (None, ".."),
                              **{y: (_kroner(a, "4600"), "") for y, a in VESTLAND.items()}}
    assert series["all_counties"][2023] == (_kroner(2900, "4600", "3100", "3200", "3300"), "")
    assert series["all_counties_without_oslo"][2025] == (_kroner(1100, "4600"), "")
    html = client.get("/office/2025/keyfigures/4600").text
    assert "Fylkeskommunen" in html and "EAFK" in html


def test_a_county_made_by_the_split_shows_the_break(client: TestClient) -> None:
    series = _series(client, "3100")
    assert series["unit"][2023] == (None, "|") and series["unit"][2024] == (None, "..")
    assert series["all_counties"][2023] == (_kroner(2900, "4600", "3100", "3200", "3300"), "")
    assert '<abbr class="kf-symbol" title="' in (html := client.get("/office/2025/keyfigures/3100").text)
    assert ">|</abbr>" in html


def test_oslo_county_is_compared_with_all_county_municipalities_only(client: TestClient) -> None:
    assert set(_series(client, "0300")) == {"unit", "all_counties"}


def test_the_figure_list_links_a_county_figure_to_eafk(client: TestClient) -> None:
    login(client, "statistiker")
    html = client.get("/office/2025/keyfigures").text
    assert f'href="/keyfigures/2025/{FIGURE}/EAFK"' in html
    assert client.get(f"/keyfigures/2025/{FIGURE}/EAFK").status_code == 200
