"""The source parsers and the checks the build script makes, on excerpts of the real files (tests/data)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.paths import POPULATION

from kostra.errors import IntakeError
from kostra.reference import population
from kostra.reference.build.sources import municipality_code, parse_age, parse_population, read_population_file


@given(st.integers(0, 104))
def test_age_labels_round_trip(age: int) -> None:
    assert parse_age(f"{age} year" if age == 1 else f"{age} years") == age


@given(st.text(max_size=30))
def test_age_parser_never_crashes(label: str) -> None:
    try:
        age = parse_age(label)
    except IntakeError:
        return
    assert 0 <= age <= 105


def test_open_top_band() -> None:
    assert parse_age("105 years or older") == 105
    with pytest.raises(IntakeError):
        parse_age("104 years or older")


def test_both_sex_layouts() -> None:
    long = '"title"\n\n"region";"sex";"age";"Persons 2020"\n"K-0301 Oslo";"Females";"3 years";7\n'
    wide = '"region";"age";"Persons 2024 Males";"Persons 2024 Females"\n"K-0301 Oslo";"3 years";5;7\n'
    assert [(r.sex, r.persons) for r in parse_population(long)] == [("f", 7)]
    assert [(r.sex, r.persons) for r in parse_population(wide)] == [("m", 5), ("f", 7)]
    with pytest.raises(IntakeError, match="line 2"):
        parse_population('"region";"age";"P"\n"K-0301 Oslo";"three";1\n')


@pytest.mark.parametrize("year", [2020, 2023, 2024])
def test_totals_agree_with_sex_split_and_the_shipped_population(year: int) -> None:
    # Excerpts of the real files (tests/data/population/PROVENANCE.md): a few municipalities and the
    # regions that are not municipalities, in each file's own layout (tab/semicolon, long/wide by sex).
    def by_code(name: str) -> Counter:
        counter: Counter = Counter()
        for row in read_population_file(POPULATION / name):
            counter[(municipality_code(row.region) or row.region, row.age)] += row.persons
        return counter

    totals = by_code(f"Personer{year}.csv")
    assert totals == by_code(f"norway_population_by_age_sex_{year}.csv")
    outside = {code for code, _ in totals if not code.isdigit()}
    assert len(outside) == 3  # Svalbard, continental shelf and "Rest" rows are present, and empty:
    assert sum(v for (code, _), v in totals.items() if code in outside) == 0
    municipalities = {code for code, _ in totals} - outside
    assert len(municipalities) == (5 if year == 2024 else 4)
    for code in municipalities:  # the shipped package data was built from the full files
        assert sum(v for (c, _), v in totals.items() if c == code) == population(year, code), code
    assert sum(v for (c, _), v in totals.items() if c == "0301") == {2020: 693_494, 2023: 709_037,
                                                                   2024: 717_710}[year]  # summed from the full files


def test_oslo_districts_plus_rest_make_oslo() -> None:
    rows = read_population_file(POPULATION / "Personerward2024.csv")
    total = sum(r.persons for r in rows if r.region.startswith("030100aa"))
    unknown = sum(r.persons for r in rows if r.region.startswith("030199a "))
    districts = sum(population(2024, f"0301{n:02d}") for n in range(1, 18))
    assert total == population(2024, "0301") == districts + unknown
    assert (districts, unknown) == (716_261, 1_449)  # docs/reference-data.md, from the full table 10826
