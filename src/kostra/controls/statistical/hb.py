"""Hidiroglou–Berthelot outlier check, identical to Statistics Norway's R ``Kostra::Hb``.

Reproduces ``R/Hb.R`` of github.com/statisticsnorway/ssb-kostra at commit
c035469fd64a6f1943b24c77790fc2f50b04f9ac; see docs/statistical-methods.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
from kostra.controls.statistical.quantiles import r_median, r_pow, r_quartiles7
from kostra.errors import UsageError

__all__ = ["HB_COLUMNS", "hb"]

HB_COLUMNS = ("id", "x1", "x2", "maxX", "ratio", "lowerLimit", "upperLimit", "medRatio", "outlier", "strata")


@dataclass(frozen=True)
class _Unit:
    row: int
    id: object
    x1: float | None
    x2: float | None


def hb(frame: pl.DataFrame, id: str, x1: str, x2: str, pU: float = 0.5, pA: float = 0.05,
       pC: float = 20, strata: str | None = None) -> MethodResult:
    """Flag units whose change from x2 (period t−1) to x1 (period t) is an outlier (R ``Hb``).

    Returns the R output columns ``id, x1, x2, maxX, ratio, lowerLimit, upperLimit, medRatio, outlier,
    strata``: per stratum in sorted order, the units used first, then the unused ones with NA.
    R's warnings (ties rule, skipped strata) are in ``.warnings``. Raises ``UsageError`` for
    parameters outside R's ranges and where R stops with an error.
    """
    pU = check_range("pU", pU, 0, 1)
    pA = check_range("pA", pA, 0, 1)
    pC = check_range("pC", pC, 0, math.inf)
    ids = id_column(frame, id)
    units = [_Unit(i, v, a, b) for i, (v, a, b) in
             enumerate(zip(ids.to_list(), float_column(frame, x1, "x1"), float_column(frame, x2, "x2"),
                           strict=True))]
    warnings: list[MethodWarning] = []
    rows: list[dict[str, object]] = []
    if strata is None:
        rows = _stratum(units, "1", pU, pA, pC, warnings, stratified=False) or []
    else:
        labels, levels = strata_column(frame, strata)
        for level in levels:
            members = [u for u in units if labels[u.row] == level]
            rows.extend(_stratum(members, level, pU, pA, pC, warnings, stratified=True) or [])
    return MethodResult(_frame(rows, ids.dtype), tuple(warnings))


def _stratum(units: list[_Unit], label: str, pU: float, pA: float, pC: float,
             warnings: list[MethodWarning], stratified: bool) -> list[dict[str, object]] | None:
    """One pass of R's loop body; None when R skips the stratum."""
    kept = [u for u in units if usable(u.x1, u.x2)]
    where = f" in stratum {label!r}" if stratified else ""
    if not kept:
        if not stratified:
            raise UsageError(f"Hb: no unit has both x1 and x2 present and > 0{where}; nothing to compare "
                             "(R stops with 'missing value where TRUE/FALSE needed')")
        warn(warnings, f"Ingen enheter observert for begge perioder i stratum {label}. Hopper over.", label)
        return None
    equal = sum(1 for u in kept if u.x1 == u.x2)
    if equal == len(kept):
        if not stratified:
            raise UsageError("Hb: every usable unit has x1 == x2, so there is no change to compare "
                             "(R stops with 'missing value where TRUE/FALSE needed')")
        warn(warnings, f"Alle enheter har lik verdi i de to periodene for stratum {label}. Hopper over.",
             label)
        return None
    if equal / len(kept) >= 0.5:
        warn(warnings, f"{round(equal * 100 / len(kept))} % av enhetene har lik verdi i de to periodene. "
                       "Dette er >=50 % og metoden kjører derfor kun på de enhetene som har to ulike verdier "
                       "på x1 og x2.", label if stratified else None)
        kept = [u for u in kept if u.x1 != u.x2]
    used_ids = {u.id for u in kept}
    unused = [u for u in units if u.id not in used_ids]
    return _limits(kept, label, pU, pA, pC) + [_unused_row(u, label) for u in unused]


def _limits(kept: list[_Unit], label: str, pU: float, pA: float, pC: float) -> list[dict[str, object]]:
    """Ratios, effects, E-quartiles and per-unit ratio limits, in R's operation order."""
    ratios = [u.x1 / u.x2 for u in kept]  # type: ignore[operator]
    med = r_median(ratios)
    centred = [r / med - 1 if r >= med else 1 - med / r for r in ratios]
    max_x = [max(u.x1, u.x2) for u in kept]  # type: ignore[type-var]
    size = [r_pow(m, pU) for m in max_x]
    effects = [s * a for s, a in zip(centred, size, strict=True)]
    q1, q2, q3 = r_quartiles7(effects)
    floor = abs(q2 * pA) if q2 != 0 else pA
    e_low = q2 - pC * max(q2 - q1, floor)
    e_up = q2 + pC * max(q3 - q2, floor)
    rows = []
    for unit, r, m, a in zip(kept, ratios, max_x, size, strict=True):
        low = med * a / (a - e_low)
        up = med * (a + e_up) / a
        rows.append({"id": unit.id, "x1": unit.x1, "x2": unit.x2, "maxX": m, "ratio": r, "lowerLimit": low,
                     "upperLimit": up, "medRatio": med, "outlier": 1 if (r < low or r > up) else 0,
                     "strata": label})
    return rows


def _unused_row(unit: _Unit, label: str) -> dict[str, object]:
    return {"id": unit.id, "x1": unit.x1, "x2": unit.x2, "maxX": None, "ratio": None, "lowerLimit": None,
            "upperLimit": None, "medRatio": None, "outlier": None, "strata": label}


def _frame(rows: list[dict[str, object]], id_dtype: pl.DataType) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {name: pl.Float64() for name in HB_COLUMNS}
    schema.update({"id": id_dtype, "outlier": pl.Int8(), "strata": pl.String()})
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
