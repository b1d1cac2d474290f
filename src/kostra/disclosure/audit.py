"""An audit of a suppressed table by linear programming (HiGHS through ``scipy.optimize.linprog``).

Independently of the elimination: an attacker knows every published cell and that inner cells are not
negative (when the data has no negative values). For each suppressed cell the audit computes the smallest and
largest value it can take under those facts (its feasible interval). A cell whose interval has no width can be
derived exactly: the suppression failed. For magnitude tables the audit also checks the protection the primary
rule requires: the interval must reach that far both above and below the true value, so that the largest
contributor(s) can no longer be estimated closely (p % rule: ``p/100 · c1 − (X − c1 − c2)``; (n, k) rule:
``100/k · (c1+…+cn) − X``), as Tau-Argus' upper and lower protection levels.

Inner cells that are themselves published cells are fixed at their values before solving, which keeps the
programs small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from kostra.disclosure.suppress import SuppressionResult

__all__ = ["AuditReport", "CellInterval", "audit"]

TOLERANCE = 1e-6


@dataclass(frozen=True)
class CellInterval:
    """The feasible interval of one suppressed cell."""

    cell: int
    value: float
    lower: float
    upper: float
    primary: bool
    required: float = 0.0  # protection the primary rule requires above the value (magnitude tables)

    @property
    def exact(self) -> bool:
        return self.upper - self.lower <= TOLERANCE * max(1.0, abs(self.value))

    @property
    def protected(self) -> bool:
        if self.exact:
            return False
        slack = TOLERANCE * max(1.0, abs(self.value))
        return self.upper - self.value >= self.required - slack and self.value - self.lower >= self.required - slack


@dataclass
class AuditReport:
    """Intervals of all suppressed cells; ``passed`` when none is exact, ``protected`` when all reach the rule."""

    intervals: list[CellInterval]

    @property
    def passed(self) -> bool:
        return not any(i.exact for i in self.intervals)

    @property
    def protected(self) -> bool:
        return all(i.protected for i in self.intervals)

    @property
    def exact_cells(self) -> list[int]:
        return [i.cell for i in self.intervals if i.exact]


def _required(result: SuppressionResult, cell: int, n: tuple[int, ...], k: tuple[float, ...]) -> float:
    contrib = result.contributions
    if not result.magnitude or contrib is None or not result.primary[cell]:
        return 0.0
    total = contrib.total[cell]
    top = contrib.top[cell]
    needs = [0.0]
    if result.p_percent is not None:
        needs.append(result.p_percent / 100 * top[0] - (total - top[0] - top[1]))
    cumulative = np.cumsum(top)
    needs += [100 / k_i * cumulative[n_i - 1] - total for n_i, k_i in zip(n, k, strict=True)]
    return max(needs)


def audit(result: SuppressionResult, *, n: tuple[int, ...] = (), k: tuple[float, ...] = (),
          progress: Callable[[int, int], None] | None = None) -> AuditReport:
    """Feasible interval of every suppressed cell, by two linear programs each (min and max).

    ``n`` and ``k`` are the dominance rule's, for the protection check; ``progress(done, total)`` is called
    now and then.
    """
    x = sp.csc_matrix(result.table.x, dtype=float)
    values = result.values.astype(float)
    inner_values = result.inner_values.astype(float)
    suppressed = np.flatnonzero(result.suppressed)
    published = np.flatnonzero(~result.suppressed)
    counts = np.diff(x.indptr)
    fixed = np.zeros(x.shape[0], dtype=bool)
    for j in published:
        if counts[j] == 1 and x.data[x.indptr[j]] != 0:
            fixed[x.indices[x.indptr[j]]] = True
    free = np.flatnonzero(~fixed)
    xr = sp.csr_matrix(x)
    fixed_part = np.asarray(xr[fixed, :].T @ inner_values[fixed]).ravel()
    a = sp.csr_matrix(xr[free, :].T)  # cells × free inner cells
    a_pub = a[published, :]
    keep = np.diff(a_pub.indptr) > 0
    a_eq = a_pub[keep, :]
    b_eq = (values[published] - fixed_part[published])[keep]
    nonnegative = bool((inner_values >= 0).all())
    bounds = (0, None) if nonnegative else (None, None)
    solve = _solver(a_eq, b_eq, bounds)
    intervals = []
    for done, cell in enumerate(suppressed):
        if progress is not None and done % 100 == 0:
            progress(done, len(suppressed))
        objective = a[cell, :].toarray().ravel()
        offset = fixed_part[cell]
        if not objective.any():
            lower = upper = offset
        else:
            lower = solve(objective) + offset
            upper = -solve(-objective) + offset
        intervals.append(CellInterval(int(cell), float(values[cell]), lower, upper, bool(result.primary[cell]),
                                      _required(result, int(cell), n, k)))
    return AuditReport(intervals)


def _solver(a_eq: sp.csr_matrix, b_eq: np.ndarray,
            bounds: tuple[float | None, None]) -> Callable[[np.ndarray], float]:
    """One HiGHS model kept between the programs (only the objective changes, so each solve starts from the
    last basis); SciPy's ``linprog`` when its bundled HiGHS class is not available."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - depends on the SciPy build
        return lambda objective: _solve(objective, a_eq, b_eq, bounds)
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    # only the objective changes between solves: primal simplex from the last basis takes a few iterations
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("simplex_strategy", 4)
    n = a_eq.shape[1]
    inf = highs.getInfinity()
    lower = np.zeros(n) if bounds[0] == 0 else np.full(n, -inf)
    highs.addVars(n, lower, np.full(n, inf))
    csr = sp.csr_matrix(a_eq)
    if csr.shape[0]:
        highs.addRows(csr.shape[0], b_eq, b_eq, csr.nnz, csr.indptr[:-1].astype(np.int32),
                      csr.indices.astype(np.int32), csr.data)
    columns = np.arange(n, dtype=np.int32)

    def solve(objective: np.ndarray) -> float:
        highs.changeColsCost(n, columns, objective.astype(float))
        highs.run()
        status = highs.getModelStatus()
        if status == _core.HighsModelStatus.kUnbounded:
            return -np.inf
        if status != _core.HighsModelStatus.kOptimal:
            return _solve(objective, a_eq, b_eq, bounds)
        return float(highs.getInfo().objective_function_value)

    return solve


def _solve(objective: np.ndarray, a_eq: sp.csr_matrix, b_eq: np.ndarray, bounds: tuple[float | None, None]) -> float:
    if a_eq.shape[0] == 0:
        solution = linprog(objective, bounds=bounds, method="highs")
    else:
        solution = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if solution.status == 3:  # unbounded
        return -np.inf
    if solution.status != 0:
        raise RuntimeError(f"the audit's linear program failed: {solution.message}")
    return float(solution.fun)
