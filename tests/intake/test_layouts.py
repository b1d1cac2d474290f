"""Layouts are package data selected by year; positions are recomputed from sizes and agree with SSB's YAML."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from tests.paths import LAYOUTS, TEST_DATA, package_layout

from kostra.errors import UnknownYear, UsageError
from kostra.intake.layouts import famvern_offices, layout_years, load_layout

CASES = [(form, year) for form in ("11F", "11CF") for year in range(2022, 2027)] + [
    (form, year) for form in ("52AF", "52BF", "53F", "55F") for year in range(2024, 2027)
]


def _shipped_copy(upstream: str) -> str:
    """The package path of an upstream file of kostra-kontrollprogram's ``kontroller/src/main/resources/``."""
    if upstream == "file_description_Regnskap.yaml":
        return "Regnskap.yaml"
    if upstream.startswith("mapping_familievern_region_fylke_kontor_"):
        return f"famvern/mapping_{upstream.rsplit('_', 1)[1]}"
    form, year = upstream.removeprefix("file_description_").removesuffix(".yaml").split("_")
    return f"{year}/{form}.yaml"


def test_shipped_layouts_are_unchanged_copies_of_ssb_files() -> None:
    # Checksums of the upstream files at c1f58486 (tests/data/kontrollprogram/PROVENANCE.md).
    listed = (TEST_DATA / "kontrollprogram" / "layouts.sha256").read_text(encoding="utf-8").splitlines()
    assert len(listed) == 26
    for line in listed:
        digest, upstream = line.split()
        shipped = LAYOUTS / _shipped_copy(upstream)
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == digest, upstream


@pytest.mark.parametrize(("form", "year"), CASES)
def test_recomputed_positions_match_yaml_from(form: str, year: int) -> None:
    layout = load_layout(form, year)
    raw = yaml.safe_load(package_layout(form, year).read_text(encoding="utf-8"))
    assert [f.position_from for f in layout.fields] == [item["from"] for item in raw["fields"]]
    assert layout.record_length == sum(item["size"] for item in raw["fields"])
    assert layout.reporting_year == year


def test_year_selects_layout_vintage() -> None:
    # 11F grew from 324 to 338 characters in 2025 (FODSELSDATO inserted): the year must matter
    assert load_layout("11F", 2024).record_length == 324
    assert load_layout("11F", 2025).record_length == 338
    assert load_layout("11CF", 2024).record_length != load_layout("11CF", 2026).record_length


def test_accounts_record_is_48_for_every_form() -> None:
    assert load_layout("0A", 2019).record_length == 48
    assert load_layout("0DK4", 2025).field("belop").position_to == 48


def test_unknown_year_names_valid_range() -> None:
    with pytest.raises(UnknownYear, match="2024–2026"):
        load_layout("52AF", 2023)
    assert layout_years("11F") == (2022, 2023, 2024, 2025, 2026)


def test_unknown_form_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="15F"):
        load_layout("15F", 2025)


def test_famvern_2026_mapping_falls_back_to_2025() -> None:
    offices = famvern_offices(2026)
    assert offices == famvern_offices(2025)
    assert len({o.kontor for o in offices}) == 42
    assert {o.region for o in offices} == {"667200", "667300", "667400", "667500", "667600"}
    with pytest.raises(UnknownYear):
        famvern_offices(2020)
