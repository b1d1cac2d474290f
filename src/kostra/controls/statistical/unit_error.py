"""Extended thousand/unit-error check: ThError's band plus factor-10^k errors with a proposed fix.

A value keyed in the wrong unit (kroner instead of 1000 kroner, or a slipped decimal) changes the
year-over-year ratio by about 10^k. ThError only catches |log10 ratio| > 2.5; this check also names
the likely factor k ∈ {±1, ±2, ±3} when the log10 ratio lies within ``delta`` of k and proposes
x1 / 10^k. It proposes, it never corrects (methods.md §1.4 and §8.5).
"""

from __future__ import annotations

import polars as pl

from kostra.controls.statistical.common import MethodResult, check_range, float_column, id_column, usable
from kostra.controls.statistical.therror import log10_change

__all__ = ["UNIT_ERROR_COLUMNS", "unit_error"]

UNIT_ERROR_COLUMNS = ("id", "x1", "x2", "diffLog10", "thousandError", "factorK", "proposedX1", "outlier")
FACTORS = (-3, -2, -1, 1, 2, 3)
THOUSAND_LIMIT = 2.5


def unit_error(frame: pl.DataFrame, id: str, x1: str, x2: str, delta: float = 0.5) -> MethodResult:
    """Flag thousand errors (|diffLog10| > 2.5, as ThError) and factor-10^k errors (|diffLog10 − k| < delta).

    Columns: ``id, x1, x2, diffLog10, thousandError, factorK, proposedX1, outlier``. ``factorK`` is
    the nearest k ∈ {±1, ±2, ±3} within ``delta`` (NA if none), ``proposedX1`` = x1 / 10^k, and
    ``outlier`` is 1 if either test fires. Units without both values > 0 follow with NA, as in ThError.
    ``delta`` must be in [0, 0.5] so that the windows around neighbouring k do not overlap.
    """
    delta = check_range("delta", delta, 0, 0.5)
    ids = id_column(frame, id)
    units = list(zip(ids.to_list(), float_column(frame, x1, "x1"), float_column(frame, x2, "x2"),
                     strict=True))
    rows = []
    for unit_id, a, b in units:
        if not usable(a, b):
            continue
        diff = log10_change(a, b)  # type: ignore[arg-type]
        k = _factor(diff, delta)
        thousand = 1 if abs(diff) > THOUSAND_LIMIT else 0
        rows.append({"id": unit_id, "x1": a, "x2": b, "diffLog10": diff, "thousandError": thousand,
                     "factorK": k, "proposedX1": None if k is None else _divide_by_power_of_ten(a, k),  # type: ignore[arg-type]
                     "outlier": 1 if (thousand or k is not None) else 0})
    kept_ids = {row["id"] for row in rows}
    rows.extend({"id": unit_id, "x1": a, "x2": b, "diffLog10": None, "thousandError": None, "factorK": None,
                 "proposedX1": None, "outlier": None} for unit_id, a, b in units if unit_id not in kept_ids)
    schema: dict[str, pl.DataType] = {name: pl.Float64() for name in UNIT_ERROR_COLUMNS}
    schema.update({"id": ids.dtype, "thousandError": pl.Int8(), "factorK": pl.Int8(), "outlier": pl.Int8()})
    return MethodResult(pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema))


def _factor(diff: float, delta: float) -> int | None:
    nearest = round(diff)
    if nearest in FACTORS and abs(diff - nearest) < delta:
        return int(nearest)
    return None


def _divide_by_power_of_ten(value: float, k: int) -> float:
    """value / 10^k, multiplying by an exact integer for negative k (10.0**-2 is not exact)."""
    return value / 10**k if k > 0 else value * 10**-k
