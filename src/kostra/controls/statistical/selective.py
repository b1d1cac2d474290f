"""Selective-editing score: which units' suspicious values matter most for the published totals.

For item j of unit k (KOSTRA is a census, so the design weight is 1):
local score s_kj = |y_kj − ŷ_kj| / T̂_j, with the anticipated value ŷ_kj = previous-year value × the
stratum's median growth and T̂_j = the previous-year total of item j over the unit's aggregate
(the whole frame, or e.g. its county). Global score g_k = (Σ_j s_kj^α)^(1/α) (Minkowski;
α = 1 sum, α = 2 Euclidean, α = ∞ maximum). Latouche & Berthelot 1992, Hedlin 2003; methods.md §1.4, §8.6.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import polars as pl

from kostra.controls.statistical.common import check_range, float_column, id_column, strata_column
from kostra.controls.statistical.quantiles import r_median, r_sum
from kostra.errors import UsageError

__all__ = ["selective_score"]


def selective_score(frame: pl.DataFrame, id: str, items: Mapping[str, tuple[str, str]],
                    strata: str | None = None, aggregate: str | None = None,
                    alpha: float = 2.0) -> pl.DataFrame:
    """Rank units by global selective-editing score, highest first.

    ``items`` maps an item name to its (current-year column, previous-year column). Growth is the
    median of current/previous over the stratum's units with both values and previous > 0 (R's
    median); the total T̂ is the sum of previous-year values over the unit's ``aggregate`` group
    (whole frame when None). A local score is NA when the unit lacks either value, the stratum has
    no growth or T̂ is 0; NA items do not count in the global score (NA when all items are NA).

    Columns: ``id, score, rank, topItem, topShare`` and ``score_<item>`` per item, where
    ``topShare`` is the top item's part of Σ s^α (of the maximum's ties when α = ∞).
    """
    if not items:
        raise UsageError("selective_score needs at least one item: name → (current column, previous column)")
    alpha = check_range("alpha", alpha, 1, math.inf)
    ids = id_column(frame, id).to_list()
    strata_of = strata_column(frame, strata)[0] if strata else ["1"] * frame.height
    group_of = strata_column(frame, aggregate)[0] if aggregate else ["all"] * frame.height
    local: dict[str, list[float | None]] = {}
    for name, (current_col, previous_col) in items.items():
        current = float_column(frame, current_col, f"current value of item {name!r}")
        previous = float_column(frame, previous_col, f"previous value of item {name!r}")
        local[name] = _local_scores(current, previous, strata_of, group_of)
    rows = [_global_row(ids[k], {name: local[name][k] for name in items}, alpha) for k in range(frame.height)]
    ranked = sorted(range(len(rows)), key=lambda k: (rows[k]["score"] is None, -(rows[k]["score"] or 0.0), k))
    for position, k in enumerate(ranked, start=1):
        rows[k]["rank"] = position
    schema: dict[str, pl.DataType] = {"id": frame[id].dtype, "score": pl.Float64(), "rank": pl.Int64(),
                                      "topItem": pl.String(), "topShare": pl.Float64()}
    schema.update({f"score_{name}": pl.Float64() for name in items})
    return pl.DataFrame([rows[k] for k in ranked], schema=schema)


def _local_scores(current: Sequence[float | None], previous: Sequence[float | None], strata_of: Sequence[str],
                  group_of: Sequence[str]) -> list[float | None]:
    growth: dict[str, float] = {}
    for level in set(strata_of):
        ratios = [c / p for c, p, s in zip(current, previous, strata_of, strict=True)
                  if s == level and c is not None and p is not None and p > 0]
        if ratios:
            growth[level] = r_median(ratios)
    totals = {group: r_sum([p for p, g in zip(previous, group_of, strict=True)
                            if g == group and p is not None])
              for group in set(group_of)}
    scores: list[float | None] = []
    for c, p, s, g in zip(current, previous, strata_of, group_of, strict=True):
        if c is None or p is None or s not in growth or totals[g] == 0:
            scores.append(None)
        else:
            scores.append(abs(c - p * growth[s]) / abs(totals[g]))
    return scores


def _global_row(unit_id: object, scores: Mapping[str, float | None], alpha: float) -> dict[str, object]:
    present = {name: s for name, s in scores.items() if s is not None}
    row: dict[str, object] = {"id": unit_id, **{f"score_{name}": s for name, s in scores.items()}}
    if not present:
        return {**row, "score": None, "topItem": None, "topShare": None}
    top = max(present, key=lambda name: present[name])
    if math.isinf(alpha):
        score = present[top]
        share = 1.0 / sum(1 for s in present.values() if s == score) if score > 0 else None
    else:
        powered = {name: s**alpha for name, s in present.items()}
        total = math.fsum(powered.values())
        score = total ** (1 / alpha)
        share = powered[top] / total if total > 0 else None
    return {**row, "score": score, "topItem": top, "topShare": share}
