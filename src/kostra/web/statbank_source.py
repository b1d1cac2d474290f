"""Where the statbank reads its tables: published releases only, behind one small protocol.

The statbank API and pages never read the dataset or the key figures themselves: they ask a
``StatbankSource`` for the tables of the published releases, each a ``StatTable`` (dimensions with ordered
codes and labels, and one cell per combination with its value, symbol and status). Releases are made by
``kostra.publish``; ``ReleaseSource`` adapts its API to this protocol, so a change there changes this
module only. ``MemorySource`` holds tables given to it (tests, and a server that was handed a release).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from kostra.publish.model import SYMBOLS  # one list of table symbols, as releases write them
from kostra.web.i18n_types import Lang

__all__ = ["SYMBOLS", "Cell", "Cube", "Dimension", "MemorySource", "ReleaseInfo", "StatTable", "StatbankSource",
           "Value", "source_of"]

@dataclass(frozen=True)
class Value:
    """One code of a dimension with its label in bokmål and English."""

    code: str
    label: dict[Lang, str]

    def text(self, lang: Lang) -> str:
        return self.label.get(lang) or self.label.get("nb") or self.code


@dataclass(frozen=True)
class Dimension:
    """A variable of a table: ``role`` is "geo", "time", "metric" or None; values in their published order."""

    code: str
    label: dict[Lang, str]
    values: tuple[Value, ...]
    role: str | None = None

    def text(self, lang: Lang) -> str:
        return self.label.get(lang) or self.label.get("nb") or self.code

    def codes(self) -> list[str]:
        return [v.code for v in self.values]


@dataclass(frozen=True)
class Cell:
    """A published value: ``value`` None means a symbol says why (``:`` suppressed, ``..``, ``.``, ``-``)."""

    value: float | None
    symbol: str | None = None
    status: str = "preliminary"  # preliminary, final or revised


@dataclass(frozen=True)
class ReleaseInfo:
    """Which release a table comes from."""

    release_id: str
    year: int
    kind: str  # preliminary, final or correction
    published_at: str  # ISO 8601

    def status(self) -> str:
        """The status its values carry: a correction's values are "revised"."""
        return {"preliminary": "preliminary", "final": "final"}.get(self.kind, "revised")


@dataclass(frozen=True)
class StatTable:
    """A published table: ``cells`` keyed by one code per dimension, in the dimensions' order."""

    id: str
    title: dict[Lang, str]
    dimensions: tuple[Dimension, ...]
    cells: dict[tuple[str, ...], Cell]
    release: ReleaseInfo
    unit: dict[Lang, str] = field(default_factory=lambda: {"nb": "", "en": ""})
    decimals: int = 0
    source: str = "Statistisk sentralbyrå (KOSTRA)"
    description: dict[str, str] = field(default_factory=lambda: {"nb": "", "en": ""})

    def text(self, lang: Lang) -> str:
        return self.title.get(lang) or self.title.get("nb") or self.id

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code.lower() == code.lower()), None)

    def size(self) -> int:
        total = 1
        for dim in self.dimensions:
            total *= len(dim.values)
        return total

    def cell(self, codes: Sequence[str]) -> Cell:
        """The cell at ``codes``; a combination the release does not hold is "missing" (``..``)."""
        return self.cells.get(tuple(codes)) or Cell(None, "..", self.release.status())

    @cached_property
    def cube(self) -> Cube:
        """The cells as arrays in cube order, made once per table (a query then takes its cells by index)."""
        return Cube.of(self)


@dataclass(frozen=True)
class Cube:
    """Every cell of a table in cube order (the last dimension varying fastest): value (NaN without one),
    symbol ("" for an ordinary value) and status, with each dimension's code → position."""

    positions: tuple[dict[str, int], ...]
    strides: tuple[int, ...]
    values: np.ndarray  # float
    symbols: np.ndarray  # object (str)
    statuses: np.ndarray  # object (str)

    @classmethod
    def of(cls, table: StatTable) -> Cube:
        positions = tuple({code: i for i, code in enumerate(d.codes())} for d in table.dimensions)
        sizes = [len(p) for p in positions]
        strides = tuple(int(np.prod(sizes[i + 1:], dtype=np.int64)) for i in range(len(sizes)))
        total = int(np.prod(sizes, dtype=np.int64))
        values = np.full(total, np.nan)
        symbols = np.full(total, "..", dtype=object)
        statuses = np.full(total, table.release.status(), dtype=object)
        for key, cell in table.cells.items():
            at = sum(p[code] * stride for p, code, stride in zip(positions, key, strides, strict=True))
            values[at] = np.nan if cell.value is None else cell.value
            symbols[at] = cell.symbol or ""
            statuses[at] = cell.status
        return cls(positions, strides, values, symbols, statuses)

    def take(self, codes: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values, symbols and statuses of every combination of ``codes`` (known codes), in cube order."""
        index = np.zeros(1, dtype=np.int64)
        for position, stride, chosen in zip(self.positions, self.strides, codes, strict=True):
            at = np.fromiter((position[c] for c in chosen), dtype=np.int64, count=len(chosen)) * stride
            index = (index[:, None] + at[None, :]).ravel()
        return self.values[index], self.symbols[index], self.statuses[index]


class StatbankSource(Protocol):
    """The published tables the statbank may show: never anything from an unpublished release."""

    def tables(self) -> list[StatTable]: ...

    def table(self, table_id: str) -> StatTable | None: ...


class MemorySource:
    """Tables held in memory, newest release of each id wins."""

    def __init__(self, tables: Iterable[StatTable] = ()) -> None:
        self._tables: dict[str, StatTable] = {}
        for table in tables:
            self._tables[table.id] = table

    def tables(self) -> list[StatTable]:
        return sorted(self._tables.values(), key=lambda t: t.id)

    def table(self, table_id: str) -> StatTable | None:
        return self._tables.get(table_id)


def source_of(app_state: Any) -> StatbankSource:
    """The app's source: ``app.state.statbank`` when set, otherwise (made once) the published releases."""
    found = getattr(app_state, "statbank", None)
    if found is None:
        from kostra.web.statbank_releases import ReleaseSource

        found = ReleaseSource(app_state.sessions, app_state.settings.home)
        app_state.statbank = found
    return found  # type: ignore[no-any-return]
