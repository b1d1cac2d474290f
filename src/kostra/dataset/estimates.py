"""Estimates for late units laid into the year's values (``year_values(..., include_estimates=True)``).

The newest estimation run of the year (made by the end of ``as_of`` when given) counts. An estimate fills
only a cell whose form the unit has not submitted (status ``missing``, or ``prefilled_unconfirmed``, with no
submission): once the unit reports, its own value stands and the estimate is ignored. An estimated cell
has status ``estimated``, ``estimate_id`` and ``estimate_method``; it is never the unit's own figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset.records import end_of_day
from kostra.dataset.status import ValueStatus
from kostra.store.models import Estimate, EstimationRun

__all__ = ["ESTIMABLE_STATUSES", "latest_run", "with_estimates"]

# A cell an estimate may fill: expected, not received (a draft with unconfirmed pre-fill is not received either).
ESTIMABLE_STATUSES = (ValueStatus.MISSING.value, ValueStatus.PREFILLED_UNCONFIRMED.value)


def latest_run(session: Session, year: int, as_of: date | None = None) -> EstimationRun | None:
    """The newest estimation run of ``year`` (made by the end of ``as_of`` when given), or None."""
    query = select(EstimationRun).where(EstimationRun.year == year)
    if as_of is not None:
        query = query.where(EstimationRun.created_at <= end_of_day(as_of))
    return session.scalar(query.order_by(EstimationRun.id.desc()).limit(1))


def with_estimates(session: Session, frame: pl.DataFrame, year: int, as_of: date | None,
                   forms: Iterable[str] | None) -> pl.DataFrame:
    """``frame`` with the cells of late units filled from the newest run's estimates."""
    run = latest_run(session, year, as_of)
    if run is None or frame.is_empty():
        return frame
    query = select(Estimate.id, Estimate.form_id, Estimate.unit_code, Estimate.field_name, Estimate.value_text,
                   Estimate.method).where(Estimate.run_id == run.id)
    if forms is not None:
        query = query.where(Estimate.form_id.in_(list(forms)))
    rows = session.execute(query).all()
    if not rows:
        return frame
    estimates = pl.DataFrame(rows, schema={"_estimate_id": pl.Int64, "form_id": pl.String, "unit_code": pl.String,
                                           "field_name": pl.String, "_estimate_text": pl.String,
                                           "_estimate_method": pl.String}, orient="row")
    joined = frame.join(estimates, on=["form_id", "unit_code", "field_name"], how="left")
    fills = (pl.col("_estimate_id").is_not_null() & pl.col("status").is_in(ESTIMABLE_STATUSES)
             & pl.col("submission_id").is_null() & pl.col("row_key").is_null())
    return joined.with_columns(
        pl.when(fills).then(pl.lit(ValueStatus.ESTIMATED.value)).otherwise(pl.col("status")).alias("status"),
        pl.when(fills).then(pl.col("_estimate_text")).otherwise(pl.col("value_text")).alias("value_text"),
        pl.when(fills).then(pl.col("_estimate_text").cast(pl.Float64)).otherwise(pl.col("value_number"))
        .alias("value_number"),
        pl.when(fills).then(pl.lit(f"estimated for a late unit (estimation run {run.id})"))
        .otherwise(pl.col("note")).alias("note"),
        pl.when(fills).then(pl.col("_estimate_id")).otherwise(pl.col("estimate_id")).alias("estimate_id"),
        pl.when(fills).then(pl.col("_estimate_method")).otherwise(pl.col("estimate_method")).alias("estimate_method"),
    ).select(frame.columns)
