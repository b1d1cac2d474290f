"""Signed hierarchies ``to <- from (sign)`` and their flattening, as kostraregnskap reads them.

A hierarchy row says that code ``from`` counts in code ``to`` with sign ``+``/``-`` (or a number). The
flattened coefficient of an input code ``g`` in a code ``c`` is the sum over every path from ``g`` up to ``c``
of the product of the signs; a code that is no ``to`` is its own input (coefficient 1). Hierarchies are DAGs:
a cycle is an error naming the file, the row and the codes on the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from kostra.accounts.codes import ART_WARNING, Warnings, fix_codes, pad_code
from kostra.errors import AccountsInputError

__all__ = ["Hierarchy", "HierarchyRow", "parse_sign"]

COPY = "COPY"


@dataclass(frozen=True)
class HierarchyRow:
    to: str
    from_: str
    sign: float
    line: int  # line in the file (header = 1), for messages
    periode: str | None = None
    sign_text: str = "+"


def parse_sign(text: str, *, file: str, line: int) -> float:
    """``+``/``-`` or a number; anything else is an error naming the row."""
    text = text.strip()
    if text in ("+", "-"):
        return 1.0 if text == "+" else -1.0
    try:
        return float(text)
    except ValueError:
        raise AccountsInputError(f"sign {text!r} is not '+', '-' or a number", file=file, line=line) from None


@dataclass(frozen=True)
class Hierarchy:
    """One hierarchy table; ``name`` is the file (or argument) it came from, used in every message."""

    name: str
    rows: tuple[HierarchyRow, ...]
    # R removes duplicated rows by the table's first three columns: (periode, to, from) when the table has a
    # periode column, else (to, from, sign).
    has_periode: bool = False
    _memo: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)
    _index: dict[str, list[HierarchyRow]] = field(default_factory=dict, compare=False, repr=False)

    def for_period(self, periode: str) -> Hierarchy:
        if not self.has_periode:
            return self
        return replace(self, rows=tuple(r for r in self.rows if r.periode == periode), _memo={}, _index={})

    def periods(self) -> set[str]:
        return {r.periode for r in self.rows if r.periode is not None}

    def fixed(self, warnings: Warnings, text: str = ART_WARNING) -> Hierarchy:
        """Trimmed codes, numeric codes to three digits (R warns with the art text for both hierarchies)."""
        tos = fix_codes([r.to for r in self.rows], pad_code, text, warnings)
        froms = fix_codes([r.from_ for r in self.rows], pad_code, text, warnings)
        rows = tuple(replace(r, to=t, from_=f) for r, t, f in zip(self.rows, tos, froms, strict=True))
        return replace(self, rows=rows, _memo={}, _index={})

    def deduplicated(self) -> Hierarchy:
        seen: set[tuple[object, ...]] = set()
        kept = []
        for r in self.rows:
            key = (r.periode, r.to, r.from_) if self.has_periode else (r.to, r.from_, r.sign_text)
            if key not in seen:
                seen.add(key)
                kept.append(r)
        if len(kept) == len(self.rows):
            return self
        return replace(self, rows=tuple(kept), _memo={}, _index={})

    def with_copies(self, arts: Hierarchy) -> Hierarchy:
        """Expand ``from = COPY`` rows (R ``AutoNettingCopy``): for each such ``to``, the art hierarchy's rows
        with that ``to`` whose ``from`` is one of this netting hierarchy's ``to`` codes."""
        copied = {r.to for r in self.rows if r.from_ == COPY}
        if not copied:
            return self
        netting_tos = {r.to for r in self.rows}
        extra = [replace(r, line=r.line) for r in arts.rows if r.to in copied and r.from_ in netting_tos]
        rows = tuple(r for r in self.rows if r.from_ != COPY) + tuple(extra)
        return replace(self, rows=rows, _memo={}, _index={})

    def to_codes(self) -> list[str]:
        return list(dict.fromkeys(r.to for r in self.rows))

    def codes(self) -> list[str]:
        """Every code, as R's ``unique(c(h$to, h$from))``: the ``to`` codes first."""
        return list(dict.fromkeys([*(r.to for r in self.rows), *(r.from_ for r in self.rows)]))

    def expand(self, code: str) -> dict[str, float]:
        """Input codes of ``code`` with their coefficients; a code that is no ``to`` is ``{code: 1}``."""
        return self._expand(code, [])

    def __post_init__(self) -> None:
        # The index is built once, here, so a hierarchy shared by threads (the web app) is only read.
        self._index.clear()
        for r in self.rows:
            self._index.setdefault(r.to, []).append(r)

    def _children(self) -> dict[str, list[HierarchyRow]]:
        """``to`` -> its rows."""
        return self._index

    def _expand(self, code: str, path: list[str]) -> dict[str, float]:
        done = self._memo.get(code)
        if done is not None:
            return done
        rows = self._children().get(code)
        if not rows:
            return {code: 1.0}
        path.append(code)
        total: dict[str, float] = {}
        for r in rows:
            if r.from_ in path:
                cycle = " <- ".join([*path[path.index(r.from_):], r.from_])
                raise AccountsInputError(f"the hierarchy has a cycle: {cycle} (a code cannot count in itself)",
                                         file=self.name, line=r.line)
            for leaf, coef in self._expand(r.from_, path).items():
                total[leaf] = total.get(leaf, 0.0) + r.sign * coef
        path.pop()
        self._memo[code] = total
        return total

    def is_to(self, code: str) -> bool:
        return code in self._children()

    def check_acyclic(self) -> None:
        for code in self.to_codes():
            self.expand(code)

    def matrix(self, outputs: Iterable[str], inputs: list[str], *, identity: bool = True) -> sparse.csr_matrix:
        """Coefficients of ``inputs`` (columns) in ``outputs`` (rows). Without ``identity`` a code that is no
        ``to`` has an empty row (a netting hierarchy defines only its ``to`` codes)."""
        column = {c: i for i, c in enumerate(inputs)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        outputs = list(outputs)
        for i, code in enumerate(outputs):
            if not identity and not self.is_to(code):
                continue
            for leaf, coef in self.expand(code).items():
                j = column.get(leaf)
                if j is not None and coef != 0:
                    rows.append(i)
                    cols.append(j)
                    vals.append(coef)
        return sparse.csr_matrix((np.array(vals, dtype=float), (rows, cols)), shape=(len(outputs), len(inputs)))
