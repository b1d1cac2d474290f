"""What the statistical checks share: the result object, parameter checks and column access."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import polars as pl

from kostra.errors import UsageError

__all__ = [
    "MethodResult",
    "MethodWarning",
    "check_range",
    "float_column",
    "id_column",
    "strata_column",
    "usable",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MethodWarning:
    """A warning the R function would give, kept as data (never a Python warning)."""

    message: str
    stratum: str | None = None

    def __str__(self) -> str:
        return self.message if self.stratum is None else f"stratum {self.stratum}: {self.message}"


@dataclass(frozen=True)
class MethodResult:
    """The output frame of a check (columns and rows as the R function) and its warnings."""

    frame: pl.DataFrame
    warnings: tuple[MethodWarning, ...] = field(default_factory=tuple)

    def flagged(self, column: str = "outlier") -> list[object]:
        """Ids of the units with ``column == 1``, in output order."""
        return self.frame.filter(pl.col(column) == 1)["id"].to_list()


def warn(warnings: list[MethodWarning], message: str, stratum: str | None = None) -> None:
    """Record an R warning and log it at INFO (a log record, not a Python warning)."""
    item = MethodWarning(message, stratum)
    warnings.append(item)
    log.info("%s", item)


def check_range(name: str, value: float, low: float, high: float) -> float:
    """R's ``CheckInput(value, min=low, max=high, type="numeric")`` for one parameter."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"parameter {name} must be one number, got {value!r}")
    if math.isnan(value) or not low <= value <= high:
        upper = "∞" if math.isinf(high) else f"{high:g}"
        raise UsageError(f"parameter {name} must be in [{low:g}, {upper}], got {value!r}")
    return float(value)


def _column(frame: pl.DataFrame, name: str, role: str) -> pl.Series:
    if name not in frame.columns:
        raise UsageError(
            f"column {name!r} given as {role} does not exist; available columns: {', '.join(frame.columns)}"
        )
    return frame[name]


def id_column(frame: pl.DataFrame, name: str) -> pl.Series:
    """The identifier column."""
    return _column(frame, name, "id")


def float_column(frame: pl.DataFrame, name: str, role: str) -> list[float | None]:
    """A numeric column as Python floats (None where missing)."""
    series = _column(frame, name, role)
    if series.dtype == pl.Null:
        return [None] * len(series)
    if not series.dtype.is_numeric():
        raise UsageError(f"column {name!r} given as {role} must be numeric, it is {series.dtype}")
    return [None if v is None else float(v) for v in series.cast(pl.Float64).to_list()]


def strata_column(frame: pl.DataFrame, name: str) -> tuple[list[str], list[str]]:
    """Stratum label of each row and the labels in R's ``sort(unique(.))`` order.

    A numeric stratum column sorts numerically, any other by its text (R would use the locale's
    collation; plain code-point order is used here). A missing stratum value is refused: in R it
    produces rows that are entirely NA.
    """
    series = _column(frame, name, "strata")
    values = series.to_list()
    missing = [i + 1 for i, v in enumerate(values) if v is None or (isinstance(v, float) and math.isnan(v))]
    if missing:
        raise UsageError(f"stratum column {name!r} has missing values in rows {missing[:10]}")
    if series.dtype.is_numeric():
        ordered = sorted(set(values))
        labels = {v: _r_number_label(v) for v in ordered}
        return [labels[v] for v in values], [labels[v] for v in ordered]
    texts = [str(v) for v in values]
    return texts, sorted(set(texts))


def _r_number_label(value: float) -> str:
    """R's ``as.character`` of a number: integers without decimals, else 15 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def usable(a: float | None, b: float | None) -> bool:
    """Both values present and strictly positive: the only units the R checks compute on."""
    return a is not None and b is not None and a > 0 and b > 0
