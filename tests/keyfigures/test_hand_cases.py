"""Key figures recomputed by hand for named municipalities, from the real population of the package's
reference data (SSB 07459/10826, read with ``kostra.reference.population``) and inputs stored here.

Stored inputs (2025):
  form 5   Kongsvinger sykehjem (974600951, in 3401): enerom 27, rom_i_alt 30;
           a second Kongsvinger institution (911111111): enerom 10, rom_i_alt 10  → andel enerom
           (27 + 10) / (30 + 10) = 92.5 %;  Lillehammer helsehus (976990803, 3405): enerom 0, rom 0 → '.'
  form 7   3401: vedtak_kjop_rustiltak 12                 → 12 / inhabitants 18–66 × 10 000
  form 13  3401: kommunalt_disponerte_boliger 400         → 400 / inhabitants × 1 000
  11F      district 030101: persons A, B; district 030102: persons B, C → districts 2 and 2, Oslo 3
  0A       3401: F120 art 010 500, art 600 −200 (1000 NOK) → netto 300, brutto 500
The 2025 population (1 January 2026) is not loaded: with the stand-in the 1 January 2024 population is used.
"""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from kostra.cli import cli
from kostra.keyfigures import Symbol, compute, explain, series
from kostra.reference import base_units, population
from kostra.store.models import Unit
from tests.keyfigures.inputs import STAND_IN, YEAR, attach, f0a, half_up, store_inputs, submit


@pytest.fixture
def stored(session: Session) -> Session:
    return store_inputs(session)


def _row(result, figure: str, region: str) -> dict[str, object]:
    return result.value(figure, region)


def test_demography_share_80_plus_for_kongsvinger_and_its_county(session: Session) -> None:
    result = compute(session, 2024, figures=["andel_80_aar_og_over"], regions=["3401", "3405", "EKA34", "EAK"])
    own = _row(result, "andel_80_aar_og_over", "3401")
    assert own["value"] == half_up(population(2024, "3401", 80, 105), population(2024, "3401"), 100, 1)
    county = _row(result, "andel_80_aar_og_over", "EKA34")
    assert county["denominator"] == population(2024, "EKA34")
    members = population(2024, "EKA34", 80, 105), population(2024, "EKA34")
    assert county["value"] == half_up(*members, 100, 1)
    country = _row(result, "andel_80_aar_og_over", "EAK")
    assert country["denominator"] == 5_550_203 and country["units_covered"] == 357


def test_aggregates_are_ratios_of_sums_never_means_of_ratios(session: Session) -> None:
    result = compute(session, 2024, figures=["andel_0_5_aar"], regions=["EKG11"])
    [row] = result.frame.to_dicts()
    from kostra.reference.grouping import kostra_grouping

    members = kostra_grouping(session, 2024).members("EKG11")
    num = sum(population(2024, m, 0, 5) for m in members)
    den = sum(population(2024, m) for m in members)
    assert (row["numerator"], row["denominator"], row["units_covered"]) == (num, den, len(members))
    assert row["value"] == half_up(num, den, 100, 1)


def test_share_of_single_rooms_sums_the_institutions_of_the_municipality(stored: Session) -> None:
    result = compute(stored, YEAR, figures=["andel_enerom"], regions=["3401", "3405", "EKA34"])
    assert _row(result, "andel_enerom", "3401")["value"] == 92.5            # 37 / 40
    zero = _row(result, "andel_enerom", "3405")
    assert (zero["value"], zero["symbol"], zero["reason"]) == (None, Symbol.NOT_APPLICABLE, "the denominator is 0")
    county = _row(result, "andel_enerom", "EKA34")
    assert (county["numerator"], county["denominator"], county["value"]) == (37, 40, 92.5)
    # A municipality without any institution has 0 rooms (covered, with '.' of its own); none is missing.
    assert county["units_covered"] == county["units_total"] == len(base_units(YEAR, "EKA34"))


def test_a_missing_institution_makes_the_municipality_missing_with_the_reason(stored: Session) -> None:
    stored.add(Unit(code="922222222", kind="institution", name="Nytt sykehjem", municipality_code="3401"))
    stored.commit()
    row = _row(compute(stored, YEAR, figures=["andel_enerom"], regions=["3401"]), "andel_enerom", "3401")
    assert row["symbol"] == Symbol.MISSING and "922222222" in str(row["reason"])


def test_substance_abuse_decisions_per_10000_aged_18_66(stored: Session) -> None:
    figure = "vedtak_kjop_rustiltak_per_10000_18_66"
    without = _row(compute(stored, YEAR, figures=[figure], regions=["3401"]), figure, "3401")
    assert without["symbol"] == Symbol.MISSING and "population 1 January 2026 is not loaded" in str(without["reason"])
    row = _row(compute(stored, YEAR, figures=[figure], regions=["3401"], population_stand_in=True), figure, "3401")
    assert row["value"] == half_up(12, population(STAND_IN, "3401", 18, 66), 10_000, 1)
    assert "stand-in: population 1 January 2024" in str(row["note"])


def test_municipal_dwellings_per_1000_inhabitants(stored: Session) -> None:
    figure = "kommunalt_disponerte_boliger_per_1000"
    row = _row(compute(stored, YEAR, figures=[figure], regions=["3401", "3405"], population_stand_in=True),
               figure, "3401")
    assert row["value"] == half_up(400, population(STAND_IN, "3401"), 1000, 1)


def test_oslo_counts_a_person_helped_by_two_districts_once(stored: Session) -> None:
    result = compute(stored, YEAR, figures=["sosialhjelpsmottakere", "stonadslengde_maaneder",
                                            "utbetalt_per_mottaker"], regions=["030101", "030102", "0301", "EAB"])
    counts = {r: _row(result, "sosialhjelpsmottakere", r)["value"] for r in ("030101", "030102", "0301")}
    assert counts == {"030101": 2, "030102": 2, "0301": 3}
    # Person B got help in month 3 from both districts and in month 4 from one: 2 months, not 3.
    assert _row(result, "stonadslengde_maaneder", "0301")["numerator"] == 2 + 2 + 1
    assert _row(result, "utbetalt_per_mottaker", "0301")["value"] == half_up(2500, 3, 1, 0)
    assert _row(result, "sosialhjelpsmottakere", "EAB")["value"] == 4  # the districts keep their own counts


def test_accounts_per_inhabitant_from_the_engine(stored: Session) -> None:
    result = compute(stored, YEAR, figures=["netto_administrasjon_per_innbygger",
                                            "brutto_driftsutgifter_per_innbygger"], regions=["3401", "3405"],
                     population_stand_in=True)
    inhabitants = population(STAND_IN, "3401")
    assert _row(result, "netto_administrasjon_per_innbygger", "3401")["value"] == half_up(
        300 * 1000, inhabitants, 1, 0)
    assert _row(result, "brutto_driftsutgifter_per_innbygger", "3401")["value"] == half_up(
        500 * 1000, inhabitants, 1, 0)
    missing = _row(result, "netto_administrasjon_per_innbygger", "3405")
    assert missing["symbol"] == Symbol.MISSING and "not submitted its accounts" in str(missing["reason"])


def test_across_the_reform_a_merger_sums_inputs_and_a_split_is_a_break(session: Session) -> None:
    # In the 2023 structure 1507 Ålesund is 1508 Ålesund + 1580 Haram of 2024: the inputs are summed first.
    [merged] = series(session, "andel_80_aar_og_over", ["1507"], years=[2024], structure_year=2023).to_dicts()
    num = population(2024, "1508", 80, 105) + population(2024, "1580", 80, 105)
    den = population(2024, "1508") + population(2024, "1580")
    assert (merged["numerator"], merged["denominator"], merged["value"]) == (num, den, half_up(num, den, 100, 1))
    # In today's structure Haram's years before 2024 are a break, not an apportioned guess.
    rows = series(session, "andel_80_aar_og_over", ["1580", "3101"], years=[2023, 2024]).to_dicts()
    haram_2023 = next(r for r in rows if r["region"] == "1580" and r["year"] == 2023)
    assert haram_2023["symbol"] == "|" and "series break" in str(haram_2023["reason"])
    halden_2023 = next(r for r in rows if r["region"] == "3101" and r["year"] == 2023)  # 3001 in 2023
    assert halden_2023["value"] == half_up(population(2023, "3001", 80, 105), population(2023, "3001"), 100, 1)


def test_across_the_reform_an_aggregate_sums_that_year_s_own_units(session: Session) -> None:
    # EAK and EKA15 in 2023 hold 1507 Ålesund whole (its 2024 parts 1508 + 1580 are both inside them): the
    # sums over the 356 municipalities of 2023, 1 January 2023 (SSB 07459 in the reference data).
    rows = {r["region"]: r for r in series(session, "andel_80_aar_og_over", ["EAK", "EKA15", "EKG01", "EKG11"],
                                           years=[2023], structure_year=2025).to_dicts()}
    for code, units in (("EAK", 356), ("EKA15", 26)):
        num, den = population(2023, code, 80, 105), population(2023, code)
        assert (rows[code]["numerator"], rows[code]["denominator"]) == (num, den)
        assert rows[code]["value"] == half_up(num, den, 100, 1)
        assert rows[code]["units_covered"] == rows[code]["units_total"] == units
    # 1508 Ålesund and 1580 Haram are in different KOSTRA groups of 2025: 1507 cannot be put in either.
    from kostra.reference.grouping import kostra_grouping
    grouping = kostra_grouping(session, 2025)
    assert {grouping.group_of("1508"), grouping.group_of("1580")} == {"EKG11", "EKG01"}
    for group in ("EKG01", "EKG11"):
        assert rows[group]["symbol"] == "|" and "1507 (2023)" in str(rows[group]["reason"])


def test_explain_lists_every_input_with_status_and_version(stored: Session) -> None:
    submit(stored, "5", "976990803", {"enerom": 0, "rom_i_alt": 0}, year=2024)  # another year: not read
    why = explain(stored, YEAR, "andel_enerom", "EKA34")
    assert why.row["value"] == 92.5 and why.row["units_covered"] == len(base_units(YEAR, "EKA34"))
    kongsvinger = next(p for p in why.units if p.unit == "3401")
    assert sorted((i["unit"], i["field_name"], i["value_text"], i["status"], i["version"])
                  for i in kongsvinger.inputs) == [
        ("911111111", "enerom", "10", "reported", 1), ("911111111", "rom_i_alt", "10", "reported", 1),
        ("974600951", "enerom", "27", "reported", 1), ("974600951", "rom_i_alt", "30", "reported", 1)]
    others = [p for p in why.units if p.unit not in ("3401", "3405")]
    assert others and all(p.covered and p.numerator == p.denominator == 0 and not p.inputs for p in others)


# --- the command line -----------------------------------------------------------------------------------

def _runner(database_url: str, tmp_path) -> CliRunner:
    return CliRunner(env={"KOSTRA_DATABASE_URL": database_url, "KOSTRA_HOME": str(tmp_path)})


def test_cli_compute_csv_parquet_and_explain(stored: Session, database_url: str, tmp_path) -> None:
    runner = _runner(database_url, tmp_path)
    done = runner.invoke(cli, ["keyfigures", "compute", "--year", "2025", "--figure", "andel_enerom",
                               "--region", "3401", "--region", "3405", "--format", "csv"])
    assert done.exit_code == 0, done.stderr
    assert "andel_enerom,3401,2025,92.5,,37.0,40.0,1,0,1,," in done.stdout.splitlines()
    assert "andel_enerom,3405,2025,,.,0.0,0.0,1,0,1,the denominator is 0," in done.stdout.splitlines()
    target = tmp_path / "all.parquet"
    whole = runner.invoke(cli, ["keyfigures", "compute", "--year", "2025", "--format", "parquet",
                                "--output", str(target)])
    assert whole.exit_code == 0, whole.stderr
    frame = pl.read_parquet(target)
    assert frame.filter((pl.col("figure") == "andel_enerom") & (pl.col("region") == "3401"))["value"].item() == 92.5
    assert "key figures ×" in whole.stderr and "regions" in whole.stderr
    why = runner.invoke(cli, ["keyfigures", "explain", "--year", "2025", "--figure", "andel_enerom",
                              "--region", "3401"])
    assert why.exit_code == 0, why.stderr
    assert "andel_enerom 3401 2025: 92.5" in why.stdout and "974600951" in why.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["compute", "--year", "2025", "--region", "9999"], "unknown region '9999' in 2025"),
    (["compute", "--year", "2025", "--figure", "nope"], "unknown key figure 'nope' for 2025; known: "),
    (["compute", "--year", "2019"], "unknown year 2019: the years with key-figure definitions are 2023–2025"),
    (["compute", "--year", "2025", "--format", "parquet"], "--format parquet writes a file"),
    (["list", "--year", "2030"], "unknown year 2030"),
    (["explain", "--year", "2025", "--figure", "andel_enerom", "--region", "EKX99"], "unknown region 'EKX99'"),
    (["series", "--figure", "andel_enerom", "--region", "3401", "--from", "2025", "--to", "2020"], "--from 2025"),
])
def test_cli_refuses_bad_input_in_one_line_with_exit_2(session: Session, database_url: str, tmp_path,
                                                       args: list[str], message: str) -> None:
    result = _runner(database_url, tmp_path).invoke(cli, ["keyfigures", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_county_municipality_figures_and_eafk(stored: Session) -> None:
    stored.add(Unit(code="3400", kind="county", name="Innlandet fylkeskommune"))
    stored.flush()
    line = f0a("3400", "420", "010", 800).replace("0A", "0C", 1)  # 420 administrasjon (county)
    attach(stored, "0C", "3400", [line])
    stored.commit()
    figure = "netto_driftsutgifter_per_innbygger_fylkeskommune"
    result = compute(stored, YEAR, figures=[figure], population_stand_in=True)
    expected = half_up(800 * 1000, population(STAND_IN, "3400"), 1, 0)
    assert _row(result, figure, "3400")["value"] == expected
    eafk = _row(result, figure, "EAFK")
    assert (eafk["value"], eafk["units_covered"], eafk["units_total"]) == (expected, 1, 15)
    regions = set(result.frame["region"])
    assert {"EAFK", "EAFKUO"} <= regions and not regions & {"EAK", "EAKUO", "EAB", "3401", "EKA34"}
