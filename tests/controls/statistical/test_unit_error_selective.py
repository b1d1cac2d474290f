"""The extended unit-error check and the selective-editing score, on hand-computed data."""

from __future__ import annotations

import math

import polars as pl
import pytest

from kostra.controls.statistical import UNIT_ERROR_COLUMNS, selective_score, unit_error
from kostra.errors import UsageError


def unit_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["k1000", "div100", "x10", "fine", "near", "missing", "huge"],
            "x1": [5_000_000.0, 3.0, 1200.0, 104.0, 2.0, None, 9e6],
            "x2": [5000.0, 300.0, 118.0, 100.0, 1.0, 7.0, 1.0],
        }
    )


def test_unit_error_names_the_factor_and_proposes_a_fix() -> None:
    frame = unit_error(unit_frame(), "id", "x1", "x2").frame
    assert tuple(frame.columns) == UNIT_ERROR_COLUMNS
    rows = {r["id"]: r for r in frame.iter_rows(named=True)}
    assert (rows["k1000"]["factorK"], rows["k1000"]["proposedX1"], rows["k1000"]["thousandError"]) == (
        3,
        5000,
        1,
    )
    assert (rows["div100"]["factorK"], rows["div100"]["proposedX1"], rows["div100"]["thousandError"]) == (
        -2,
        300,
        0,
    )
    assert (rows["x10"]["factorK"], rows["x10"]["proposedX1"]) == (1, 120.0)
    assert (rows["fine"]["factorK"], rows["fine"]["outlier"]) == (None, 0)
    # log10(2) ≈ 0.301: within 0.5 of k = 0 only, which is not a unit error
    assert (rows["near"]["factorK"], rows["near"]["outlier"]) == (None, 0)
    # ratio 9e6 → log10 6.95: far from every k ≤ 3, still a thousand error
    assert (rows["huge"]["factorK"], rows["huge"]["thousandError"], rows["huge"]["outlier"]) == (None, 1, 1)
    assert frame["id"][-1] == "missing" and rows["missing"]["outlier"] is None
    assert rows["x10"]["diffLog10"] == math.log10(1200) - math.log10(118)


def test_unit_error_delta_narrows_the_window() -> None:
    # log10(1200/118) ≈ 1.007 is within 0.01 of 1; log10(700/100) ≈ 0.845 is not within 0.1
    data = pl.DataFrame({"id": ["a", "b"], "x1": [1200.0, 700.0], "x2": [118.0, 100.0]})
    assert unit_error(data, "id", "x1", "x2", delta=0.01).frame["factorK"].to_list() == [1, None]
    frame = unit_error(data, "id", "x1", "x2", delta=0.1).frame
    assert frame["factorK"].to_list() == [1, None]
    assert unit_error(data, "id", "x1", "x2", delta=0.5).frame["factorK"].to_list() == [1, 1]
    with pytest.raises(UsageError, match="parameter delta"):
        unit_error(data, "id", "x1", "x2", delta=0.6)


def selective_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "county": ["03", "03", "11", "11", "11"],
            "y": [110.0, 220.0, 300.0, 50.0, None],
            "y_prev": [100.0, 200.0, 100.0, 40.0, 60.0],
            "z": [10.0, 30.0, 10.0, 10.0, 10.0],
            "z_prev": [10.0, 10.0, 10.0, 10.0, 10.0],
        }
    )


def test_selective_score_national_total_euclidean() -> None:
    result = selective_score(selective_frame(), "id", {"y": ("y", "y_prev"), "z": ("z", "z_prev")})
    # y growth: median(1.1, 1.1, 3.0, 1.25) = 1.175; T̂_y = 500. z growth: median(1, 3, 1, 1, 1) = 1; T̂_z = 50
    s_y = {
        "a": abs(110 - 117.5) / 500,
        "b": abs(220 - 235) / 500,
        "c": abs(300 - 117.5) / 500,
        "d": abs(50 - 47) / 500,
    }
    s_z = {"a": 0.0, "b": 20 / 50, "c": 0.0, "d": 0.0, "e": 0.0}
    expected = {k: math.hypot(s_y[k], s_z[k]) for k in s_y} | {"e": 0.0}
    frame = result
    assert frame["id"].to_list() == ["b", "c", "a", "d", "e"]
    assert frame["rank"].to_list() == [1, 2, 3, 4, 5]
    assert frame["score"].to_list() == pytest.approx([expected[k] for k in frame["id"]], rel=1e-12)
    assert frame["topItem"].to_list()[:2] == ["z", "y"]
    assert frame["topShare"][0] == pytest.approx(0.4**2 / (0.4**2 + 0.03**2), rel=1e-12)
    assert frame["score_y"].to_list()[-1] is None  # e has no current y


def test_selective_score_per_county_total_and_max_norm() -> None:
    result = selective_score(
        selective_frame(), "id", {"y": ("y", "y_prev")}, aggregate="county", alpha=math.inf
    )
    # T̂_y: county 03 = 300, county 11 = 200
    scores = dict(zip(result["id"], result["score"], strict=True))
    assert scores["c"] == pytest.approx(182.5 / 200, rel=1e-12)
    assert scores["a"] == pytest.approx(7.5 / 300, rel=1e-12)
    assert scores["e"] is None and result["rank"][-1] == 5


def test_selective_score_stratum_growth_and_checks() -> None:
    result = selective_score(selective_frame(), "id", {"y": ("y", "y_prev")}, strata="county", alpha=1)
    # stratum 03 growth median(1.1, 1.1) = 1.1 → a and b exactly as anticipated
    scores = dict(zip(result["id"], result["score"], strict=True))
    assert scores["a"] == pytest.approx(0.0, abs=1e-15) and scores["b"] == pytest.approx(0.0, abs=1e-15)
    assert scores["c"] == pytest.approx(abs(300 - 100 * 2.125) / 500, rel=1e-12)
    with pytest.raises(UsageError, match="alpha"):
        selective_score(selective_frame(), "id", {"y": ("y", "y_prev")}, alpha=0.5)
    with pytest.raises(UsageError, match="at least one item"):
        selective_score(selective_frame(), "id", {})
