"""Primary suppression rules (GaussSuppression's ``PrimaryDefault``, ``DominanceRule``, ``NContributorsRule``).

* Frequency: a cell is primary when its count is at most ``maxN``; zero cells too when ``protectZeros``.
* Dominance (n, k): with the contributions summed per contributor, absolute, ordered ``c1 ≥ c2 ≥ …`` and the
  cell total ``X = Σ c``, primary when ``X > 0`` and ``c1 + … + cn > k/100 · X`` for any (n, k) pair.
* p %: primary when ``X > 0`` and ``X − c1 − c2 < p/100 · c1`` (the second largest contributor could estimate
  the largest within p %).
* Few contributors: primary when the number of contributors with a non-zero value is between 1 and ``maxN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Contributions", "contributions", "dominance_rule", "frequency_rule", "n_contributors_rule",
           "p_percent_rule"]


def frequency_rule(freq: np.ndarray, max_n: int, protect_zeros: bool) -> np.ndarray:
    """Counts 1 … maxN (and 0 when protect_zeros) are primary.

    >>> frequency_rule(np.array([0, 1, 3, 4]), 3, False).tolist()
    [False, True, True, False]
    """
    primary = freq <= max_n
    if not protect_zeros:
        primary &= freq != 0
    return primary


@dataclass
class Contributions:
    """Per cell, the absolute contributions summed per contributor, largest first (padded with 0)."""

    top: np.ndarray           # cells × max(n, 2): c1, c2, …
    top_contributor: list[str | None]
    total: np.ndarray         # X
    n_contributors: np.ndarray
    n_nonzero: np.ndarray


def contributions(x_micro: sp.csc_matrix, values: np.ndarray, contributor: Sequence[str], depth: int) -> Contributions:
    """Sum each data row's |value| per contributor within each cell (``x_micro``: data rows × cells)."""
    labels, codes = np.unique(np.asarray(contributor, dtype=object).astype(str), return_inverse=True)
    one_hot = sp.csr_matrix((np.abs(values).astype(float), (np.arange(len(values)), codes)),
                            shape=(len(values), len(labels)))
    pattern = sp.csr_matrix((np.ones(len(values)), (np.arange(len(values)), codes)), shape=(len(values), len(labels)))
    xt = sp.csr_matrix(x_micro.T, dtype=float)
    sums = sp.csr_matrix(xt @ one_hot)
    present = sp.csr_matrix(xt @ pattern)
    n_cells = x_micro.shape[1]
    top = np.zeros((n_cells, max(depth, 2)))
    top_contributor: list[str | None] = [None] * n_cells
    n_contr = np.diff(present.indptr)
    n_nonzero = np.zeros(n_cells, dtype=np.int64)
    for cell in range(n_cells):
        s, e = sums.indptr[cell], sums.indptr[cell + 1]
        data = sums.data[s:e]
        n_nonzero[cell] = int((data != 0).sum())
        if e == s:
            continue
        order = np.argsort(-data, kind="stable")
        k = min(len(order), top.shape[1])
        top[cell, :k] = data[order[:k]]
        if data[order[0]] > 0:
            top_contributor[cell] = str(labels[sums.indices[s + order[0]]])
    total = np.asarray(sums.sum(axis=1)).ravel()
    return Contributions(top, top_contributor, total, n_contr, n_nonzero)


def dominance_rule(c: Contributions, n: Sequence[int], k: Sequence[float]) -> np.ndarray:
    """(n, k) dominance on the contributor sums; any pair breached makes the cell primary."""
    if len(n) != len(k):
        raise ValueError("n and k must have the same length")
    primary = np.zeros(len(c.total), dtype=bool)
    cumulative = np.cumsum(c.top, axis=1)
    for n_i, k_i in zip(n, k, strict=True):
        primary |= (c.total > 0) & (cumulative[:, n_i - 1] > c.total * k_i / 100)
    return primary


def p_percent_rule(c: Contributions, p: float) -> np.ndarray:
    """``X − c1 − c2 < p/100 · c1``, for cells with ``X > 0``."""
    return (c.total > 0) & (c.total - c.top[:, 0] - c.top[:, 1] < p / 100 * c.top[:, 0])


def n_contributors_rule(c: Contributions, max_n: int) -> np.ndarray:
    """1 … maxN contributors with a non-zero value."""
    return (c.n_nonzero <= max_n) & (c.n_nonzero > 0)
