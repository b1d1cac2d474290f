"""The statbank's answers in JSON-stat 2.0, CSV, PX and XLSX: a ``Selection`` of a ``StatTable`` written by
``kostra.publish``'s serialisers, so an API answer and a release's export files are the same format.

A ``Selection`` is the table cut to the chosen codes of every dimension, in cube order (the last dimension
varies fastest). A suppressed cell is no number with the symbol ``:`` in every format (JSON-stat: ``null``
and status ``:``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from kostra.publish import FORMATS as PUBLISHED_FORMATS
from kostra.publish import to_csv, to_jsonstat, to_px, to_xlsx
from kostra.web.i18n_types import Lang
from kostra.web.statbank_source import Cell, Dimension, StatTable, Value

__all__ = ["FORMATS", "Selection", "metadata", "write"]

# outputFormat → (file suffix, media type): what a statbank query can be answered in.
FORMATS: dict[str, tuple[str, str]] = {name: PUBLISHED_FORMATS[name] for name in ("json-stat2", "csv", "px", "xlsx")}


@dataclass(frozen=True)
class Selection:
    """A table cut to ``codes`` (one tuple per dimension, in the dimension's order)."""

    table: StatTable
    codes: tuple[tuple[str, ...], ...]

    def combinations(self) -> list[tuple[str, ...]]:
        return list(itertools.product(*self.codes))

    def cells(self) -> list[Cell]:
        return [self.table.cell(combo) for combo in self.combinations()]

    def size(self) -> int:
        total = 1
        for codes in self.codes:
            total *= len(codes)
        return total

    def dimensions(self) -> list[tuple[Dimension, list[Value]]]:
        out = []
        for dim, codes in zip(self.table.dimensions, self.codes, strict=True):
            by_code = {v.code: v for v in dim.values}
            out.append((dim, [by_code[c] for c in codes]))
        return out


def _published(selection: Selection) -> Any:
    from kostra.web.statbank_releases import published_of

    return published_of(selection.table, selection.codes, selection.table.description)


def metadata(selection: Selection, lang: Lang) -> dict[str, Any]:
    """JSON-stat 2.0 dataset without values: what ``/tables/{id}/metadata`` answers."""
    return to_jsonstat(_published(selection), lang, values=False)


def write(selection: Selection, lang: Lang, chosen: str) -> bytes | dict[str, Any]:
    """The selection in format ``chosen`` (a JSON-stat dict, or the file's bytes)."""
    table = _published(selection)
    if chosen == "json-stat2":
        return to_jsonstat(table, lang)
    if chosen == "xlsx":
        return to_xlsx(table, lang)
    text = to_csv(table, lang) if chosen == "csv" else to_px(table, lang)
    return text.encode("utf-8")
