"""The source parsers and the checks the build script makes, on the real shared files."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.shared import SHARED_DATA

from kostra.errors import IntakeError
from kostra.reference import population
from kostra.reference.build.sources import municipality_code, parse_age, parse_population, read_population_file

needs_shared = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data folder not present")


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


@needs_shared
@pytest.mark.parametrize("year", [2020, 2023, 2024])
def test_totals_agree_with_sex_split(year: int) -> None:
    folder = SHARED_DATA / "population"

    def by_code(name: str) -> Counter:
        counter: Counter = Counter()
        for row in read_population_file(folder / name):
            counter[(municipality_code(row.region) or row.region, row.age)] += row.persons
        return counter

    totals = by_code(f"Personer{year}.csv")
    assert totals == by_code(f"norway_population_by_age_sex_{year}.csv")
    outside = sum(v for (code, _), v in totals.items() if not code.isdigit())
    assert outside == 0  # Svalbard, continental shelf and "Rest" rows are empty
    assert sum(totals.values()) == population(year, "EAK")


@needs_shared
def test_oslo_districts_plus_rest_make_oslo() -> None:
    rows = read_population_file(SHARED_DATA / "population" / "Personerward2024.csv")
    total = sum(r.persons for r in rows if r.region.startswith("030100aa"))
    unknown = sum(r.persons for r in rows if r.region.startswith("030199a "))
    districts = sum(population(2024, f"0301{n:02d}") for n in range(1, 18))
    assert total == population(2024, "0301") == districts + unknown
