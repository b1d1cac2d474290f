"""The 2024 reform as code changes, and series conversion between structures."""

from __future__ import annotations

import pytest

from kostra.errors import UnknownRegion, UnknownYear, UsageError
from kostra.reference import SERIES_BREAK, changes, convert_series, population, regions


def test_reform_2024() -> None:
    rows = {(c.old_code, c.new_code): c for c in changes(2023, 2024)}
    assert rows[("3018", "3114")].kind == "code_change"  # Våler (Viken) → Våler (Østfold)
    assert rows[("5414", "5516")].kind == "code_change"  # Gratangen → Gratangen - Rivtták
    assert rows[("1833", "1833")].kind == "rename"
    assert rows[("3001", "3101")].kind == "code_change"  # Halden
    split = [c for c in rows.values() if c.kind == "split"]
    assert {c.new_code for c in split} == {"1508", "1580"}
    assert sum(c.share for c in split) == pytest.approx(1.0)
    haram_share = population(2024, "1580") / (population(2024, "1580") + population(2024, "1508"))
    assert rows[("1507", "1580")].share == pytest.approx(haram_share, abs=1e-6)
    prefixes = {c.old_code[:2] for c in rows.values() if c.kind == "code_change"}
    assert prefixes == {"30", "38", "54"}


def test_every_vanished_and_new_code_is_covered() -> None:
    old = {r.code for r in regions(2023, "kommune")}
    new = {r.code for r in regions(2024, "kommune")}
    rows = changes(2023, 2024, include_unchanged=True)
    assert {c.old_code for c in rows} == old
    assert {c.new_code for c in rows} == new


def test_backwards_split_becomes_merge() -> None:
    merged = [c for c in changes(2024, 2023) if c.kind == "merge"]
    assert {(c.old_code, c.new_code) for c in merged} == {("1508", "1507"), ("1580", "1507")}


def test_conversion_preserves_national_total() -> None:
    series = {r.code: population(2023, r.code) for r in regions(2023, "kommune")}
    converted = convert_series(series, 2023, 2024)
    assert len(converted) == 357
    assert sum(converted.values()) == pytest.approx(population(2023, "EAK"))
    assert converted["3101"] == series["3001"]


def test_conversion_backwards_merges() -> None:
    series = {r.code: population(2024, r.code) for r in regions(2024, "kommune")}
    converted = convert_series(series, 2024, 2023)
    assert converted["1507"] == series["1508"] + series["1580"]
    assert sum(converted.values()) == population(2024, "EAK")


def test_split_as_series_break() -> None:
    converted = convert_series({"1507": 100, "1101": 5}, 2023, 2024, split="break")
    assert converted == {"1508": SERIES_BREAK, "1580": SERIES_BREAK, "1101": 5}


def test_same_year_is_identity() -> None:
    assert convert_series({"0301": 3}, 2024, 2024) == {"0301": 3}
    assert changes(2024, 2025) == []


def test_bad_input() -> None:
    with pytest.raises(UnknownRegion):
        convert_series({"3101": 1}, 2023, 2024)
    with pytest.raises(UsageError, match="split"):
        convert_series({"0301": 1}, 2023, 2024, split="even")
    with pytest.raises(UnknownYear):
        changes(2019, 2024)
