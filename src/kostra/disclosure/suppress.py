"""Suppress a table as GaussSuppression's ``GaussSuppressionFromData`` and its wrappers do.

``suppress(data, SuppressionSpec(fun=Fun.SUPPRESS_SMALL_COUNTS, max_n=3, ...))`` builds the table, applies the
primary rules, orders the candidates, runs the elimination and returns the output cells in R's order and
columns, with ``primary`` and ``suppressed``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import polars as pl

from kostra.disclosure.candidates import candidates_default, candidates_num
from kostra.disclosure.gauss import gauss_suppression
from kostra.disclosure.inputs import TableInputError
from kostra.disclosure.output import output_frame
from kostra.disclosure.rules import (
    Contributions,
    contributions,
    dominance_rule,
    frequency_rule,
    n_contributors_rule,
    p_percent_rule,
)
from kostra.disclosure.table import HierarchySpec, Table, build_table

__all__ = ["Fun", "PrimaryRule", "SuppressionResult", "SuppressionSpec", "suppress"]


class Fun(StrEnum):
    """The R functions of GaussSuppression this engine reproduces."""

    GAUSS_SUPPRESSION_FROM_DATA = "GaussSuppressionFromData"
    SUPPRESS_SMALL_COUNTS = "SuppressSmallCounts"
    SUPPRESS_DOMINANT_CELLS = "SuppressDominantCells"
    SUPPRESS_FEW_CONTRIBUTORS = "SuppressFewContributors"


class PrimaryRule(StrEnum):
    """Primary rules, named as in GaussSuppression."""

    PRIMARY_DEFAULT = "PrimaryDefault"
    DOMINANCE_RULE = "DominanceRule"
    N_CONTRIBUTORS_RULE = "NContributorsRule"


@dataclass(frozen=True)
class SuppressionSpec:
    """The arguments of the R call (R's names in the docstrings of the CLI options)."""

    fun: Fun = Fun.GAUSS_SUPPRESSION_FROM_DATA
    hierarchies: Mapping[str, HierarchySpec] | None = None
    dim_var: Sequence[str] | None = None
    formula: str | None = None
    freq_var: str | None = None
    num_var: Sequence[str] = ()
    contributor_var: str | None = None
    max_n: int | None = None
    protect_zeros: bool | None = None
    secondary_zeros: bool = False
    extend0: bool | None = None
    remove_empty: bool | None = None
    n: Sequence[int] = ()
    k: Sequence[float] = ()
    p_percent: float | None = None
    all_dominance: bool = False
    primary: Sequence[PrimaryRule] = field(default_factory=tuple)

    @property
    def magnitude(self) -> bool:
        return self.fun in (Fun.SUPPRESS_DOMINANT_CELLS, Fun.SUPPRESS_FEW_CONTRIBUTORS)

    def rules(self) -> list[PrimaryRule]:
        if self.fun is Fun.SUPPRESS_DOMINANT_CELLS:
            return [PrimaryRule.DOMINANCE_RULE]
        if self.fun is Fun.SUPPRESS_FEW_CONTRIBUTORS:
            return [PrimaryRule.N_CONTRIBUTORS_RULE]
        return list(self.primary) or [PrimaryRule.PRIMARY_DEFAULT]


@dataclass
class SuppressionResult:
    """The suppressed table: output cells (R's rows and columns) and what the audit needs."""

    table: Table
    cells: pl.DataFrame
    primary: np.ndarray
    suppressed: np.ndarray
    values: np.ndarray          # the published measure per cell: count, or value for magnitude tables
    inner_values: np.ndarray
    magnitude: bool
    contributions: Contributions | None = None
    p_percent: float | None = None


def _defaults(spec: SuppressionSpec) -> tuple[int, bool, bool]:
    if spec.fun in (Fun.SUPPRESS_SMALL_COUNTS, Fun.SUPPRESS_FEW_CONTRIBUTORS) and spec.max_n is None:
        raise TableInputError(f"{spec.fun.value} needs --maxN (the largest count to suppress)")
    max_n = 3 if spec.max_n is None else spec.max_n
    if max_n < 0:
        raise TableInputError(f"maxN {max_n}: expected 0 or more")
    if len(spec.n) != len(spec.k):
        raise TableInputError(f"n ({len(spec.n)} values) and k ({len(spec.k)} values) must have the same length, "
                              "e.g. n = 1,2 and k = 65,85")
    if any(n < 1 for n in spec.n) or any(not 0 < k <= 100 for k in spec.k):
        raise TableInputError("dominance rule: n must be 1 or more and k a percentage in (0, 100]")
    if spec.p_percent is not None and not 0 < spec.p_percent < 100:
        raise TableInputError(f"pPercent {spec.p_percent:g}: expected a percentage between 0 and 100")
    protect = spec.protect_zeros
    if protect is None:
        protect = not spec.magnitude
    extend0 = spec.extend0 if spec.extend0 is not None else spec.fun is Fun.SUPPRESS_SMALL_COUNTS
    return max_n, protect, extend0


def _check_values(data: pl.DataFrame, names: Sequence[str], source: str, *, counts: bool) -> pl.DataFrame:
    for name in names:
        column = data[name]
        missing = np.flatnonzero(column.is_null().to_numpy())
        if len(missing):
            raise TableInputError(f"{source} line {int(missing[0]) + 2}, column {name}: the value is missing (NA or "
                                  "empty); expected a number")
        if column.dtype == pl.String:
            converted = column.str.strip_chars().cast(pl.Float64, strict=False)
            bad = np.flatnonzero(converted.is_null().to_numpy())
            if len(bad):
                row = int(bad[0])
                raise TableInputError(f"{source} line {row + 2}, column {name}: {column[row]!r} is not a number")
            data = data.with_columns(converted.alias(name))
        if counts:
            values = data[name].to_numpy()
            negative = np.flatnonzero(values < 0)
            if len(negative):
                row = int(negative[0])
                raise TableInputError(f"{source} line {row + 2}, column {name}: {values[row]:g} is negative; "
                                      "counts must be 0 or more")
            if (values != np.round(values)).any():
                row = int(np.flatnonzero(values != np.round(values))[0])
                raise TableInputError(f"{source} line {row + 2}, column {name}: {values[row]:g} is not a whole "
                                      "number; counts must be integers")
            data = data.with_columns(pl.col(name).cast(pl.Int64))
    return data


def _prepare(data: pl.DataFrame, spec: SuppressionSpec, source: str) -> pl.DataFrame:
    """Check the named columns exist and convert counts and values to numbers (TableInputError if not)."""
    if spec.contributor_var and spec.contributor_var not in data.columns:
        raise TableInputError(f"{source}: contributorVar {spec.contributor_var!r} is not a column; the columns are "
                              f"{', '.join(data.columns)}")
    if spec.freq_var:
        if spec.freq_var not in data.columns:
            raise TableInputError(f"{source}: freqVar {spec.freq_var!r} is not a column")
        data = _check_values(data, [spec.freq_var], source, counts=True)
    for name in spec.num_var:
        if name not in data.columns:
            raise TableInputError(f"{source}: numVar {name!r} is not a column")
    return _check_values(data, list(spec.num_var), source, counts=False)


def _primary(spec: SuppressionSpec, table: Table, freq: np.ndarray, max_n: int, protect: bool,
             contrib: Contributions | None) -> np.ndarray:
    primary = np.zeros(len(freq), dtype=bool)
    for rule in spec.rules():
        if rule is PrimaryRule.PRIMARY_DEFAULT:
            primary |= frequency_rule(freq, max_n, protect)
        elif rule is PrimaryRule.DOMINANCE_RULE:
            assert contrib is not None
            if spec.n:
                primary |= dominance_rule(contrib, spec.n, spec.k)
            if spec.p_percent is not None:
                primary |= p_percent_rule(contrib, spec.p_percent)
        else:
            assert contrib is not None
            primary |= n_contributors_rule(contrib, max_n)
    if spec.magnitude and protect:
        values = contrib.total if contrib is not None else freq
        primary |= values == 0
    return primary


def _singleton(spec: SuppressionSpec, table: Table, protect: bool) -> tuple[np.ndarray, str]:
    inner = table.inner
    if not spec.magnitude:
        freq = inner["freq"].to_numpy()
        return (freq == 0) if protect else (freq == 1), "anySum"
    single = inner["n_unique"].to_numpy() == 1
    if spec.contributor_var is None:
        return single, "numttHTT"
    codes = inner["_contributor"].to_list()
    labels = sorted({str(codes[i]) for i in np.flatnonzero(single)})
    rank = {label: k + 1 for k, label in enumerate(labels)}
    ids = np.array([rank[str(codes[i])] if single[i] else 0 for i in range(len(codes))], dtype=np.int64)
    return ids, "numttHTT"


def _contributions(spec: SuppressionSpec, table: Table, rules: list[PrimaryRule]) -> Contributions | None:
    needs = spec.magnitude or any(r is not PrimaryRule.PRIMARY_DEFAULT for r in rules)
    if not needs:
        return None
    if not spec.num_var:
        raise TableInputError(f"{spec.fun.value} with {', '.join(r.value for r in rules)} needs --numVar")
    data = table.data
    values = data[spec.num_var[0]].to_numpy().astype(float)
    if spec.contributor_var:
        contributor = [str(v) for v in data[spec.contributor_var].to_list()]
    else:
        contributor = [str(i + 1) for i in range(data.height)]
    x_micro = table.x[table.micro_inner, :]
    depth = max([*spec.n, 2])
    return contributions(x_micro, values, contributor, depth)


def _forced_mask(table: Table, forced: set[tuple[str, ...]]) -> np.ndarray:
    return np.array([tuple(cell) in forced for cell in table.model.cells], dtype=bool)


def suppress(data: pl.DataFrame, spec: SuppressionSpec, *, source: str = "data",
             progress: Callable[[int, int], None] | None = None,
             forced: Collection[tuple[str, ...]] = ()) -> SuppressionResult:
    """Primary and secondary suppression of the table ``spec`` describes; raises TableInputError on bad input.

    ``progress(done, total)`` reports the elimination's candidates now and then. ``forced`` cells (their codes,
    one per dimension in order) are primary whatever the rules say: publishing suppresses linked tables
    consistently this way.
    """
    if spec.k and not spec.n:  # R's default n = 1:length(k)
        spec = replace(spec, n=tuple(range(1, len(spec.k) + 1)))
    max_n, protect, extend0 = _defaults(spec)
    data = _prepare(data, spec, source)
    table = build_table(data, source=source, hierarchies=spec.hierarchies, dim_var=spec.dim_var,
                        formula=spec.formula, freq_var=spec.freq_var, num_vars=spec.num_var,
                        contributor_var=spec.contributor_var, extend0=extend0, remove_empty=spec.remove_empty,
                        aggregate=spec.magnitude)
    x = table.x
    freq = np.asarray(x.T @ table.inner["freq"].to_numpy()).ravel()
    rules = spec.rules()
    contrib = _contributions(spec, table, rules)
    primary = _primary(spec, table, freq, max_n, protect, contrib)
    if forced:
        primary |= _forced_mask(table, set(forced))
    if spec.magnitude:
        num = np.asarray(x.T @ table.inner[spec.num_var[0]].to_numpy().astype(float)).ravel()
        order = candidates_num(freq, num, x, secondary_zeros=spec.secondary_zeros)
    else:
        order = candidates_default(freq, x, secondary_zeros=spec.secondary_zeros)
    singleton, method = _singleton(spec, table, protect)
    secondary = gauss_suppression(x, order, np.flatnonzero(primary).tolist(), singleton=singleton,
                                  singleton_method=method, progress=progress)
    suppressed = primary.copy()
    suppressed[secondary] = True
    cells = output_frame(spec, table, freq, contrib, primary, suppressed)
    if spec.magnitude:
        values, inner_values = num, table.inner[spec.num_var[0]].to_numpy().astype(float)
    else:
        values, inner_values = freq, table.inner["freq"].to_numpy()
    return SuppressionResult(table, cells, primary, suppressed, values, inner_values, spec.magnitude, contrib,
                             spec.p_percent)
