"""The model matrix: which inner cells sum into which publishable cell (sparse, inner cells × cells).

With hierarchies or ``dimVar`` the cells are every combination of the dimensions' codes, the first dimension
varying slowest (R's row order); ``x[i, j]`` is the product over dimensions of the signed path sum from inner
cell i's code to cell j's code. With a formula the cells are those of its terms (R's ``FormulaSums``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kostra.disclosure.formula import Term
from kostra.disclosure.hierarchy import Dimension

__all__ = ["ModelMatrix", "crossed_model", "formula_model"]


@dataclass
class ModelMatrix:
    """``x`` (inner × cells, integer csc) and each cell's code in every output column."""

    x: sp.csc_matrix
    columns: list[str]
    cells: list[tuple[str, ...]]


def _dimension_matrix(dim: Dimension, inner_codes: Sequence[str]) -> sp.csr_matrix:
    position = {code: k for k, code in enumerate(dim.codes)}
    rows, cols, vals = [], [], []
    for i, code in enumerate(inner_codes):
        for above, value in dim.coefficients(code).items():
            rows.append(i)
            cols.append(position[above])
            vals.append(value)
    return sp.csr_matrix((np.array(vals, dtype=np.int64), (rows, cols)), shape=(len(inner_codes), len(dim.codes)))


def _face_splitting(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    """Row-wise Kronecker product: row i of the result is kron(a[i], b[i]) (a's column varies slowest)."""
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    a.sort_indices()
    b.sort_indices()
    count_a = np.diff(a.indptr)
    count_b = np.diff(b.indptr)
    row_of_a = np.repeat(np.arange(a.shape[0]), count_a)
    repeat = count_b[row_of_a]
    idx_a = np.repeat(np.arange(a.nnz), repeat)
    group_start = np.repeat(np.cumsum(repeat) - repeat, repeat)
    idx_b = b.indptr[row_of_a[idx_a]] + (np.arange(len(idx_a)) - group_start)
    rows = row_of_a[idx_a]
    cols = a.indices[idx_a] * b.shape[1] + b.indices[idx_b]
    vals = a.data[idx_a] * b.data[idx_b]
    return sp.csr_matrix((vals, (rows, cols)), shape=(a.shape[0], a.shape[1] * b.shape[1]))


def crossed_model(dims: Sequence[Dimension], inner: Sequence[Sequence[str]], *, remove_empty: bool) -> ModelMatrix:
    """Cells of every combination of the dimensions' codes; ``inner[d]`` holds dimension d's inner codes."""
    x = _dimension_matrix(dims[0], inner[0])
    for dim, codes in zip(dims[1:], inner[1:], strict=True):
        x = _face_splitting(x, _dimension_matrix(dim, codes))
    grids = np.meshgrid(*[np.arange(len(d.codes)) for d in dims], indexing="ij")
    flat = [g.ravel() for g in grids]
    cells = [tuple(d.codes[k] for d, k in zip(dims, combo, strict=True)) for combo in zip(*flat, strict=True)]
    xc = sp.csc_matrix(x)
    if remove_empty:
        keep = np.flatnonzero(np.diff(xc.indptr) > 0)
        xc = xc[:, keep]
        cells = [cells[k] for k in keep]
    return ModelMatrix(xc, [d.name for d in dims], cells)


def _byte_key(codes: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(c.encode("utf-8") for c in codes)


def formula_model(terms: Sequence[Term], dims: Sequence[Dimension], inner: dict[str, Sequence[str]], *,
                  remove_empty: bool) -> ModelMatrix:
    """Cells of the formula's terms, in R's term order; a dimension not in a term shows its total."""
    n_inner = len(next(iter(inner.values())))
    dim_of = {var: k for k, d in enumerate(dims) for var in d.variables}
    blocks: list[sp.csr_matrix] = []
    cells: list[tuple[str, ...]] = []
    for term in terms:
        keys = list(zip(*[inner[v] for v in term.variables], strict=True)) if term.variables else [()] * n_inner
        if remove_empty or not term.variables:
            combos = sorted(set(keys), key=_byte_key)
        else:
            levels = [sorted(set(inner[v]), key=lambda c: c.encode("utf-8")) for v in term.variables]
            combos = [tuple(c) for c in np.array(np.meshgrid(*levels, indexing="ij")).reshape(len(levels), -1).T]
        position = {combo: k for k, combo in enumerate(combos)}
        cols = np.array([position[k] for k in keys], dtype=np.int64)
        blocks.append(sp.csr_matrix((np.ones(n_inner, dtype=np.int64), (np.arange(n_inner), cols)),
                                    shape=(n_inner, len(combos))))
        for combo in combos:
            cell = [d.total or "Total" for d in dims]
            for var, code in zip(term.variables, combo, strict=True):
                cell[dim_of[var]] = code
            cells.append(tuple(cell))
    x = sp.csc_matrix(sp.hstack(blocks))
    return ModelMatrix(x, [d.name for d in dims], cells)
