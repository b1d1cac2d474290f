"""Hb edge cases from the spec, with expected values worked out independently of the implementation."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from kostra.controls.statistical import HB_COLUMNS, hb
from kostra.errors import UsageError


def frame(x1: list[float | None], x2: list[float | None], strata: list[object] | None = None) -> pl.DataFrame:
    data: dict[str, object] = {"id": [f"u{i}" for i in range(len(x1))], "x1": x1, "x2": x2}
    if strata is not None:
        data["s"] = strata
    return pl.DataFrame(data, schema_overrides={"x1": pl.Float64, "x2": pl.Float64})


def textbook_limits(
    x1: list[float], x2: list[float], pU: float, pA: float, pC: float
) -> tuple[list[float], ...]:
    """HB limits from the literature formulas with numpy (an independent implementation)."""
    r = np.array(x1) / np.array(x2)
    med = float(np.median(r))
    s = np.where(r >= med, r / med - 1, 1 - med / r)
    a = np.maximum(x1, x2) ** pU
    e = s * a
    q1, q2, q3 = np.quantile(e, [0.25, 0.5, 0.75])
    floor = abs(pA * q2) if q2 != 0 else pA
    e_low, e_up = q2 - pC * max(q2 - q1, floor), q2 + pC * max(q3 - q2, floor)
    return list(r), list(med * a / (a - e_low)), list(med * (a + e_up) / a)


def test_output_columns_are_rs() -> None:
    result = hb(frame([110, 120, 90], [100, 100, 100]), "id", "x1", "x2")
    assert tuple(result.frame.columns) == HB_COLUMNS


def test_ties_below_half_stay_in_with_ratio_one() -> None:
    x1, x2 = [100.0, 100.0, 110.0, 120.0, 90.0], [100.0] * 5
    result = hb(frame(x1, x2), "id", "x1", "x2")
    assert result.warnings == ()
    assert result.frame["ratio"].to_list() == [1.0, 1.0, 1.1, 1.2, 0.9]
    assert result.frame["medRatio"].unique().to_list() == [1.0]
    _, low, up = textbook_limits(x1, x2, 0.5, 0.05, 20)
    assert result.frame["lowerLimit"].to_list() == pytest.approx(low, rel=1e-12)
    assert result.frame["upperLimit"].to_list() == pytest.approx(up, rel=1e-12)


def test_exactly_half_tied_are_removed_with_a_norwegian_warning() -> None:
    result = hb(frame([100, 100, 150, 80], [100, 100, 100, 100]), "id", "x1", "x2")
    assert result.frame["id"].to_list() == ["u2", "u3", "u0", "u1"]
    assert result.frame["ratio"].to_list()[:2] == [1.5, 0.8]
    assert result.frame["ratio"].to_list()[2:] == [None, None]
    assert len(result.warnings) == 1
    assert result.warnings[0].message.startswith("50 % av enhetene har lik verdi i de to periodene.")


def test_n_even_with_q2_not_zero_matches_textbook_formulas() -> None:
    x1, x2 = [130.0, 95.0, 400.0, 2100.0], [100.0, 100.0, 300.0, 2000.0]
    result = hb(frame(x1, x2), "id", "x1", "x2", pU=0.4, pA=0.05, pC=4)
    ratios, low, up = textbook_limits(x1, x2, 0.4, 0.05, 4)
    med = (2100 / 2000 + 1.3) / 2  # sorted ratios 0.95, 1.05, 1.3, 1.33
    effects = [
        (r / med - 1 if r >= med else 1 - med / r) * max(a, b) ** 0.4
        for r, a, b in zip(ratios, x1, x2, strict=True)
    ]
    assert np.median(effects) != 0  # the case under test: even n, Q2 of E not zero
    assert result.frame["medRatio"][0] == med
    assert result.frame["lowerLimit"].to_list() == pytest.approx(low, rel=1e-12)
    assert result.frame["upperLimit"].to_list() == pytest.approx(up, rel=1e-12)


def test_single_changed_unit_can_never_be_flagged() -> None:
    # 3 of 4 unchanged → removed; the one left has E = 0, so Q2 == 0 and the plain pA floor applies
    result = hb(frame([5, 5, 5, 5000], [5, 5, 5, 4]), "id", "x1", "x2", pA=0.05, pC=20)
    row = result.frame.row(0, named=True)
    assert (row["id"], row["ratio"], row["outlier"]) == ("u3", 1250.0, 0)
    a = math.sqrt(5000)
    assert row["lowerLimit"] == pytest.approx(1250 * a / (a + 20 * 0.05), rel=1e-15)
    assert row["upperLimit"] == pytest.approx(1250 * (a + 20 * 0.05) / a, rel=1e-15)


def test_all_effects_zero_uses_plain_pa_floor() -> None:
    result = hb(frame([200, 400, 800], [100, 200, 400]), "id", "x1", "x2", pA=0.1, pC=10)
    sizes = [math.sqrt(v) for v in (200, 400, 800)]
    assert result.frame["lowerLimit"].to_list() == pytest.approx([2 * a / (a + 1) for a in sizes], rel=1e-15)
    assert result.frame["upperLimit"].to_list() == pytest.approx([2 * (a + 1) / a for a in sizes], rel=1e-15)
    assert result.frame["outlier"].to_list() == [0, 0, 0]


def test_comparisons_are_strict() -> None:
    # pC = 0 and odd n: both limits equal the median ratio; the median unit itself is not flagged
    result = hb(frame([110, 150, 90], [100, 100, 100]), "id", "x1", "x2", pC=0)
    assert result.frame.select("id", "outlier").rows() == [("u0", 0), ("u1", 1), ("u2", 1)]


def test_missing_zero_and_negative_units_are_unused_and_listed_last() -> None:
    x1 = [None, 100.0, 0.0, 130.0, -5.0, 90.0, 70.0]
    x2 = [100.0, 120.0, 50.0, 100.0, 10.0, None, 100.0]
    result = hb(frame(x1, x2), "id", "x1", "x2")
    assert result.frame["id"].to_list() == ["u1", "u3", "u6", "u0", "u2", "u4", "u5"]
    unused = result.frame.tail(4)
    assert unused.select(HB_COLUMNS[3:9]).null_count().row(0) == (4,) * 6
    assert unused["x1"].to_list() == [None, 0.0, -5.0, 90.0]


def test_skipped_strata_are_left_out_with_warnings() -> None:
    x1 = [None, 0.0, 10.0, 10.0, 110.0, 150.0, 90.0]
    x2 = [5.0, 5.0, 10.0, 10.0, 100.0, 100.0, 100.0]
    result = hb(frame(x1, x2, ["a", "a", "b", "b", "c", "c", "c"]), "id", "x1", "x2", strata="s")
    assert result.frame["strata"].to_list() == ["c"] * 3
    assert [(w.stratum, w.message) for w in result.warnings] == [
        ("a", "Ingen enheter observert for begge perioder i stratum a. Hopper over."),
        ("b", "Alle enheter har lik verdi i de to periodene for stratum b. Hopper over."),
    ]


@pytest.mark.parametrize(
    ("x1", "x2", "text"),
    [([10.0, 20.0], [10.0, 20.0], "x1 == x2"), ([None, 0.0], [5.0, 5.0], "present and > 0")],
)
def test_without_strata_r_errors_become_usage_errors(
    x1: list[float | None], x2: list[float], text: str
) -> None:
    with pytest.raises(UsageError, match=text):
        hb(frame(x1, x2), "id", "x1", "x2")


def test_numeric_strata_sort_numerically_text_strata_as_text() -> None:
    x1, x2 = [110.0, 150.0, 90.0] * 3, [100.0] * 9
    numeric = hb(frame(x1, x2, [10, 10, 10, 9, 9, 9, 2, 2, 2]), "id", "x1", "x2", strata="s")
    assert numeric.frame["strata"].unique(maintain_order=True).to_list() == ["2", "9", "10"]
    text = hb(frame(x1, x2, ["10"] * 3 + ["9"] * 3 + ["2"] * 3), "id", "x1", "x2", strata="s")
    assert text.frame["strata"].unique(maintain_order=True).to_list() == ["10", "2", "9"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("pU", 1.01), ("pU", -0.1), ("pA", 1.5), ("pA", -1), ("pC", -0.5), ("pC", float("nan"))],
)
def test_parameters_outside_r_ranges_are_refused(name: str, value: float) -> None:
    with pytest.raises(UsageError, match=f"parameter {name} must be in"):
        hb(frame([110, 120, 90], [100, 100, 100]), "id", "x1", "x2", **{name: value})


def test_unknown_column_names_the_available_ones() -> None:
    with pytest.raises(UsageError, match=r"'x3'.*available columns: id, x1, x2"):
        hb(frame([110, 120, 90], [100, 100, 100]), "id", "x1", "x3")
