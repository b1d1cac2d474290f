"""Dimensions of a table: hierarchies of codes, as SSBtools reads and orders them.

A hierarchy is a list of links ``child → parent`` with a sign (SSBtools' "to-from" format: ``mapsFrom``,
``mapsTo``, ``sign``). An *input code* never occurs as a parent; its level is 0, and a code's level is one more
than the largest level of its children (R's ``AutoLevel``). A dimension lists its codes top level first, and
within a level in byte order (C locale), which is the order R's output has.

``coefficients(code)`` gives, for an input code, the signed path sum to every code above it (itself 1): one
row of the dimension's part of the model matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kostra.disclosure.inputs import TableInputError

__all__ = ["Dimension", "Hierarchy", "Link", "dimension_from_links", "flat_dimension", "nested_dimension"]


@dataclass(frozen=True)
class Link:
    """One row of a to-from hierarchy: ``child`` is summed (times ``sign``) into ``parent``."""

    child: str
    parent: str
    sign: int = 1


@dataclass(frozen=True)
class Hierarchy:
    """The links of a hierarchy and where they came from (a file name, for messages)."""

    links: tuple[Link, ...]
    source: str


def _byte_key(code: str) -> bytes:
    return code.encode("utf-8")


@dataclass
class Dimension:
    """A table dimension: its output column, its codes in R's order and the path sums below each code."""

    name: str
    codes: list[str]
    parents: dict[str, list[tuple[str, int]]]
    levels: dict[str, int]
    total: str | None = None
    variables: tuple[str, ...] = ()
    source: str = ""
    _coefficients: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    @property
    def input_codes(self) -> list[str]:
        return [c for c in self.codes if self.levels[c] == 0]

    def coefficients(self, code: str) -> dict[str, int]:
        """Signed path sums from ``code`` to itself (1) and to every code above it."""
        cached = self._coefficients.get(code)
        if cached is not None:
            return cached
        out: dict[str, int] = {code: 1}
        for parent, sign in self.parents.get(code, []):
            for above, value in self.coefficients(parent).items():
                out[above] = out.get(above, 0) + sign * value
        out = {c: v for c, v in out.items() if v != 0}
        self._coefficients[code] = out
        return out


def _levels(codes: Iterable[str], children: Mapping[str, list[str]], source: str) -> dict[str, int]:
    levels: dict[str, int] = {}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(code: str, path: list[str]) -> int:
        if state.get(code) == 2:
            return levels[code]
        if state.get(code) == 1:
            cycle = " → ".join([*path[path.index(code):], code])
            raise TableInputError(f"{source}: the hierarchy has a cycle: {cycle} (each code sums into the one "
                                  "before it); a code cannot be below itself")
        state[code] = 1
        below = [visit(child, [*path, code]) for child in children.get(code, [])]
        state[code] = 2
        levels[code] = 1 + max(below) if below else 0
        return levels[code]

    for code in codes:
        visit(code, [])
    return levels


def _ordered(levels: Mapping[str, int]) -> list[str]:
    return sorted(levels, key=lambda c: (-levels[c], _byte_key(c)))


def dimension_from_links(name: str, links: Sequence[Link], data_codes: Iterable[str], *,
                         source: str, data_source: str = "data") -> Dimension:
    """A dimension from a to-from hierarchy; every data code must be an input code of the hierarchy.

    Raises TableInputError naming the hierarchy (``source``) or the data column and code.
    """
    parents: dict[str, list[tuple[str, int]]] = {}
    children: dict[str, list[str]] = {}
    codes: dict[str, None] = {}
    for link in links:
        if link.sign not in (1, -1):
            raise TableInputError(f"{source}, sign of {link.child!r} → {link.parent!r}: {link.sign!r}; "
                                  "expected 1 or -1")
        parents.setdefault(link.child, []).append((link.parent, link.sign))
        children.setdefault(link.parent, []).append(link.child)
        codes.setdefault(link.child)
        codes.setdefault(link.parent)
    levels = _levels(codes, children, source)
    for code in dict.fromkeys(data_codes):
        if code not in levels:
            raise TableInputError(f"{data_source}, column {name}: code {code!r} is not in the hierarchy ({source}); "
                                  "add it to the hierarchy (mapsFrom) or correct the data")
        if levels[code] != 0:
            raise TableInputError(f"{data_source}, column {name}: code {code!r} is a sum in the hierarchy "
                                  f"({source}): it has codes below it; the data must hold input codes only")
    tops = [c for c in codes if c not in parents]
    return Dimension(name, _ordered(levels), parents, levels, tops[0] if len(tops) == 1 else None, (name,), source)


def flat_dimension(name: str, data_codes: Iterable[str], total: str = "Total") -> Dimension:
    """``VAR = "Total"``: every code in the data sums to one total."""
    codes = sorted(dict.fromkeys(data_codes), key=_byte_key)
    if total in codes:
        raise TableInputError(f"column {name}: the data has the code {total!r}, which is also the name of the total")
    levels = {c: 0 for c in codes} | {total: 1}
    parents = {c: [(total, 1)] for c in codes}
    return Dimension(name, _ordered(levels), parents, levels, total, (name,), "Total")


def nested_dimension(variables: Sequence[str], rows: Sequence[Sequence[str]], total: str = "Total") -> Dimension:
    """A dimension from nested data columns, finest first (R's ``FindDimLists``): each code maps to its coarser
    code, the coarsest to ``total``. ``rows`` holds the columns' codes per data row."""
    parents: dict[str, list[tuple[str, int]]] = {}
    levels: dict[str, int] = {total: len(variables)}
    for row in rows:
        for depth, code in enumerate(row):
            parent = row[depth + 1] if depth + 1 < len(row) else total
            parents.setdefault(code, [(parent, 1)])
            levels[code] = depth
    return Dimension(variables[0], _ordered(levels), parents, levels, total, tuple(variables), "data")
