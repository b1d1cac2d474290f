"""Thousand-error check, identical to Statistics Norway's R ``Kostra::ThError``.

Reproduces ``R/ThError.R`` of github.com/statisticsnorway/ssb-kostra at commit
c035469fd64a6f1943b24c77790fc2f50b04f9ac; see docs/statistical-methods.md.
"""

from __future__ import annotations

import math

import polars as pl

from kostra.controls.statistical.common import MethodResult, check_range, float_column, id_column, usable

__all__ = ["THERROR_COLUMNS", "log10_change", "therror"]

THERROR_COLUMNS = ("id", "x1", "x2", "outlier", "diffLog10", "lowerLimit", "upperLimit")


def log10_change(x1: float, x2: float) -> float:
    """log10(x1) − log10(x2) with scalar ``math.log10`` (bit-identical with R; numpy's array log10 is not)."""
    return math.log10(x1) - math.log10(x2)


def therror(frame: pl.DataFrame, id: str, x1: str, x2: str, ll: float = -2.5,
            ul: float = 2.5) -> MethodResult:
    """Flag units whose log10 change from x2 (t−1) to x1 (t) is outside [ll, ul] (R ``ThError``).

    Only units with both values present and > 0 are checked; they come first (input order), the
    others follow with NA ``outlier`` and ``diffLog10``. Raises ``UsageError`` for ll ∉ [−3, 0] or
    ul ∉ [0, 3].
    """
    ll = check_range("ll", ll, -3, 0)
    ul = check_range("ul", ul, 0, 3)
    ids = id_column(frame, id)
    units = list(zip(ids.to_list(), float_column(frame, x1, "x1"), float_column(frame, x2, "x2"),
                     strict=True))
    kept = [u for u in units if usable(u[1], u[2])]
    kept_ids = {u[0] for u in kept}
    rows: list[dict[str, object]] = []
    for unit_id, a, b in kept:
        diff = log10_change(a, b)  # type: ignore[arg-type]
        rows.append({"id": unit_id, "x1": a, "x2": b, "outlier": 1 if (diff < ll or diff > ul) else 0,
                     "diffLog10": diff, "lowerLimit": ll, "upperLimit": ul})
    rows.extend({"id": unit_id, "x1": a, "x2": b, "outlier": None, "diffLog10": None, "lowerLimit": ll,
                 "upperLimit": ul} for unit_id, a, b in units if unit_id not in kept_ids)
    schema: dict[str, pl.DataType] = {name: pl.Float64() for name in THERROR_COLUMNS}
    schema.update({"id": ids.dtype, "outlier": pl.Int8()})
    return MethodResult(pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema))
