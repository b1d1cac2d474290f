"""Regions, hierarchy and validity by year."""

from __future__ import annotations

from datetime import date

import pytest

from kostra.errors import UnknownRegion, UnknownYear, UsageError
from kostra.reference import members, region, regions, years


@pytest.mark.parametrize(("year", "expected"), [(2020, 356), (2023, 356), (2024, 357), (2026, 357)])
def test_municipality_counts(year: int, expected: int) -> None:
    assert len(regions(year, "kommune")) == expected


def test_counties_by_structure() -> None:
    assert [r.code for r in regions(2024, "fylke")] == [
        "03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"]
    old = {r.code: r.name for r in regions(2023, "fylke")}
    assert list(old) == ["03", "11", "15", "18", "30", "34", "38", "42", "46", "50", "54"]
    assert (old["30"], old["38"], old["54"]) == ("Viken", "Vestfold og Telemark", "Troms og Finnmark")


def test_county_is_first_two_digits() -> None:
    for year in (2023, 2024):
        for municipality in regions(year, "kommune"):
            assert municipality.code in members(year, f"EKA{municipality.code[:2]}")
            assert municipality.code in members(year, municipality.code[:2])


def test_names_include_sami_and_kven_forms() -> None:
    assert region(2024, "5516").name == "Gratangen - Rivtták"
    assert region(2024, "5538").name == "Storfjord - Omasvuotna - Omasvuono"
    assert region(2023, "1833").name == "Rana"
    assert region(2024, "1833").name == "Rana - Raane"


def test_validity_periods() -> None:
    viken = region(2023, "3001")
    assert (viken.valid_from, viken.valid_to) == (date(2020, 1, 1), date(2023, 12, 31))
    haram = region(2024, "1580")
    assert (haram.valid_from, haram.valid_to) == (date(2024, 1, 1), None)


def test_districts_and_eab() -> None:
    districts = [r.code for r in regions(2024, "bydel")]
    assert districts == [f"0301{n:02d}" for n in range(1, 18)]
    assert region(2024, "030116").name == "Sentrum"
    assert members(2024, "EAB") == [f"0301{n:02d}" for n in range(1, 16)]


def test_county_municipalities_and_eafk() -> None:
    codes = [r.code for r in regions(2024, "fylkeskommune")]
    assert "0300" in codes and "4200" in codes and len(codes) == 15
    assert "0300" in members(2024, "EAFK")
    assert "0300" not in members(2024, "EAFKUO")
    assert "0301" not in members(2024, "EAKUO") and "0301" in members(2024, "EAK")


def test_every_municipality_in_exactly_one_group() -> None:
    for year in years():
        grouped = [code for g in range(1, 18) for code in members(year, f"EKG{g:02d}")]
        assert sorted(grouped) == sorted(r.code for r in regions(year, "kommune"))


def test_unknown_year_names_valid_range() -> None:
    with pytest.raises(UnknownYear, match="2020–2026"):
        regions(2019)


def test_unknown_region_and_level() -> None:
    with pytest.raises(UnknownRegion, match="'3001' in 2024"):
        region(2024, "3001")
    with pytest.raises(UsageError, match="level"):
        regions(2024, "parish")
