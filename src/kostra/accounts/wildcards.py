"""Wildcard selections and the stjernetabell, as SSBtools does them (``R/PatternMatching.R``).

* A pattern is a glob: ``*`` any text, ``?`` one character; ``!pattern`` is its negation.
* A selection list (``--funksjoner FG*,-FG1``): the elements matching any positive pattern (all elements when
  there is none), minus those matching a ``-`` pattern (``WildcardGlobbingVector``).
* A stjernetabell: rows of patterns per variable with sign ``+``/``-``; a blank cell puts no condition on that
  variable. Rows are grouped by which variables they constrain and by sign; a combination must match some row
  of every ``+`` group and no row of any ``-`` group (``HierarchicalWildcardGlobbing``). The order of the
  resulting rows, and of its columns, is R's: variables are crossed in the order of a single-linkage
  clustering of the variables on the groups they share (``hclust`` on binary distances), the first variable
  of each cross varying fastest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["StarRow", "has_wildcards", "matches", "select", "star_table_combinations"]


def has_wildcards(patterns: Sequence[str]) -> bool:
    return any(ch in p for p in patterns for ch in "*?!-")


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{body}$", re.DOTALL)


def matches(pattern: str, code: str) -> bool:
    """Glob match; ``!p`` matches what ``p`` does not (R splits on the first ``!``)."""
    if "!" in pattern:
        return not _regex(pattern.split("!", 2)[1]).match(code)
    return bool(_regex(pattern).match(code))


def select(codes: Sequence[str], patterns: Sequence[str]) -> list[str]:
    """Codes (in their order) chosen by ``patterns``; a leading ``-`` removes (``WildcardGlobbingVector``)."""
    plus = [p for p in patterns if not p.startswith("-")]
    minus = [p.split("-", 1)[1] for p in patterns if p.startswith("-")]
    chosen = [c for c in dict.fromkeys(codes) if not plus or any(matches(p, c) for p in plus)]
    return [c for c in chosen if not any(matches(p, c) for p in minus)]


@dataclass(frozen=True)
class StarRow:
    patterns: Mapping[str, str]  # variable -> pattern ('' = no condition)
    positive: bool
    line: int


def star_table_combinations(values: Mapping[str, Sequence[str]],
                            rows: Sequence[StarRow]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The combinations of ``values`` (variable -> codes, in order) the table allows, in R's order.

    Returns the column order and the rows.
    """
    names = list(values)
    groups: dict[tuple[frozenset[str], bool], list[StarRow]] = {}
    for row in rows:
        constrained = frozenset(v for v in names if row.patterns.get(v, ""))
        if constrained:
            groups.setdefault((constrained, row.positive), []).append(row)
    lists = {v: [c for c in dict.fromkeys(values[v])] for v in names}
    for (variables, positive), members in groups.items():
        if len(variables) == 1:
            (v,) = variables
            lists[v] = [c for c in lists[v] if any(matches(m.patterns[v], c) for m in members) == positive]
    order = _merge_order(names, [(vs, pos) for vs, pos in groups])
    columns, combos = _cross(order, names, lists)
    multi = [(vs, pos, ms) for (vs, pos), ms in groups.items() if len(vs) > 1]
    index = {v: i for i, v in enumerate(columns)}

    def keep(combo: tuple[str, ...]) -> bool:
        for variables, positive, members in multi:
            hit = any(all(matches(m.patterns[v], combo[index[v]]) for v in variables) for m in members)
            if hit != positive:
                return False
        return True

    return columns, [c for c in combos if keep(c)]


def _cross(order: list[tuple[int, int]], names: list[str],
           lists: Mapping[str, list[str]]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Cross the variables as the merge steps say; in each cross the first part varies fastest."""
    if len(names) == 1:
        return names, [(c,) for c in lists[names[0]]]
    clusters: list[tuple[list[str], list[tuple[str, ...]]]] = []

    def part(ref: int) -> tuple[list[str], list[tuple[str, ...]]]:
        if ref < 0:
            name = names[-ref - 1]
            return [name], [(c,) for c in lists[name]]
        return clusters[ref - 1]

    for first, second in order:
        (cols1, rows1), (cols2, rows2) = part(first), part(second)
        clusters.append((cols1 + cols2, [a + b for b in rows2 for a in rows1]))
    return clusters[-1]


def _merge_order(names: list[str], groups: list[tuple[frozenset[str], bool]]) -> list[tuple[int, int]]:
    """R's ``hclust(dist(groupsMatrix, "binary"), "single")$merge`` for the variables."""
    # Columns: every + group twice (double weight), then every group once.
    columns = [vs for vs, pos in groups if pos] + [vs for vs, _ in groups]
    member = [[name in vs for vs in columns] for name in names]
    for i in range(len(names)):  # drop single-variable columns of a variable that shares a group
        mine = [k for k, on in enumerate(member[i]) if on]
        sizes = {k: sum(row[k] for row in member) for k in mine}
        if any(s > 1 for s in sizes.values()):
            drop = {k for k in mine if sizes[k] == 1}
            member = [[on for k, on in enumerate(row) if k not in drop] for row in member]
    return _hclust_single([[_binary(a, b) for b in member] for a in member])


def _binary(a: list[bool], b: list[bool]) -> float:
    either = sum(x or y for x, y in zip(a, b, strict=True))
    if either == 0:
        return 0.0
    return sum(x != y for x, y in zip(a, b, strict=True)) / either


def _hclust_single(d: list[list[float]]) -> list[tuple[int, int]]:
    """Single linkage exactly as R's Fortran ``hclust`` (nearest-neighbour list, first minimum wins ties),
    with R's merge numbering."""
    n = len(d)
    d = [row[:] for row in d]
    inf = float("inf")
    active = [True] * n
    nn, disnn = [0] * n, [inf] * n

    def nearest(i: int) -> None:
        best, jj = inf, i
        for j in range(i + 1, n):
            if active[j] and d[i][j] < best:
                best, jj = d[i][j], j
        nn[i], disnn[i] = jj, best

    for i in range(n - 1):
        nearest(i)
    ia: list[int] = []
    ib: list[int] = []
    for _ in range(n - 1):
        best, im = inf, -1
        for i in range(n - 1):
            if active[i] and disnn[i] < best:
                best, im = disnn[i], i
        i2, j2 = min(im, nn[im]), max(im, nn[im])
        ia.append(i2 + 1)
        ib.append(j2 + 1)
        active[j2] = False
        best, jj = inf, i2
        for k in range(n):
            if active[k] and k != i2:
                d[i2][k] = d[k][i2] = min(d[i2][k], d[j2][k])
                if i2 < k and d[i2][k] < best:
                    best, jj = d[i2][k], k
        nn[i2], disnn[i2] = jj, best
        for i in range(n - 1):
            if active[i] and nn[i] in (i2, j2):
                nearest(i)
    return _r_merge(ia, ib)


def _r_merge(ia: list[int], ib: list[int]) -> list[tuple[int, int]]:
    """Fortran ``hcass2``: singletons negative, earlier clusters by step number, singleton first."""
    m = len(ia)
    iia, iib = ia[:], ib[:]
    for i in range(m - 1):
        k = min(ia[i], ib[i])
        for j in range(i + 1, m):
            if ia[j] == k:
                iia[j] = -(i + 1)
            if ib[j] == k:
                iib[j] = -(i + 1)
    merge = []
    for a, b in zip(iia, iib, strict=True):
        a, b = -a, -b
        if a > 0 and b < 0:
            a, b = b, a
        if a > 0 and b > 0:
            a, b = min(a, b), max(a, b)
        merge.append((a, b))
    return merge
