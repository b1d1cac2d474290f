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

Linked tables (``audit_linked``) are audited as one system: their published cells are stacked as equations over
the union of their inner cells (an inner cell shown by two tables is one unknown), so a cell that is safe in
each table alone but follows from the two together is found.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from kostra.disclosure.suppress import SuppressionResult

__all__ = ["AuditReport", "CellInterval", "LinkedTable", "audit", "audit_linked"]

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
    rows = sp.csr_matrix(sp.csc_matrix(result.table.x, dtype=float).T)  # cells × inner cells
    required = {int(c): _required(result, int(c), n, k) for c in np.flatnonzero(result.suppressed)}
    system = _System(rows, result.values.astype(float), result.inner_values.astype(float),
                     np.asarray(result.suppressed, dtype=bool), np.asarray(result.primary, dtype=bool), required)
    return AuditReport(_intervals(system, progress))


@dataclass(frozen=True)
class LinkedTable:
    """One table of a set audited together: ``keys`` names each inner cell (``result.table.inner``'s rows) so
    that inner cells of different tables with equal keys are one unknown (e.g. (form, field, region))."""

    name: str
    result: SuppressionResult
    keys: Sequence[Hashable]
    n: tuple[int, ...] = ()
    k: tuple[float, ...] = ()


def audit_linked(tables: Sequence[LinkedTable],
                 progress: Callable[[int, int], None] | None = None) -> dict[str, AuditReport]:
    """The audit of linked tables as one system: every table's published cells are equations over the union
    of their inner cells, so a suppressed cell that another table's published cells give away is found.
    Returns each table's report (cells numbered as in its own result). Inner cells with the same key but
    different values are not the same quantity and stay separate unknowns."""
    unknown: dict[Hashable, int] = {}
    inner_values: list[float] = []
    mapped: list[np.ndarray] = []
    for table in tables:
        values = table.result.inner_values.astype(float)
        if len(table.keys) != len(values):
            raise ValueError(f"table {table.name}: {len(table.keys)} keys for {len(values)} inner cells")
        columns = np.empty(len(values), dtype=np.int64)
        for i, (key, value) in enumerate(zip(table.keys, values, strict=True)):
            at = unknown.get(key)
            if at is not None and abs(inner_values[at] - value) > TOLERANCE * max(1.0, abs(value)):
                key, at = (table.name, key), None
            if at is None:
                at = unknown[key] = len(inner_values)
                inner_values.append(float(value))
            columns[i] = at
        mapped.append(columns)
    blocks, offsets, required = [], [], {}
    offset = 0
    for table, columns in zip(tables, mapped, strict=True):
        x = sp.csc_matrix(table.result.table.x, dtype=float)
        select = sp.csr_matrix((np.ones(len(columns)), (np.arange(len(columns)), columns)),
                               shape=(len(columns), len(inner_values)))
        blocks.append(sp.csr_matrix(x.T @ select))
        for c in np.flatnonzero(table.result.suppressed):
            required[offset + int(c)] = _required(table.result, int(c), table.n, table.k)
        offsets.append(offset)
        offset += x.shape[1]
    system = _System(sp.csr_matrix(sp.vstack(blocks)),
                     np.concatenate([t.result.values.astype(float) for t in tables]), np.asarray(inner_values),
                     np.concatenate([np.asarray(t.result.suppressed, dtype=bool) for t in tables]),
                     np.concatenate([np.asarray(t.result.primary, dtype=bool) for t in tables]), required)
    found = _intervals(system, progress)
    reports: dict[str, AuditReport] = {}
    for table, start in zip(tables, offsets, strict=True):
        end = start + len(table.result.values)
        reports[table.name] = AuditReport([replace(i, cell=i.cell - start) for i in found if start <= i.cell < end])
    return reports


@dataclass(frozen=True)
class _System:
    rows: sp.csr_matrix  # cells × inner cells (unknowns)
    values: np.ndarray  # per cell
    inner_values: np.ndarray  # per unknown
    suppressed: np.ndarray
    primary: np.ndarray
    required: dict[int, float]  # per suppressed cell


def _signature(rows: sp.csr_matrix, cell: int) -> tuple[bytes, bytes]:
    start, end = rows.indptr[cell], rows.indptr[cell + 1]
    order = np.argsort(rows.indices[start:end])
    return rows.indices[start:end][order].tobytes(), rows.data[start:end][order].tobytes()


def _intervals(system: _System, progress: Callable[[int, int], None] | None) -> list[CellInterval]:
    rows, values, inner_values = system.rows, system.values, system.inner_values
    suppressed = np.flatnonzero(system.suppressed)
    published = np.flatnonzero(~system.suppressed)
    counts = np.diff(rows.indptr)
    fixed = np.zeros(rows.shape[1], dtype=bool)
    for j in published:  # a published cell of one inner cell gives that inner cell away
        if counts[j] == 1 and rows.data[rows.indptr[j]] != 0:
            fixed[rows.indices[rows.indptr[j]]] = True
    free = np.flatnonzero(~fixed)
    fixed_part = np.asarray(rows[:, fixed] @ inner_values[fixed]).ravel()
    a = sp.csr_matrix(rows[:, free])  # cells × free inner cells
    a_pub = a[published, :]
    keep = np.diff(a_pub.indptr) > 0
    a_eq = a_pub[keep, :]
    b_eq = (values[published] - fixed_part[published])[keep]
    a_eq, b_eq = _unique_rows(a_eq, b_eq)
    nonnegative = bool((inner_values >= 0).all())
    bounds = (0, None) if nonnegative else (None, None)
    solve = _solver(a_eq, b_eq, bounds)
    intervals = []
    solved: dict[tuple[bytes, bytes], tuple[float, float]] = {}  # a cell shared by linked tables: once
    for done, cell in enumerate(suppressed):
        if progress is not None and done % 100 == 0:
            progress(done, len(suppressed))
        signature = _signature(a, int(cell))
        if signature not in solved:
            objective = a[cell, :].toarray().ravel()
            solved[signature] = (0.0, 0.0) if not objective.any() else (solve(objective), -solve(-objective))
        lower, upper = solved[signature]
        offset = fixed_part[cell]
        intervals.append(CellInterval(int(cell), float(values[cell]), lower + offset, upper + offset,
                                      bool(system.primary[cell]), system.required.get(int(cell), 0.0)))
    return intervals


def _unique_rows(a_eq: sp.csr_matrix, b_eq: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """The equations without repeats (linked tables publish their shared cells once each)."""
    seen: dict[tuple[bytes, bytes], int] = {}
    keep = []
    for row in range(a_eq.shape[0]):
        signature = _signature(a_eq, row)
        if signature not in seen:
            seen[signature] = row
            keep.append(row)
    if len(keep) == a_eq.shape[0]:
        return a_eq, b_eq
    return sp.csr_matrix(a_eq[keep, :]), b_eq[keep]


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
    costed = np.zeros(0, dtype=np.int32)  # the columns the last objective set

    def solve(objective: np.ndarray) -> float:
        nonlocal costed
        # only a cell's few inner cells have a cost: reset the last ones and set these (not all n columns)
        if costed.size:
            highs.changeColsCost(costed.size, costed, np.zeros(costed.size))
        costed = np.flatnonzero(objective).astype(np.int32)
        highs.changeColsCost(costed.size, costed, objective[costed].astype(float))
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
