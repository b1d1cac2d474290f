"""Aggregate totals of one field with the units they cover, how many are estimated, and a CV.

Total of aggregate A: T̂_A = Σ reported and edited values + Σ estimates of late units in A (nil returns
count as nothing, and are covered). Its variance comes only from the ratio-model estimates: the strata
(KOSTRA group × auxiliary) are fitted independently, so

    Var(T̂_A) = Σ_k σ̂²_k · (X²_{A,k}/X_{S,k} + X_{A,k}),    CV(T̂_A) = √Var(T̂_A) / T̂_A,

with X_{A,k} the auxiliary total of A's estimated units in stratum k and X_{S,k} that of stratum k's model
units (``Kostra``'s ``PredictSum`` for the units of A). Carried-forward values add no model variance (their
error is unknown: ``carried_forward`` counts them). A total with no estimate has CV 0; a stratum with a
single model unit has no σ̂², and the CV is then None (unknown), never 0.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import ValueStatus, year_values
from kostra.estimation.ratio import prediction_variance
from kostra.reference.regions import base_units
from kostra.reference.regions import regions as regions_of
from kostra.store.models import Estimate

__all__ = ["AggregateTotal", "ModelPart", "aggregate_cv", "default_aggregates", "estimate_totals"]


@dataclass(frozen=True)
class ModelPart:
    """One estimate's share in the variance: its stratum model (key), σ̂², X_S and the unit's x."""

    key: str
    sigma2: float | None
    x_model: float | None
    x: float | None


@dataclass(frozen=True)
class AggregateTotal:
    """One aggregate's total of a field (None when no unit of it has a value) and how it was made."""

    region: str
    total: Decimal | None
    units: int  # units of the aggregate expected to report the form
    units_reported: int  # reported or edited values
    units_nil: int  # "nothing to report"
    units_estimated: int
    units_missing: int  # late and not estimated
    carried_forward: int
    se: float | None
    cv_percent: float | None


def aggregate_cv(parts: Iterable[ModelPart], total: float) -> tuple[float | None, float | None]:
    """(standard error, CV in percent) of ``total`` from its estimates' model parts (formula above)."""
    by_key: dict[str, list[ModelPart]] = defaultdict(list)
    for part in parts:
        if part.x_model is not None:
            by_key[part.key].append(part)
    variance = 0.0
    for members in by_key.values():
        if members[0].sigma2 is None:
            return None, None
        variance += prediction_variance(members[0].sigma2, members[0].x_model or 0.0,
                                        sum(m.x or 0.0 for m in members))
    se = math.sqrt(variance)
    if total == 0:
        return se, None if se > 0 else 0.0
    return se, 100.0 * se / abs(total)


def default_aggregates(year: int) -> list[str]:
    """EKG01–EKG17, EKA##, EAK, EAKUO and EAB of ``year``."""
    codes = [r.code for r in regions_of(year, "kostragruppe")]
    codes += [r.code for r in regions_of(year, "aggregate")
              if r.code.startswith("EKA") or r.code in ("EAK", "EAKUO", "EAB")]
    return codes


def _parts(session: Session, ids: list[int]) -> dict[int, ModelPart]:
    found: dict[int, ModelPart] = {}
    for start in range(0, len(ids), 500):
        for estimate_id, model_json in session.execute(select(Estimate.id, Estimate.model_json).where(
                Estimate.id.in_(ids[start:start + 500]))):
            model = json.loads(model_json)
            found[estimate_id] = ModelPart(model.get("key", ""), model.get("sigma2"), model.get("x_model"),
                                           model.get("x"))
    return found


def _total(rows: pl.DataFrame, region: str, parts: Mapping[int, ModelPart]) -> AggregateTotal:
    status = rows["status"].to_list()
    valued = rows.filter(pl.col("status").is_in(
        [ValueStatus.REPORTED.value, ValueStatus.EDITED.value, ValueStatus.ESTIMATED.value]))
    texts = [t for t in valued["value_text"].to_list() if t is not None]
    total = sum((Decimal(t) for t in texts), Decimal(0)) if texts else None
    estimated = rows.filter(pl.col("status") == ValueStatus.ESTIMATED.value)
    carried = estimated.filter(pl.col("estimate_method") == "carry_forward").height
    own = [parts[i] for i in estimated["estimate_id"].to_list() if i in parts]
    se, cv = aggregate_cv(own, float(total or 0)) if total is not None else (None, None)
    return AggregateTotal(region, total, rows.height, sum(s in (ValueStatus.REPORTED, ValueStatus.EDITED)
                                                          for s in status),
                          status.count(ValueStatus.NIL.value), estimated.height,
                          status.count(ValueStatus.MISSING.value) + status.count(
                              ValueStatus.PREFILLED_UNCONFIRMED.value), carried, se, cv)


def estimate_totals(session: Session, year: int, form_id: str, field_name: str,
                    regions: Iterable[str] | None = None, *, as_of: date | None = None) -> list[AggregateTotal]:
    """Per aggregate (default :func:`default_aggregates`): the total of ``form_id``/``field_name`` over its
    units, from reported, edited and estimated values (the newest estimation run), with the counts and CV.

    Raises UnknownRegion for a code that is not a region of ``year``.
    """
    codes = list(regions) if regions is not None else default_aggregates(year)
    frame = year_values(session, year, as_of=as_of, forms=[form_id], include_estimates=True).filter(
        (pl.col("field_name") == field_name) & pl.col("row_key").is_null())
    ids = [i for i in frame["estimate_id"].to_list() if i is not None]
    parts = _parts(session, ids)
    return [_total(frame.filter(pl.col("unit_code").is_in(base_units(year, code))), code, parts)
            for code in codes]
