"""Singleton handling for magnitude tables: SSBtools' ``num…`` singleton methods (``NumSingleton``).

A singleton is an inner cell with a single contributor. That contributor knows its own value, so it can
subtract it from a published sum. The method string ``num`` + up to five characters switches features on:

1. ``singleton2Primary``: ``T`` every singleton cell made primary, ``t`` singletons not published as a cell of
   their own get an imaginary primary cell;
2. ``integerUnique``: ``T``/``t`` use the contributor ids (so two inner cells of one contributor count as one);
3. ``sum2``: ``T`` imaginary primary cells made of a singleton and one other suppressed inner cell, ``H``
   also a singleton and a primary published cell (the hierarchy search);
4. ``elimination``: any of ``TMWtmw`` checks, inside the elimination, whether one contributor's rows are all
   that separate a candidate from a primary cell;
5. ``combinations``: not used by this implementation (docs/disclosure-control.md, "Deviations").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["NumMethod", "decode_num_method", "extend_for_num_singletons"]


@dataclass(frozen=True)
class NumMethod:
    """A decoded ``num…`` singleton method."""

    singleton2primary: str
    integer_unique: str
    sum2: str
    elimination: bool


def decode_num_method(method: str) -> NumMethod | None:
    """Decode ``numttHTT`` and friends; None for the frequency methods (``anySum`` …).

    >>> decode_num_method("numttHTT")
    NumMethod(singleton2primary='t', integer_unique='t', sum2='H', elimination=True)
    """
    if method == "sub2Sum":
        method = "numFFT"
    if not method.startswith("num"):
        return None
    chars = (method[3:] + "FFFFF")[:5]
    allowed = ("FTt", "FTt", "FTH", "FTMWftmw", "FTt")
    for position, (char, ok) in enumerate(zip(chars, allowed, strict=True), start=1):
        if char not in ok:
            raise ValueError(f"singleton method {method!r}: character {position + 3} must be one of {ok!r}")
    return NumMethod(chars[0], chars[1], chars[2], chars[3] != "F")


def _column_rows(x: sp.csc_matrix, j: int) -> np.ndarray:
    return x.indices[x.indptr[j]:x.indptr[j + 1]]


def extend_for_num_singletons(x: sp.csc_matrix, primary: list[int], ids: np.ndarray, num: NumMethod, *,
                              integer_input: bool) -> tuple[sp.csc_matrix, list[int]]:
    """Add R's imaginary primary cells for singletons; returns the extended matrix and primary list."""
    is_single = ids > 0
    integer_unique = num.integer_unique == "T" or (num.integer_unique == "t" and integer_input)
    if num.integer_unique == "T" and not integer_input:
        raise ValueError("singleton method needs contributor ids (an integer singleton vector)")
    sub2sum = num.sum2 in "TH"
    if not (is_single.any() and (sub2sum or num.singleton2primary in "Tt")):
        return x, list(primary)
    n_input = x.shape[1]
    primary = list(primary)
    col_sums = np.asarray(x.sum(axis=0)).ravel()
    if num.singleton2primary == "T":
        prim = set(primary)
        primary += [j for j in np.flatnonzero(col_sums == 1)
                    if j not in prim and is_single[_column_rows(x, j)].sum() == 1]
    if num.singleton2primary in "Tt":
        not_published = is_single & ~_inner_primary(x, primary)
        if not_published.any():
            rows = np.flatnonzero(not_published)
            units = sp.csc_matrix((np.ones(len(rows), dtype=np.int64), (rows, np.arange(len(rows)))),
                                  shape=(x.shape[0], len(rows)))
            primary += list(range(x.shape[1], x.shape[1] + len(rows)))
            x = sp.hstack([x, units], format="csc")
    if sub2sum:
        x, primary = _add_sub2sum(x, primary, ids, num, integer_unique)
    return x, _drop_duplicate_extensions(x, primary, n_input)


def _inner_primary(x: sp.csc_matrix, primary: list[int]) -> np.ndarray:
    """Rows (inner cells) that are themselves primary cells: covered by a primary column of one inner cell."""
    covered = np.zeros(x.shape[0], dtype=bool)
    for j in primary:
        rows = _column_rows(x, j)
        if len(rows) == 1:
            covered[rows] = True
    return covered


def _add_sub2sum(x: sp.csc_matrix, primary: list[int], ids: np.ndarray, num: NumMethod,
                 integer_unique: bool) -> tuple[sp.csc_matrix, list[int]]:
    is_single = ids > 0
    inner_primary = _inner_primary(x, primary)
    keep_cols = np.ones(x.shape[1], dtype=np.int64)
    keep_cols[primary] = 0  # already suppressed: not relevant
    rows_kept = sp.diags(inner_primary.astype(np.int64), dtype=np.int64)
    pz = sp.csc_matrix(rows_kept @ x @ sp.diags(keep_cols, dtype=np.int64))
    pz.eliminate_zeros()
    pz_sums = np.asarray(pz.sum(axis=0)).ravel()
    relevant = -np.arange(1, x.shape[0] + 1)
    relevant[is_single] = ids[is_single]
    if integer_unique:
        above_one = pz_sums > 1
        many = np.array([len(set(relevant[_column_rows(pz, j)].tolist())) > 2 if above_one[j] else False
                         for j in range(pz.shape[1])], dtype=bool)
        requirement = ~many & above_one
        freq_max = max(Counter(ids[is_single].tolist()).values())
    else:
        requirement = pz_sums == 2
        many = pz_sums > 2
        freq_max = 1
    if num.sum2 == "H" and many.any():
        _hierarchy_search(x, pz, primary, np.flatnonzero(many), is_single, relevant, freq_max,
                          integer_unique, requirement)
    has_single = np.asarray(x[is_single, :].sum(axis=0)).ravel() > 0
    chosen = np.flatnonzero(has_single & requirement)
    if not len(chosen):
        return x, primary
    extra = _unique_columns(pz[:, chosen])
    primary = primary + list(range(x.shape[1], x.shape[1] + extra.shape[1]))
    return sp.hstack([x, extra], format="csc"), primary


def _hierarchy_search(x: sp.csc_matrix, pz: sp.csc_matrix, primary: list[int], parents: np.ndarray,
                      is_single: np.ndarray, relevant: np.ndarray, freq_max: int, integer_unique: bool,
                      requirement: np.ndarray) -> None:
    """R's ``FindDiffMatrix`` step: a parent group minus a primary child that leaves one contributor."""
    col_sums = np.asarray(x.sum(axis=0)).ravel()
    children = [p for p in primary if col_sums[p] > 1]
    if not children:
        return
    xc = x[:, children]
    y = pz[:, parents]
    xty = (xc.T @ y).tocoo()
    xc_sums = np.asarray(xc.sum(axis=0)).ravel()
    y_sums = np.asarray(y.sum(axis=0)).ravel()
    for c, p, v in zip(xty.row, xty.col, xty.data, strict=True):
        if not (xc_sums[c] == v and y_sums[p] != v and y_sums[p] - v <= freq_max):
            continue
        diff = (y[:, [p]] - xc[:, [c]]).toarray().ravel()
        nonzero = np.flatnonzero(diff)
        if (~is_single[nonzero]).any():
            continue
        if diff[is_single].sum() == 1 or (integer_unique and len(set(relevant[nonzero].tolist())) == 1):
            requirement[parents[p]] = True


def _unique_columns(m: sp.csc_matrix) -> sp.csc_matrix:
    m = sp.csc_matrix(m)
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    keep = []
    for j in range(m.shape[1]):
        s, e = m.indptr[j], m.indptr[j + 1]
        key = (tuple(m.indices[s:e].tolist()), tuple(m.data[s:e].tolist()))
        if key not in seen:
            seen.add(key)
            keep.append(j)
    return m[:, keep]


def _drop_duplicate_extensions(x: sp.csc_matrix, primary: list[int], n_input: int) -> list[int]:
    """Imaginary primary cells equal to an earlier primary cell are dropped (R: ``keep_all_singleton_primary``).

    The matrix keeps its columns; only the primary list shrinks, which is all the elimination uses.
    """
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    kept = []
    for j in primary:
        s, e = x.indptr[j], x.indptr[j + 1]
        key = (tuple(x.indices[s:e].tolist()), tuple(x.data[s:e].tolist()))
        if key in seen and j >= n_input:
            continue
        seen.add(key)
        kept.append(j)
    return kept
