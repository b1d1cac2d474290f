"""ThError and Quartile edge cases, expected values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from kostra.controls.statistical import QUARTILE_COLUMNS, THERROR_COLUMNS, quartile, therror
from kostra.errors import UsageError


def test_therror_limits_are_strict_and_nonpositive_values_unused() -> None:
    data = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "x1": [100.0, 1000.0, -5.0, 3.0, None],
            "x2": [1.0, 1.0, 5.0, 3.0, 2.0],
        }
    )
    result = therror(data, "id", "x1", "x2", ll=-2, ul=2)
    assert tuple(result.frame.columns) == THERROR_COLUMNS
    assert result.frame.select("id", "outlier", "diffLog10").rows() == [
        ("a", 0, 2.0),
        ("b", 1, 3.0),
        ("d", 0, 0.0),
        ("c", None, None),
        ("e", None, None),
    ]
    assert set(result.frame["lowerLimit"].to_list()) == {-2.0}
    assert set(result.frame["upperLimit"].to_list()) == {2.0}


@pytest.mark.parametrize(("ll", "ul"), [(-3.5, 2.5), (0.5, 2.5), (-2.5, 3.01), (-2.5, -0.1)])
def test_therror_parameter_ranges(ll: float, ul: float) -> None:
    data = pl.DataFrame({"id": ["a"], "x1": [1.0], "x2": [1.0]})
    with pytest.raises(UsageError, match=r"parameter (ll|ul) must be in"):
        therror(data, "id", "x1", "x2", ll=ll, ul=ul)


def quartile_data() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f", "g"],
            "x": [1.0, 4.0, 3.0, None, 8.0, 50.0, 0.0],
            "y": [1.0, 2.0, 1.0, 1.0, 2.0, 5.0, 1.0],
            "x2": [2.0, None, 3.0, 1.0, 8.0, 50.0, 1.0],
            "y2": [1.0, 2.0, 0.0, 1.0, 4.0, 10.0, 1.0],
            "s": ["q", "p", "q", "p", "p", "q", "p"],
        }
    )


def test_quartile_half_spread_fences_on_usable_units_only() -> None:
    # usable ratios a..f without d, g: 1, 2, 3, 4, 10 → Q1 2, M 3, Q3 4
    result = quartile(quartile_data(), "id", "x", "y")
    frame = result.frame
    assert tuple(frame.columns) == QUARTILE_COLUMNS
    assert frame["id"].to_list() == ["a", "b", "c", "e", "f"]
    assert frame["lowerLimit"].unique().to_list() == [2 - 1.5 * 1]
    assert frame["upperLimit"].unique().to_list() == [4 + 1.5 * 1]
    assert frame["outlier"].to_list() == [0, 0, 0, 0, 1]
    assert frame["ranking"].to_list() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert frame["ratioAll"].unique().to_list() == [66 / 11]
    assert (
        frame.select("x2", "y2", "ratio2", "ratioAll2", "ratioStr", "ratioStr2").null_count().row(0)
        == (5,) * 6
    )
    assert frame["strata"].unique().to_list() == ["1"]


def test_quartile_ties_get_average_rank_and_limits_can_be_negative() -> None:
    data = pl.DataFrame({"id": list("abcde"), "x": [1.0, 1.0, 1.0, 2.0, 9.0], "y": [1.0] * 5})
    frame = quartile(data, "id", "x", "y", pKL=3).frame
    assert frame["ranking"].to_list() == [2.0, 2.0, 2.0, 4.0, 5.0]
    assert frame["lowerLimit"][0] == 1.0 - 3 * 0.0
    assert frame["upperLimit"][0] == 2.0 + 1.5 * 1.0
    assert frame["outlier"].to_list() == [0, 0, 0, 0, 1]


def test_quartile_previous_period_and_strata() -> None:
    result = quartile(quartile_data(), "id", "x", "y", "x2", "y2", strata="s")
    frame = result.frame
    # strata sorted p, q; input order inside; limits unchanged by strata
    assert frame["id"].to_list() == ["b", "e", "a", "c", "f"]
    assert frame["outlier"].to_list() == [0, 0, 0, 0, 1]
    assert frame["ratio2"].to_list() == [None, 2.0, 2.0, None, 5.0]  # x2 NA; y2 == 0 → NA
    assert frame["ratioStr"].to_list() == [12 / 4] * 2 + [54 / 7] * 3
    # stratum p: x2 sum over b, e without NA = 8, y2 sum = 6; stratum q: 55 / 11
    assert frame["ratioStr2"].to_list() == [8 / 6] * 2 + [55 / 11] * 3
    assert frame["ratioAll2"].unique().to_list() == [63 / 17]
    assert frame["ranking"].to_list() == [2.0, 4.0, 1.0, 3.0, 5.0]


def test_quartile_stratum_with_all_x2_missing_gets_zero() -> None:
    data = pl.DataFrame(
        {
            "id": ["a", "b"],
            "x": [1.0, 2.0],
            "y": [1.0, 1.0],
            "x2": [None, 2.0],
            "y2": [1.0, 1.0],
            "s": ["1", "2"],
        }
    )
    frame = quartile(data, "id", "x", "y", "x2", "y2", strata="s").frame
    assert frame["ratioStr2"].to_list() == [0.0, 2.0]


def test_quartile_only_one_previous_column_is_ignored_with_a_warning() -> None:
    result = quartile(quartile_data(), "id", "x", "y", x2="x2")
    assert result.frame["x2"].null_count() == result.frame.height
    assert "ignores both" in str(result.warnings[0])


def test_quartile_r_errors_become_usage_errors() -> None:
    data = quartile_data().with_columns(
        pl.when(pl.col("s") == "p").then(None).otherwise(pl.col("x")).alias("x")
    )
    with pytest.raises(UsageError, match="stratum 'p'"):
        quartile(data, "id", "x", "y", strata="s")
    with pytest.raises(UsageError, match="no unit"):
        quartile(data.with_columns(pl.lit(0.0).alias("y")), "id", "x", "y")
    with pytest.raises(UsageError, match="parameter pKU"):
        quartile(quartile_data(), "id", "x", "y", pKU=-1)
