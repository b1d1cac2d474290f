"""Series of a county-municipality figure across the 2024 county reform, recomputed by hand.

Stored inputs (0C kasse, F420 art 010, 1000 NOK → netto driftsutgifter FG2/AGD1):
  2023: 4600 Vestland 900, 3400 Innlandet 800, 3000 Viken 2 000
  2024: 4600 1 000, 3100 Østfold 300, 3200 Akershus 500, 3300 Buskerud 400
  2025: 4600 1 100
Inhabitants: 31 December of the year (1 January of the next); 1 January 2025 and 2026 are not loaded, so
with the stand-in every year reads 1 January 2024 (the newest held), from ``kostra.reference.population``.
Expected: 4600 = its own amount × 1000 / its inhabitants in each year; 3100 in 2023 = '|' (3000 Viken was
split in 2024); EAFK 2023 = (900 + 800 + 2000) × 1000 / (inhabitants of 46 + 34 + 31 + 32 + 33), of the 11
counties of 2023; in the 2023 structure, 3000 in 2024 = (300 + 500 + 400) × 1000 / inhabitants of 31+32+33.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from kostra.cli import cli
from kostra.errors import UnknownRegion
from kostra.keyfigures import series
from kostra.reference import population
from kostra.store.models import Unit
from tests.keyfigures.inputs import attach, f0a, half_up

FIGURE = "netto_driftsutgifter_per_innbygger_fylkeskommune"
AMOUNTS = {2023: {"4600": 900, "3400": 800, "3000": 2000},
           2024: {"4600": 1000, "3100": 300, "3200": 500, "3300": 400},
           2025: {"4600": 1100}}
NAMES = {"4600": "Vestland", "3400": "Innlandet", "3000": "Viken", "3100": "Østfold", "3200": "Akershus",
         "3300": "Buskerud"}


@pytest.fixture
def counties(session: Session) -> Session:
    session.add_all([Unit(code=code, kind="county", name=f"{name} fylkeskommune") for code, name in NAMES.items()])
    session.flush()
    for year, amounts in AMOUNTS.items():
        for code, amount in amounts.items():
            attach(session, "0C", code, [f0a(code, "420", "010", amount, year).replace("0A", "0C", 1)], year=year)
    session.commit()
    return session


def _rows(frame) -> dict[tuple[str, int], dict[str, object]]:
    return {(r["region"], r["year"]): r for r in frame.to_dicts()}


def _inhabitants(*codes: str) -> int:
    return sum(population(2024, code) for code in codes)  # 1 January 2024, the stand-in of every year here


def test_a_county_with_the_same_territory_keeps_its_values(counties: Session) -> None:
    rows = _rows(series(counties, FIGURE, ["4600"], years=[2023, 2024, 2025], population_stand_in=True))
    for year in (2023, 2024, 2025):
        row = rows[("4600", year)]
        assert (row["numerator"], row["denominator"]) == (AMOUNTS[year]["4600"], _inhabitants("4600"))
        assert row["value"] == half_up(AMOUNTS[year]["4600"] * 1000, _inhabitants("4600"), 1, 0)
        assert row["symbol"] == ""


def test_a_county_made_by_a_split_is_a_break_before_2024(counties: Session) -> None:
    rows = _rows(series(counties, FIGURE, ["3100", "5600", "3400"], years=[2023, 2024],
                        population_stand_in=True))
    ostfold = rows[("3100", 2023)]
    assert (ostfold["value"], ostfold["symbol"]) == (None, "|")
    assert "series break" in str(ostfold["reason"]) and "3000" in str(ostfold["reason"])
    assert rows[("5600", 2023)]["symbol"] == "|" and "5400" in str(rows[("5600", 2023)]["reason"])
    assert rows[("3100", 2024)]["value"] == half_up(300 * 1000, _inhabitants("3100"), 1, 0)
    assert rows[("3400", 2023)]["value"] == half_up(800 * 1000, _inhabitants("3400"), 1, 0)
    assert rows[("3400", 2024)]["symbol"] == ".."  # no 2024 accounts for 3400: missing, not a break


def test_eafk_is_the_ratio_of_sums_over_each_years_own_counties(counties: Session) -> None:
    rows = _rows(series(counties, FIGURE, ["EAFK", "EAFKUO"], years=[2023, 2024], population_stand_in=True))
    eafk = rows[("EAFK", 2023)]
    num, den = 900 + 800 + 2000, _inhabitants("4600", "3400", "3100", "3200", "3300")
    assert (eafk["numerator"], eafk["denominator"]) == (num, den)
    assert eafk["value"] == half_up(num * 1000, den, 1, 0)
    assert (eafk["units_covered"], eafk["units_total"], eafk["symbol"]) == (3, 11, "")
    later = rows[("EAFK", 2024)]
    assert (later["numerator"], later["units_covered"], later["units_total"]) == (1000 + 300 + 500 + 400, 4, 15)
    assert rows[("EAFKUO", 2023)]["units_total"] == 10  # without 0300 Oslo


def test_going_back_the_parts_of_a_split_county_are_summed(counties: Session) -> None:
    [viken] = series(counties, FIGURE, ["3000"], years=[2024], structure_year=2023,
                     population_stand_in=True).to_dicts()
    den = _inhabitants("3100", "3200", "3300")
    assert (viken["numerator"], viken["denominator"]) == (1200, den)
    assert viken["value"] == half_up(1200 * 1000, den, 1, 0)


def test_a_municipality_is_not_a_unit_of_a_county_figure(session: Session) -> None:
    with pytest.raises(UnknownRegion, match="county municipality"):
        series(session, FIGURE, ["3401"], years=[2025])
    with pytest.raises(UnknownRegion):
        series(session, "andel_80_aar_og_over", ["EAFK"], years=[2025])


def test_cli_series_of_a_county_figure(counties: Session, database_url: str, tmp_path) -> None:
    runner = CliRunner(env={"KOSTRA_DATABASE_URL": database_url, "KOSTRA_HOME": str(tmp_path)})
    done = runner.invoke(cli, ["keyfigures", "series", "--figure", FIGURE, "--region", "3100", "--region", "4600",
                               "--from", "2023", "--to", "2024", "--population-stand-in", "--format", "csv"])
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith(f"{FIGURE},3100,2023,,|,") for line in lines)
    expected = half_up(900 * 1000, _inhabitants("4600"), 1, 0)
    assert any(line.startswith(f"{FIGURE},4600,2023,{expected},") for line in lines)
