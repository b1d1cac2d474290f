"""The demo's units: every municipality and reporting Oslo district, and seeded institutions."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from kostra.catalog.validation import orgnr_is_valid
from kostra.demo.units import REAL_SPECIAL_ORGNRS, build_units, orgnr_check_digit, population_year
from kostra.reference import population, regions


def test_all_municipalities_and_reporting_districts() -> None:
    units = build_units(2025, 2025)
    kinds = Counter(u.kind for u in units)
    assert kinds["municipality"] == len(regions(2025, "kommune")) == 357
    districts = sorted(u.code for u in units if u.kind == "oslo_district")
    assert districts == [f"0301{n:02d}" for n in range(1, 16)]
    assert {u.municipality_code for u in units if u.kind == "oslo_district"} == {"0301"}
    bergen = next(u for u in units if u.code == "4601")
    assert bergen.population == population(population_year(2025), "4601")
    assert bergen.elderly == population(population_year(2025), "4601", 80)


def test_institutions_have_valid_unique_orgnrs_and_a_municipality() -> None:
    units = build_units(2025, 2025)
    institutions = [u for u in units if u.kind == "institution"]
    numbers = [u.code for u in institutions]
    assert len(set(numbers)) == len(numbers)
    assert all(orgnr_is_valid(n) and u.orgnr == n for n, u in zip(numbers, institutions, strict=True))
    assert not set(numbers) & REAL_SPECIAL_ORGNRS
    municipalities = {u.code for u in units if u.kind == "municipality"}
    assert {u.municipality_code for u in institutions} <= municipalities
    # About one per 5 000 inhabitants, at least one in most municipalities, a few private.
    per_owner = Counter(u.municipality_code for u in institutions)
    assert len(per_owner) > 0.9 * len(municipalities)
    assert 800 < len(institutions) < 1600
    assert 0 < sum(u.private for u in institutions) < 0.2 * len(institutions)
    assert per_owner["0301"] > per_owner["3401"] > 0


def test_same_seed_same_units_other_seed_other_orgnrs() -> None:
    first, again, other = build_units(2025, 7), build_units(2025, 7), build_units(2025, 8)
    assert first == again
    assert {u.code for u in first if u.kind == "institution"} != {u.code for u in other if u.kind == "institution"}


def test_limit_keeps_first_municipalities_and_the_named_units() -> None:
    units = build_units(2025, 1, limit=3, always=("3401", "030102"))
    regional = sorted(u.code for u in units if u.kind != "institution")
    first_three = sorted(r.code for r in regions(2025, "kommune"))[:3]
    assert regional == sorted({*first_three, "3401", "030102"})
    assert all(u.municipality_code in {*first_three, "3401", "0301"} for u in units if u.kind == "institution")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_check_digit_agrees_with_the_validator(first_eight: str) -> None:
    check = orgnr_check_digit(first_eight)
    valid = [d for d in "0123456789" if orgnr_is_valid(first_eight + d)]
    assert valid == ([] if check is None else [str(check)])
