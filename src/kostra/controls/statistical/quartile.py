"""Quartile check on a ratio of two variables, identical to Statistics Norway's R ``Kostra::Quartile``.

Reproduces ``R/Quartile.r`` of github.com/statisticsnorway/ssb-kostra at commit
c035469fd64a6f1943b24c77790fc2f50b04f9ac; see docs/statistical-methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from kostra.controls.statistical.common import (
    MethodResult,
    MethodWarning,
    check_range,
    float_column,
    id_column,
    strata_column,
    usable,
    warn,
)
from kostra.controls.statistical.quantiles import r_div, r_quartiles7, r_rank, r_sum
from kostra.errors import UsageError

__all__ = ["QUARTILE_COLUMNS", "quartile"]

QUARTILE_COLUMNS = ("id", "x1", "y1", "x2", "y2", "ratio", "ratio2", "ratioAll", "ratioAll2", "ratioStr",
                    "ratioStr2", "lowerLimit", "upperLimit", "outlier", "strata", "ranking")

Unit = tuple[int, object, float, float, float | None, float | None]  # row, id, x1, y1, x2, y2


def quartile(frame: pl.DataFrame, id: str, x1: str, y1: str, x2: str | None = None,
             y2: str | None = None, strata: str | None = None, pKL: float = 1.5,
             pKU: float = 1.5) -> MethodResult:
    """Flag units whose ratio x1/y1 is outside [Q1 − pKL·(M − Q1), Q3 + pKU·(Q3 − M)] (R ``Quartile``).

    Only units with x1 and y1 present and > 0 are returned. Quartiles are over all of them even with
    strata; strata only order the rows and give ``ratioStr*``. x2/y2 (period t−1) are used only when
    both are given. Raises ``UsageError`` for pKL/pKU < 0 and where R stops with an error.
    """
    pKL = check_range("pKL", pKL, 0, math.inf)
    pKU = check_range("pKU", pKU, 0, math.inf)
    ids = id_column(frame, id)
    warnings: list[MethodWarning] = []
    previous = x2 is not None and y2 is not None
    if (x2 is None) != (y2 is None):
        warn(warnings, "only one of x2 and y2 was given; R's Quartile then ignores both")
    xs1, ys1 = float_column(frame, x1, "x1"), float_column(frame, y1, "y1")
    xs2 = float_column(frame, x2, "x2") if previous else [None] * frame.height  # type: ignore[arg-type]
    ys2 = float_column(frame, y2, "y2") if previous else [None] * frame.height  # type: ignore[arg-type]
    units: list[Unit] = [(i, v, a, b, c, d) for i, (v, a, b, c, d) in
                         enumerate(zip(ids.to_list(), xs1, ys1, xs2, ys2, strict=True)) if usable(a, b)]
    if not units:
        raise UsageError("Quartile: no unit has both x1 and y1 present and > 0 (R stops with "
                         "'arguments imply differing number of rows: 0, 1')")
    ratios = [u[2] / u[3] for u in units]
    q1, q2, q3 = r_quartiles7(ratios)
    common = {"ratioAll": r_div(r_sum([u[2] for u in units]), r_sum([u[3] for u in units])),
              "ratioAll2": _ratio_of_sums(units) if previous else None,
              "lowerLimit": q1 - pKL * (q2 - q1), "upperLimit": q3 + pKU * (q3 - q2)}
    if strata is None:
        rows = [_row(u, common, None, "1", previous) for u in units]
    else:
        rows = _stratified_rows(units, strata_column(frame, strata), common, previous, strata)
    for row, rank in zip(rows, r_rank([row["ratio"] for row in rows]), strict=True):  # type: ignore[misc]
        row["ranking"] = rank
    schema: dict[str, pl.DataType] = {name: pl.Float64() for name in QUARTILE_COLUMNS}
    schema.update({"id": ids.dtype, "outlier": pl.Int8(), "strata": pl.String()})
    return MethodResult(pl.DataFrame(rows, schema=schema), tuple(warnings))


def _stratified_rows(units: list[Unit], strata: tuple[list[str], list[str]], common: dict[str, object],
                     previous: bool, name: str) -> list[dict[str, object]]:
    labels, levels = strata
    rows: list[dict[str, object]] = []
    for level in levels:
        members = [u for u in units if labels[u[0]] == level]
        if not members:
            raise UsageError(f"Quartile: stratum {level!r} of {name!r} has no unit with x1 and y1 "
                             "present and > 0 "
                             "(R stops with 'arguments imply differing number of rows: 0, 1')")
        rows.extend(_row(u, common, members, level, previous) for u in members)
    return rows


def _row(unit: Unit, common: dict[str, object], members: Sequence[Unit] | None, label: str,
         previous: bool) -> dict[str, object]:
    _, unit_id, a, b, c, d = unit
    row: dict[str, object] = {"id": unit_id, "x1": a, "y1": b, "x2": c, "y2": d, "ratio": a / b,
                              "ratio2": _ratio2(c, d) if previous else None, **common}
    row["ratioStr"] = None if members is None else r_div(r_sum([u[2] for u in members]),
                                                          r_sum([u[3] for u in members]))
    row["ratioStr2"] = _ratio_of_sums(members) if (members is not None and previous) else None
    lower, upper = common["lowerLimit"], common["upperLimit"]
    row["outlier"] = 1 if (a / b < lower or a / b > upper) else 0  # type: ignore[operator]
    row["strata"] = label
    return row


def _ratio2(x2: float | None, y2: float | None) -> float | None:
    """x2/y2, NA where either is missing or y2 == 0 (R sets those to NA)."""
    if x2 is None or y2 is None or y2 == 0:
        return None
    return r_div(x2, y2)


def _ratio_of_sums(units: Sequence[Unit]) -> float:
    """sum(x2, na.rm = TRUE) / sum(y2, na.rm = TRUE): the NAs are dropped from each sum separately."""
    x2_sum = r_sum([u[4] for u in units if u[4] is not None])
    return r_div(x2_sum, r_sum([u[5] for u in units if u[5] is not None]))
