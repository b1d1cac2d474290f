"""Secondary suppression by Gaussian elimination, as SSBtools' ``GaussSuppression`` does it.

The model matrix ``x`` (inner cells × publishable cells) is reduced one candidate column at a time, in the
order the candidates are given. A candidate that would make a primary cell a linear combination of published
cells (its reduced column is proportional to a reduced primary column) is suppressed instead of published;
otherwise it becomes a pivot and is eliminated from every later candidate and every primary column.

Integer arithmetic throughout: Python integers do not overflow, so R's switch to floating point on integer
overflow never happens here (docs/disclosure-control.md, "Deviations").

Singletons (inner cells a respondent could subtract itself from) are handled as in SSBtools 1.8:

* frequency tables, method ``anySum`` (with its ``anySumNOTprimary`` variant);
* magnitude tables, the ``num…`` methods decoded by :func:`decode_num_method` (``numttHTT`` by default):
  published singletons made primary, imaginary primary cells of two components (one a singleton contributor,
  the other an inner cell or a primary cell: the hierarchy search), and the singleton check inside the
  elimination.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kostra.disclosure.singleton import NumMethod, decode_num_method, extend_for_num_singletons

__all__ = ["NumMethod", "decode_num_method", "gauss_suppression"]

Column = dict[int, int]
Progress = Callable[[int, int], None]


def gauss_suppression(x: sp.spmatrix, candidates: Sequence[int], primary: Sequence[int], *,
                      singleton: np.ndarray | None = None, singleton_method: str = "anySum",
                      progress: Progress | None = None) -> list[int]:
    """Return the secondary suppressed cells (0-based column indices of ``x``), as R's ``GaussSuppression``.

    ``candidates`` lists the cells in the order they are tried for publication; primary cells among them are
    skipped. ``singleton`` is a boolean vector over inner cells (frequency methods) or an integer vector of
    contributor ids, 0 for non-singletons (``num…`` methods). ``progress(done, total)`` is called now and then.

    >>> import scipy.sparse as sp
    >>> x = sp.csc_matrix([[1, 1, 0], [1, 0, 1]])   # total, a, b
    >>> gauss_suppression(x, [0, 1, 2], [1])
    [2]
    """
    x = sp.csc_matrix(x, dtype=np.int64)
    x.eliminate_zeros()
    x.sort_indices()
    primary_list = list(dict.fromkeys(int(p) for p in primary))
    if not primary_list:
        return []
    # identical columns are decided once: a copy of a primary or secondary cell is suppressed with it
    groups, unique_cols = _duplicate_groups(x, primary_list)
    prim_u = list(dict.fromkeys(groups[p] for p in primary_list))
    prim_u_set = set(prim_u)
    cand_u = [g for g in dict.fromkeys(groups[int(c)] for c in candidates) if g not in prim_u_set]
    if singleton is None:
        singleton = np.zeros(x.shape[0], dtype=bool)
    secondary_u = _run(x[:, unique_cols], cand_u, prim_u, np.asarray(singleton), singleton_method, progress)
    suppressed_groups = set(secondary_u) | prim_u_set
    original_primary = set(primary_list)
    return [c for c in dict.fromkeys(int(c) for c in candidates)
            if groups[c] in suppressed_groups and c not in original_primary]


def _duplicate_groups(x: sp.csc_matrix, primary: list[int]) -> tuple[list[int], list[int]]:
    """Map each column to a group of identical columns (R: ``DummyDuplicatedSpec``).

    Empty primary columns are kept apart from empty candidates, as R marks them with −1.
    """
    primary_set = set(primary)
    keys: dict[tuple[object, ...], int] = {}
    groups: list[int] = []
    unique_cols: list[int] = []
    for j in range(x.shape[1]):
        start, end = x.indptr[j], x.indptr[j + 1]
        key: tuple[object, ...] = (tuple(x.indices[start:end].tolist()), tuple(x.data[start:end].tolist()))
        if start == end and j in primary_set:
            key = ("empty-primary",)
        if key not in keys:
            keys[key] = len(unique_cols)
            unique_cols.append(j)
        groups.append(keys[key])
    return groups, unique_cols


@dataclass
class _Setup:
    """The matrix after the singleton extensions, rows renumbered in R's elimination order."""

    a_cols: list[Column]
    b_cols: list[Column]
    n_orig_primary: int
    freq_singleton_start: int | None  # first row index that is a (frequency) singleton row
    not_primary_singletons: bool
    contributor: list[int] | None  # contributor id per (renumbered) row, for the num elimination check


def _run(x: sp.csc_matrix, candidates: list[int], primary: list[int], singleton: np.ndarray,
         method: str, progress: Progress | None) -> list[int]:
    num = decode_num_method(method)
    if num is not None:
        setup = _setup_num(x, candidates, primary, singleton, num)
    else:
        setup = _setup_freq(x, candidates, primary, singleton.astype(bool), method)
    flags = _eliminate(setup, x.shape[0], progress)
    return [c for c, flag in zip(candidates, flags, strict=True) if flag]


def _columns(x: sp.csc_matrix, cols: Sequence[int], new_row: np.ndarray) -> list[Column]:
    out: list[Column] = []
    for j in cols:
        start, end = x.indptr[j], x.indptr[j + 1]
        out.append({int(new_row[r]): int(v) for r, v in zip(x.indices[start:end], x.data[start:end], strict=True)
                    if v != 0})
    return out


def _setup_freq(x: sp.csc_matrix, candidates: list[int], primary: list[int], singleton: np.ndarray,
                method: str) -> _Setup:
    if method not in ("anySum", "anySumNOTprimary", "none"):
        raise ValueError(f"singleton method {method!r} is not implemented; use anySum, anySumNOTprimary or none")
    if method == "none" or not singleton.any():
        identity = np.arange(x.shape[0])
        return _Setup(_columns(x, candidates, identity), _columns(x, primary, identity), len(primary),
                      None, False, None)
    not_primary = method == "anySumNOTprimary" or _singletons_not_primary(x, primary, singleton)
    order = np.argsort(singleton, kind="stable")
    new_row = np.empty_like(order)
    new_row[order] = np.arange(len(order))
    start = int((~singleton).sum())
    if not not_primary:
        # primary cells made of singletons only are protected by anySum anyway (R drops them here)
        non_singleton_rows = ~singleton
        primary = [p for p in primary
                   if non_singleton_rows[x.indices[x.indptr[p]:x.indptr[p + 1]]].any()]
    return _Setup(_columns(x, candidates, new_row), _columns(x, primary, new_row), len(primary),
                  start, not_primary, None)


def _singletons_not_primary(x: sp.csc_matrix, primary: list[int], singleton: np.ndarray) -> bool:
    """Is some cell that is a single singleton inner cell left unprotected? Then R uses ``anySumNOTprimary``."""
    col_sums = np.asarray(x.sum(axis=0)).ravel()
    single_sums = np.asarray(x[singleton.astype(bool), :].sum(axis=0)).ravel()
    lone = (single_sums == 1) & (col_sums == 1)
    return bool(lone.sum() > lone[primary].sum())


def _setup_num(x: sp.csc_matrix, candidates: list[int], primary: list[int], singleton: np.ndarray,
               num: NumMethod) -> _Setup:
    contributor = np.asarray(singleton)
    if contributor.dtype == bool:
        ids = np.zeros(len(contributor), dtype=np.int64)
        ids[contributor] = np.arange(1, int(contributor.sum()) + 1)
        integer_input = False
    else:
        ids = contributor.astype(np.int64)
        integer_input = True
    x_ext, primary_ext = extend_for_num_singletons(x, primary, ids, num, integer_input=integer_input)
    n_orig = sum(1 for p in primary_ext if p < x.shape[1])
    if num.elimination:
        order = np.argsort(ids, kind="stable")
        new_row = np.empty_like(order)
        new_row[order] = np.arange(len(order))
        renumbered = [int(v) for v in ids[order]]
    else:
        new_row = np.arange(x.shape[0])
        renumbered = None
    return _Setup(_columns(x_ext, candidates, new_row), _columns(x_ext, primary_ext, new_row), n_orig,
                  None, False, renumbered)


def _eliminate(setup: _Setup, n_rows: int, progress: Progress | None = None) -> list[bool]:
    """The main loop of R's ``GaussSuppression1``: True for each candidate made secondary."""
    a_cols, b_cols = setup.a_cols, setup.b_cols
    row_a: dict[int, set[int]] = {}
    row_b: dict[int, set[int]] = {}
    for i, col in enumerate(a_cols):
        for r in col:
            row_a.setdefault(r, set()).add(i)
    for i, col in enumerate(b_cols):
        for r in col:
            row_b.setdefault(r, set()).add(i)
    secondary = [False] * len(a_cols)
    sub_used: set[int] = set()
    eliminated = 0
    for j in range(len(a_cols)):
        if progress is not None and j % 500 == 0:
            progress(j, len(a_cols))
        if eliminated >= n_rows:
            break
        col = a_cols[j]
        if not col:
            continue
        is_secondary, reduced = _decide(setup, j, sub_used, row_a, row_b)
        if is_secondary:
            _clear(a_cols, j, row_a)
            secondary[j] = True
        elif not reduced:
            _pivot(a_cols, b_cols, j, row_a, row_b)
            eliminated += 1
        else:
            eliminated += 1
    return secondary


def _decide(setup: _Setup, j: int, sub_used: set[int], row_a: dict[int, set[int]],
            row_b: dict[int, set[int]]) -> tuple[bool, bool]:
    """(secondary?, rows removed instead of pivoting?) for candidate j."""
    col = setup.a_cols[j]
    start = setup.freq_singleton_start
    if start is None:
        return _any_proportional(col, setup, row_b), False
    only_singletons = min(col) >= start
    # not proportional to the original sum; to be sure after later eliminations, groups must not overlap
    if only_singletons and len(set(col.values())) > 1 and not sub_used.intersection(col):
        only_singletons = False
        sub_used.update(col)
    if only_singletons and setup.not_primary_singletons:
        if _any_primary_within(col, setup.b_cols, row_b):
            return True, False
        _remove_rows(setup, j, row_a, row_b)
        return False, True
    return only_singletons or _any_proportional(col, setup, row_b), False


def _any_primary_within(col: Column, b_cols: list[Column], row_b: dict[int, set[int]]) -> bool:
    """R's ``Any0GaussInt``: is some non-empty primary column entirely within the candidate's rows?"""
    seen = set().union(*(row_b.get(r, set()) for r in col)) if col else set()
    return any(b_cols[i] and all(r in col for r in b_cols[i]) for i in seen)


def _remove_rows(setup: _Setup, j: int, row_a: dict[int, set[int]], row_b: dict[int, set[int]]) -> None:
    """anySumNOTprimary: a published group of singletons; its rows leave every later column."""
    rows = list(setup.a_cols[j])
    for r in rows:
        for i in list(row_a.get(r, set())):
            if i != j:
                del setup.a_cols[i][r]
        for i in list(row_b.get(r, set())):
            del setup.b_cols[i][r]
        row_a.pop(r, None)
        row_b.pop(r, None)
    setup.a_cols[j] = {}


def _proportional(a: Column, b: Column, rows: Sequence[int]) -> list[int]:
    """Rows of ``rows`` where a and b are not proportional (with the first row as the scale)."""
    first = rows[0]
    fa, fb = a[first], b[first]
    return [r for r in rows if a[r] * fb != b[r] * fa]


def _any_proportional(col: Column, setup: _Setup, row_b: dict[int, set[int]]) -> bool:
    """R's ``AnyProportionalGaussInt`` (the NEW variant when contributors are known)."""
    first = min(col)
    contributor = setup.contributor
    n = len(col)
    for i in sorted(row_b.get(first, set())):
        b = setup.b_cols[i]
        check_contributor = contributor is not None and i < setup.n_orig_primary
        same = len(b) == n and b.keys() == col.keys()
        if same:
            if n == 1:
                return True
            rest = _proportional(col, b, sorted(col))
            if not rest:
                return True
            if check_contributor and _one_contributor(rest, contributor):
                return True
            continue
        if not check_contributor:
            continue
        common = sorted(col.keys() & b.keys())
        diff = list(col.keys() ^ b.keys())
        if not _one_contributor(diff, contributor):
            continue
        if n == 1:
            return True
        rest = _proportional(col, b, common)
        if not rest or _one_contributor(diff + rest, contributor):
            return True
    return False


def _one_contributor(rows: Sequence[int], contributor: list[int] | None) -> bool:
    """At most one contributor among the rows, and it is a real one (R: ``length(s) <= 1 & min(s) > 0``)."""
    assert contributor is not None
    ids = {contributor[r] for r in rows}
    return len(ids) <= 1 and (not ids or min(ids) > 0)


def _clear(cols: list[Column], j: int, index: dict[int, set[int]]) -> None:
    for r in cols[j]:
        index[r].discard(j)
    cols[j] = {}


def _pivot(a_cols: list[Column], b_cols: list[Column], j: int, row_a: dict[int, set[int]],
           row_b: dict[int, set[int]]) -> None:
    """Publish candidate j: eliminate its first row from every later candidate and every primary column."""
    col = a_cols[j]
    ind = min(col)
    pivot_value = col[ind]
    rest = {r: v for r, v in col.items() if r != ind}
    _clear(a_cols, j, row_a)
    for cols, index in ((a_cols, row_a), (b_cols, row_b)):
        for i in list(index.get(ind, set())):
            _reduce(cols, i, ind, pivot_value, rest, index)


def _reduce(cols: list[Column], i: int, ind: int, pivot_value: int, rest: Column,
            index: dict[int, set[int]]) -> None:
    """Eliminate row ``ind`` from column i with the pivot column (in place).

    R rescales a column whose values are all equal to ones (``Scale2one``); every decision of the algorithm
    (proportionality, "all values equal") is invariant to a column's scale, so that step is left out.
    """
    col = cols[i]
    value = col.pop(ind)
    index[ind].discard(i)
    if not rest:
        return
    if not col:
        col.update(rest)
        for r in rest:
            index.setdefault(r, set()).add(i)
        return
    if abs(value) == abs(pivot_value):
        scale_rest = -1 if value == pivot_value else 1
    else:
        k1, k2 = _reduce_greatest_divisor(value, pivot_value)
        scale_rest = -k1
        for r in col:
            col[r] *= k2
    for r, v in rest.items():
        new = col.get(r, 0) + scale_rest * v
        if new == 0:
            if r in col:
                del col[r]
                index[r].discard(i)
        else:
            if r not in col:
                index.setdefault(r, set()).add(i)
            col[r] = new


def _reduce_greatest_divisor(a: int, b: int) -> tuple[int, int]:
    """R's ``ReduceGreatestDivisor``: (a, b) divided by their greatest divisor, with R's signs (``%%``)."""
    x, y = a, b
    while True:
        remainder = x % y
        x = y
        if not remainder:
            return a // y, b // y
        y = remainder
