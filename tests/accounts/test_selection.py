"""The accounts value controls read (``accounts: {function, art}``) comes from the engine; hand-computed sums.

    unit 3401  kontoklasse 1 (kasse drift)   253 010  100 | 253 600 -30 (revenue, negative as reported)
                                             261 590   20
               kontoklasse 3 (konsern drift) 253 010    7
               kontoklasse 0 (investering)   253 010   55
    unit 3405  kontoklasse 0                 253 010    9   (no drift rows: 0 for drift selections)
"""

from __future__ import annotations

import polars as pl
import pytest

from kostra.accounts.selection import unit_sums

ACCOUNTS = pl.DataFrame(
    [("3401", "1", "253", "010", 100.0), ("3401", "1", "253", "600", -30.0), ("3401", "1", "261", "590", 20.0),
     ("3401", "3", "253", "010", 7.0), ("3401", "0", "253", "010", 55.0), ("3405", "0", "253", "010", 9.0)],
    schema=["unit", "kontoklasse", "funksjon", "art", "belop"], orient="row")


@pytest.mark.parametrize(("function", "art", "kontoklasse", "scope", "expected"), [
    ("253", "AGD1", "drift", "kasse", {"3401": 100 - 30, "3405": 0}),   # netto: expenses minus revenues
    ("253", "AGD9", "drift", "kasse", {"3401": 100, "3405": 0}),        # brutto: 010 only (600 is a revenue)
    ("FGK11b", "AGD9", "drift", "kasse", {"3401": 120, "3405": 0}),     # 253 + 261 (590 avskrivninger counts)
    ("253", None, "drift", "kasse", {"3401": 70, "3405": 0}),           # every art: the plain sum as reported
    (None, "600-699", "drift", "kasse", {"3401": -30, "3405": 0}),      # a range: as reported
    ("253", None, "investering", "kasse", {"3401": 55, "3405": 9}),
    # konsern: only the consolidated records (kontoklasse 3/4), never added to the kasse's (they include it)
    ("253", "AGD1", "drift", "konsern", {"3401": 7}),
])
def test_unit_sums(function: str | None, art: str | None, kontoklasse: str, scope: str,
                   expected: dict[str, int]) -> None:
    got = unit_sums(ACCOUNTS, 2025, function=function, art=art, kontoklasse=kontoklasse, scope=scope)
    assert dict(zip(got["unit"], got["value"], strict=True)) == pytest.approx(expected)


def test_years_without_definitions_use_the_nearest_earlier_year() -> None:
    got = unit_sums(ACCOUNTS, 2026, function="253", art="AGD1")  # kasse by default
    assert got.filter(pl.col("unit") == "3401")["value"].item() == 70
