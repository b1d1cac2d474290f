"""The county-municipality changes (county_changes.csv) against the county lists and municipal code changes."""

from __future__ import annotations

from kostra.reference import base_units, changes
from kostra.reference.counties import check_county_changes, county_changes, county_origins


def test_the_shipped_county_changes_agree_with_the_code_lists() -> None:
    assert check_county_changes() == []


def test_the_2024_county_reform_by_hand() -> None:
    # specs/kostra-domain.md §3.2: 30 → 31/32/33, 38 → 39/40, 54 → 55/56; the other eight carry over.
    splits = {(r["old_code"], r["new_code"]) for r in county_changes() if r["kind"] == "split"}
    assert splits == {("3000", "3100"), ("3000", "3200"), ("3000", "3300"), ("3800", "3900"), ("3800", "4000"),
                      ("5400", "5500"), ("5400", "5600")}
    origins = county_origins(2023, 2025)
    carried = {code for code, o in origins.items() if o.carried}
    assert carried == {"0300", "1100", "1500", "1800", "3400", "4200", "4600", "5000"}
    assert all(origins[c].sources == (c,) for c in carried)
    assert origins["3300"].sources == ("3000",) and "split" in origins["3300"].reason
    # Going back, Viken is the sum of its three parts.
    assert county_origins(2024, 2023)["3000"].sources == ("3100", "3200", "3300")
    assert county_origins(2024, 2023)["3000"].carried


def test_moere_og_romsdal_keeps_its_territory_through_the_aalesund_split() -> None:
    moved = {c.new_code for c in changes(2023, 2024) if c.old_code in base_units(2023, "1500")}
    assert {"1508", "1580"} <= moved <= set(base_units(2024, "1500"))


def test_a_wrong_row_is_found() -> None:
    rows = [r for r in county_changes() if r["new_code"] != "4000"]  # Telemark's municipalities forgotten
    problems = check_county_changes(rows)
    assert any(p.startswith("3800 (2023)") for p in problems)
    assert any("4000 (2024) is new" in p for p in problems)
    kept = [*county_changes(), {"from_year": "2023", "to_year": "2024", "old_code": "4600", "new_code": "4600",
                                "kind": "boundary"}]
    assert any("4600 (2023): marked 'boundary'" in p for p in check_county_changes(kept))
