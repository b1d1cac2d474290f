"""The robust ratio model of Statistics Norway's R package ``Kostra`` (``ImputeRegression(method = "ratio")``).

Model within one stratum: y_i = β·x_i + e_i, Var(e_i) = σ²·x_i (``lm(y ~ x - 1, weights = 1/x)``), so
β̂ = Σy/Σx over the model units. Units are classed by studentised residuals as ``LmImpute`` does:

1. iterate (``limitIterate`` 4.5, at most 10 times): fit, drop the units whose studentised deleted residual
   |r_i| ≥ 4.5, refit, until none is left at or above the limit;
2. units outside the last fit get the external residual (y_i − β̂x_i) / √(σ̂²(x_i²/Σx + x_i));
3. |r_i| ≥ ``limitModel`` 2.5 → category 2 (correct but not representative), else category 1; when the
   last fit still had a unit at or above 2.5, the model is refitted on category 1 only.

Only units with x > 0 enter (R's ``xLimits`` for the ratio model). For the weighted fit through the origin
the leverage is h_i = x_i/Σx, σ̂² = Σ(e_i²/x_i)/(n − 1) and the studentised deleted residual is
r_i = (e_i/√x_i) / (σ̂_(i)·√(1 − h_i)) with σ̂_(i)² = (Σ e_j²/x_j − e_i²/(x_i(1 − h_i)))/(n − 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LIMIT_ITERATE", "LIMIT_MODEL", "MAX_ITERATIONS", "RatioFit", "fit_ratio", "prediction_variance"]

LIMIT_MODEL = 2.5  # Kostra::ImputeRegression limitModel
LIMIT_ITERATE = 4.5  # Kostra::ImputeRegression limitIterate
MAX_ITERATIONS = 10  # Kostra::LmImpute maxiter


@dataclass(frozen=True)
class RatioFit:
    """A fitted ratio model of one stratum.

    ``ratio`` β̂; ``n_model`` units in the final model; ``x_model`` their Σx; ``sigma2`` σ̂² (None with
    fewer than two model units); ``category`` unit → 1 (in the model) or 2 (not representative);
    ``rstud`` unit → its final studentised residual (NaN where it cannot be computed).
    """

    ratio: float
    n_model: int
    x_model: float
    sigma2: float | None
    category: Mapping[str, int]
    rstud: Mapping[str, float]


def _fit(points: Mapping[str, tuple[float, float]]) -> tuple[float, float, float | None]:
    sum_x = sum(x for x, _ in points.values())
    sum_y = sum(y for _, y in points.values())
    ratio = sum_y / sum_x
    n = len(points)
    sse = sum((y - ratio * x) ** 2 / x for x, y in points.values())
    return ratio, sum_x, (sse / (n - 1) if n > 1 else None)


def _internal_rstud(points: Mapping[str, tuple[float, float]], ratio: float, sum_x: float) -> dict[str, float]:
    """Studentised deleted residuals (R's ``rstudent``) of the model units; NaN with fewer than three."""
    n = len(points)
    sse = sum((y - ratio * x) ** 2 / x for x, y in points.values())
    result = {}
    for unit, (x, y) in points.items():
        h = x / sum_x
        e2w = (y - ratio * x) ** 2 / x
        if n < 3 or h >= 1:
            result[unit] = math.nan
            continue
        s2 = (sse - e2w / (1 - h)) / (n - 2)
        residual = (y - ratio * x) / math.sqrt(x)
        if s2 <= 1e-12 * max(sse, 1e-300):  # the others lie exactly on the line: R's rstudent is ±Inf (or NaN)
            result[unit] = math.copysign(math.inf, residual) if abs(residual) > 1e-12 else math.nan
        else:
            result[unit] = residual / math.sqrt(s2 * (1 - h))
    return result


def _abs(value: float) -> float:
    return 0.0 if math.isnan(value) else abs(value)


def prediction_variance(sigma2: float, x_model: float, x_missing: float) -> float:
    """Variance of the error of the predicted total β̂·X_m of units with auxiliary total ``x_missing``:
    σ̂²·(X_m²/X_S + X_m) (``Kostra``'s ``PredictSum``: the error of β̂ plus the units' own variance)."""
    return sigma2 * (x_missing * x_missing / x_model + x_missing)


def fit_ratio(observations: Mapping[str, tuple[float, float]], *, limit_model: float = LIMIT_MODEL,
              limit_iterate: float = LIMIT_ITERATE, max_iterations: int = MAX_ITERATIONS) -> RatioFit | None:
    """Fit the robust ratio model to ``unit → (x, y)``; None when no unit has x > 0.

    >>> fit_ratio({"a": (1.0, 2.0), "b": (2.0, 4.0), "c": (3.0, 7.0), "d": (4.0, 8.0)}).ratio
    2.1
    """
    subset = {u: (float(x), float(y)) for u, (x, y) in observations.items() if x > 0}
    if not subset:
        return None
    everyone = dict(subset)
    dropped: set[str] = set()
    ratio, sum_x, sigma2 = _fit(subset)
    rstud = _internal_rstud(subset, ratio, sum_x)
    for _ in range(max_iterations - 1):
        worst = {u for u, r in rstud.items() if _abs(r) >= limit_iterate}
        if not worst or len(subset) - len(worst) < 1:
            break
        dropped |= worst
        subset = {u: p for u, p in subset.items() if u not in worst}
        ratio, sum_x, sigma2 = _fit(subset)
        rstud = _internal_rstud(subset, ratio, sum_x)
    final = dict(rstud)
    for unit in dropped:
        x, y = everyone[unit]
        spread = (sigma2 or 0.0) * (x * x / sum_x + x)
        final[unit] = (y - ratio * x) / math.sqrt(spread) if spread > 0 else math.inf
    category = {u: 2 if _abs(r) >= limit_model else 1 for u, r in final.items()}
    if max((_abs(r) for r in rstud.values()), default=0.0) >= limit_model:
        model = {u: p for u, p in everyone.items() if category[u] == 1}
        if model:
            ratio, sum_x, sigma2 = _fit(model)
            subset = model
    return RatioFit(ratio, len(subset), sum_x, sigma2, category, final)
