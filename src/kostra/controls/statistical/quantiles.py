"""R's `stats` summaries re-written with R's own floating-point formulas.

`numpy.quantile` and `numpy.log10` differ from R in the last bit for some inputs; these scalar
versions follow R's source so that results are bit-identical with Statistics Norway's R package.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

__all__ = ["r_div", "r_median", "r_pow", "r_quantile7", "r_quartiles7", "r_rank", "r_sum"]


def r_quantile7(values: Sequence[float], prob: float) -> float:
    """R's default ``quantile(x, prob)`` (type 7) of non-empty ``values``.

    R computes ``(1 - h) * x[lo] + h * x[hi]`` and only where ``x[hi] != x[lo]``; the usual
    ``x[lo] + h * (x[hi] - x[lo])`` rounds differently.
    """
    if not values:
        raise ValueError("quantile of an empty sequence")
    ordered = sorted(values)
    index = 1 + max(len(ordered) - 1, 0) * prob
    lo = math.floor(index)
    hi = math.ceil(index)
    low_value = ordered[lo - 1]
    high_value = ordered[hi - 1]
    if index > lo and high_value != low_value:
        h = index - lo
        return (1 - h) * low_value + h * high_value
    return low_value


def r_quartiles7(values: Sequence[float]) -> tuple[float, float, float]:
    """Q1, median and Q3 as R's ``quantile(x)[2:4]`` (type 7)."""
    return r_quantile7(values, 0.25), r_quantile7(values, 0.5), r_quantile7(values, 0.75)


def r_median(values: Sequence[float]) -> float:
    """R's ``median``: the middle value, or R's ``mean`` of the two middle values.

    R's ``mean`` sums in long double and corrects the result; that is the correctly rounded
    mean of the two values, which the exact rational computation gives as well.
    """
    if not values:
        raise ValueError("median of an empty sequence")
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[half]
    return float((Fraction(ordered[half - 1]) + Fraction(ordered[half])) / 2)


def r_rank(values: Sequence[float]) -> list[float]:
    """R's ``rank(x)`` with ties.method = "average" (1-based)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        average = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = average
        start = end + 1
    return ranks


def r_sum(values: Sequence[float]) -> float:
    """R's ``sum`` (long-double accumulation): the correctly rounded sum in practice."""
    return math.fsum(values)


def r_div(numerator: float, denominator: float) -> float:
    """IEEE division as in R: x/0 is ±Inf and 0/0 is NaN instead of an exception."""
    if denominator == 0:
        if numerator == 0 or math.isnan(numerator):
            return math.nan
        return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator


def r_pow(base: float, exponent: float) -> float:
    """R's ``^``: ``x^2`` is ``x * x``, everything else C's ``pow``."""
    if exponent == 2.0:
        return base * base
    if base == 1.0 or exponent == 0.0:
        return 1.0
    return math.pow(base, exponent)
