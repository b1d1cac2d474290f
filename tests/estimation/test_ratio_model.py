"""The robust ratio model on small cases computed by hand (the arithmetic is in the comments).

Model (R ``Kostra::ImputeRegression(method = "ratio")``): y = βx + e, Var(e) = σ²x, fitted by
``lm(y ~ x - 1, weights = 1/x)``, so β̂ = Σy/Σx and σ̂² = Σ(e²/x)/(n − 1).
"""

from __future__ import annotations

import math

import pytest

from kostra.estimation import aggregate_cv, fit_ratio, prediction_variance
from kostra.estimation.totals import ModelPart


def test_ratio_estimator_and_its_variance_by_hand() -> None:
    # x = 1, 2, 3, 4; y = 2, 5, 7, 8: β̂ = 22/10 = 2.2; e = −0.2, 0.6, 0.4, −0.8;
    # e²/x = 0.04, 0.18, 0.16/3, 0.16 → Σ = 0.4333…; σ̂² = 0.4333…/3 = 0.144444…
    fit = fit_ratio({"a": (1, 2), "b": (2, 5), "c": (3, 7), "d": (4, 8)})
    assert fit is not None
    assert fit.ratio == pytest.approx(2.2)
    assert fit.sigma2 == pytest.approx(0.13 / 0.9)
    assert (fit.n_model, fit.x_model) == (4, 10)
    assert set(fit.category.values()) == {1}  # no |r| reaches 2.5
    # a late unit with x = 5: ŷ = 11; Var = σ̂²·(5²/10 + 5) = 0.144444…·7.5 = 1.083333…
    assert fit.ratio * 5 == pytest.approx(11.0)
    assert prediction_variance(fit.sigma2, fit.x_model, 5) == pytest.approx(1.0833333333)


def test_a_unit_beside_an_exact_line_is_set_aside() -> None:
    # Leaving c out, a, b, d lie exactly on y = 2x: c's studentised deleted residual is infinite (≥ 4.5),
    # so it leaves the model; the refit on a, b, d gives β̂ = 14/7 = 2 with σ̂² = 0, and c is category 2.
    fit = fit_ratio({"a": (1, 2), "b": (2, 4), "c": (3, 7), "d": (4, 8)})
    assert fit is not None
    assert fit.ratio == pytest.approx(2.0)
    assert fit.category == {"a": 1, "b": 1, "c": 2, "d": 1}
    assert fit.n_model == 3


def _ten_plus(outlier_y: float) -> dict[str, tuple[float, float]]:
    # ten units with x = 1: five report 9 and five report 11 (mean 10), plus one unit "o" with x = 1
    points = {f"u{i}": (1.0, 9.0 if i < 5 else 11.0) for i in range(10)}
    points["o"] = (1.0, outlier_y)
    return points


def test_limit_iterate_drops_a_wild_unit() -> None:
    # With all x = 1 the model is a mean. o = 30: without o the mean is 10 and s² = 10·1²/9 = 10/9;
    # r_o = (30 − 10)/(√(10/9)·√(1 + 1/10)) = 20/1.10554 = 18.09 ≥ 4.5 → dropped; refit: β̂ = 10,
    # σ̂² = 10/9. A unit reporting 11: the other nine have mean 89/9, deviations sum of squares 80/9,
    # s² = (80/9)/8 = 10/9, r = (11 − 89/9)/(√(10/9)·√(1 + 1/9)) = (10/9)/(10/9) = 1.0.
    fit = fit_ratio(_ten_plus(30.0))
    assert fit is not None
    assert fit.ratio == pytest.approx(10.0)
    assert fit.sigma2 == pytest.approx(10 / 9)
    assert fit.rstud["o"] == pytest.approx(20 / math.sqrt(10 / 9 * 1.1))
    assert fit.rstud["u5"] == pytest.approx(1.0)
    assert fit.category["o"] == 2 and fit.n_model == 10


def test_limit_model_keeps_a_unit_in_the_iteration_but_not_in_the_model() -> None:
    # o = 13.5: r_o = 3.5/1.10554 = 3.166, between 2.5 and 4.5: not dropped while iterating (no unit
    # reaches 4.5), but category 2, and since the fit's largest |r| ≥ 2.5 the model is refitted on
    # category 1: β̂ = 100/10 = 10 instead of the plain 113.5/11 = 10.318.
    fit = fit_ratio(_ten_plus(13.5))
    assert fit is not None
    assert fit.rstud["o"] == pytest.approx(3.5 / math.sqrt(10 / 9 * 1.1))
    assert fit.category["o"] == 2
    assert fit.ratio == pytest.approx(10.0)
    assert fit.n_model == 10
    plain = fit_ratio(_ten_plus(13.5), limit_model=math.inf, limit_iterate=math.inf)
    assert plain is not None and plain.ratio == pytest.approx(113.5 / 11)


def test_units_without_a_positive_auxiliary_do_not_enter() -> None:
    assert fit_ratio({"a": (0, 5), "b": (-1, 3)}) is None
    fit = fit_ratio({"a": (0, 5), "b": (2, 6)})
    assert fit is not None and fit.ratio == 3.0 and fit.sigma2 is None  # one unit: no residual variance


def test_aggregate_cv_sums_independent_strata() -> None:
    # stratum A: σ̂² = 2, X_S = 100, late x = 10 + 30 = 40 → 2·(1600/100 + 40) = 112
    # stratum B: σ̂² = 0.5, X_S = 50, late x = 10 → 0.5·(100/50 + 10) = 6; Var = 118, se = 10.8628
    parts = [ModelPart("A", 2.0, 100.0, 10.0), ModelPart("A", 2.0, 100.0, 30.0), ModelPart("B", 0.5, 50.0, 10.0)]
    se, cv = aggregate_cv(parts, 1000.0)
    assert se == pytest.approx(math.sqrt(118))
    assert cv == pytest.approx(100 * math.sqrt(118) / 1000)
    assert aggregate_cv([ModelPart("C", None, 5.0, 1.0)], 10.0) == (None, None)  # unknown, not 0
    assert aggregate_cv([], 10.0) == (0.0, 0.0)
