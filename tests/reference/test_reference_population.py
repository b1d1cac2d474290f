"""Population 1 January: known totals and consistency of aggregates."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.errors import UnknownRegion, UnknownYear, UsageError
from kostra.reference import members, population, population_table, population_years, regions


def test_known_totals_2024() -> None:
    assert population(2024, "EAK") == 5_550_203
    assert population(2024, "0301") == 717_710
    assert population(2024, "1580") == 9_357


@pytest.mark.parametrize("year", [2020, 2022, 2024])
def test_eakuo_is_eak_without_oslo(year: int) -> None:
    assert population(year, "EAKUO") == population(year, "EAK") - population(year, "0301")


@pytest.mark.parametrize("year", [2020, 2023, 2024])
def test_sexes_add_up(year: int) -> None:
    for code in ("EAK", "0301", "EKG01", "1508" if year == 2024 else "1507"):
        assert population(year, code, sex="m") + population(year, code, sex="f") == population(year, code)


@pytest.mark.parametrize("year", [2020, 2023, 2024])
def test_counties_and_groups_sum_to_country(year: int) -> None:
    eak = population(year, "EAK")
    counties = {r.code for r in regions(year, "fylke")}
    assert sum(population(year, f"EKA{c}") for c in counties) == eak
    assert sum(population(year, f"EKG{g:02d}") for g in range(1, 18)) == eak
    assert population(year, "EAFK") == eak
    assert population(year, "EAFKUO") == population(year, "EAKUO")
    assert population(year, "0300") == population(year, "0301")


@pytest.mark.parametrize("year", [2021, 2024])
def test_eab_is_reporting_districts_only(year: int) -> None:
    reporting = sum(population(year, f"0301{n:02d}") for n in range(1, 16))
    assert population(year, "EAB") == reporting
    assert population(year, "030116") > 0 and population(year, "030117") > 0
    assert population(year, "EAB") < population(year, "0301") - population(year, "030116")


def test_districts_not_available_for_2020() -> None:
    with pytest.raises(UnknownYear, match="2021–2024"):
        population(2020, "030101")
    with pytest.raises(UsageError, match="sex"):
        population(2024, "EAB", sex="f")


def test_bad_arguments() -> None:
    with pytest.raises(UnknownYear, match="2020–2024"):
        population(2025, "0301")
    with pytest.raises(UnknownRegion):
        population(2024, "9999")
    with pytest.raises(UsageError, match="age-from"):
        population(2024, "0301", 10, 5)
    with pytest.raises(UsageError, match="0 to 105"):
        population(2024, "0301", 0, 106)


_YEAR_REGIONS = {year: [r.code for r in regions(year) if r.level in ("kommune", "kostragruppe", "aggregate")]
                 for year in population_years()}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_age_band_is_sum_of_single_ages(data: st.DataObject) -> None:
    year = data.draw(st.sampled_from(population_years()))
    code = data.draw(st.sampled_from(_YEAR_REGIONS[year]))
    low = data.draw(st.integers(0, 105))
    high = data.draw(st.integers(low, 105))
    sex = data.draw(st.sampled_from([None, "m", "f"]))
    if code == "EAB" and (year == 2020 or sex is not None):
        return
    singles = sum(population(year, code, age, age, sex) for age in range(low, high + 1))
    assert population(year, code, low, high, sex) == singles


def test_population_table_matches_scalar_api() -> None:
    table = population_table([2024], ["EAK", "EKA03", "030101", "EKG12"])
    totals = dict(table.group_by("region").agg(pl.col("persons").sum()).iter_rows())
    assert totals == {code: population(2024, code) for code in ("EAK", "EKA03", "030101", "EKG12")}
    assert set(table.columns) == {"year", "region", "age", "sex", "persons"}
    base = population_table([2023])
    assert base.filter(pl.col("region").is_in(members(2023, "EAK")))["persons"].sum() == population(2023, "EAK")
