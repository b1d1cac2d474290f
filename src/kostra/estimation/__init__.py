"""Estimates for late units (non-respondents), as Statistics Norway's R package ``Kostra`` makes them.

    >>> from kostra.estimation import estimate_year, estimate_totals
    >>> result = estimate_year(session, 2025, actor="statistiker")        # stores an estimation run
    >>> [t.cv_percent for t in estimate_totals(session, 2025, "1", "antall_leger", ["EAK"])]

The estimates reach everyone else through ``kostra.dataset.year_values(..., include_estimates=True)``
(status ``estimated``); docs/estimation.md gives the method and the formulas.
"""

from kostra.estimation.cells import CellEstimate, FieldInputs, estimate_field
from kostra.estimation.ratio import LIMIT_ITERATE, LIMIT_MODEL, RatioFit, fit_ratio, prediction_variance
from kostra.estimation.runs import METHOD_NOTE, FieldCount, RunResult, compute_estimates, estimate_year
from kostra.estimation.totals import AggregateTotal, ModelPart, aggregate_cv, default_aggregates, estimate_totals

__all__ = [
    "LIMIT_ITERATE",
    "LIMIT_MODEL",
    "METHOD_NOTE",
    "AggregateTotal",
    "CellEstimate",
    "FieldCount",
    "FieldInputs",
    "ModelPart",
    "RatioFit",
    "RunResult",
    "aggregate_cv",
    "compute_estimates",
    "default_aggregates",
    "estimate_field",
    "estimate_totals",
    "estimate_year",
    "fit_ratio",
    "prediction_variance",
]
