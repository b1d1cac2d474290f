"""What a published table is: dimensions with codes and labels, and one row per cell with value, status and
symbol. Every format (JSON-stat, PX, CSV, XLSX, statbank files) serialises this one model.

Cells are in cube order: every combination of the dimensions' codes, the first dimension varying slowest and
the last fastest (JSON-stat's and PX's order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import polars as pl

__all__ = ["LANGUAGES", "SYMBOLS", "Dimension", "PublishedTable", "ReleaseKind", "ValueStatus"]

LANGUAGES = ("nb", "en")


class ReleaseKind(StrEnum):
    PRELIMINARY = "preliminary"  # 15 March: unrevised figures
    FINAL = "final"              # 15 June: revised figures
    CORRECTION = "correction"    # later corrections (rettelogg)


class ValueStatus(StrEnum):
    PRELIMINARY = "preliminary"
    FINAL = "final"
    REVISED = "revised"  # changed by a correction release since the release before it


# Statistics Norway's table symbols (kostra-domain.md §4.2); "" is an ordinary value.
SYMBOLS: dict[str, dict[str, str]] = {
    "..": {"nb": "Tall kan ikke offentliggjøres ennå / mangler", "en": "Data not available"},
    ".": {"nb": "Tall kan ikke forekomme", "en": "Category not applicable"},
    ":": {"nb": "Vises ikke av konfidensialitetshensyn", "en": "Suppressed for confidentiality"},
    "-": {"nb": "Null", "en": "Nil"},
}


@dataclass(frozen=True)
class Dimension:
    """A dimension as published: codes in order and a label per code and language."""

    name: str
    label: dict[str, str]
    codes: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # code → language → label
    role: str | None = None  # "geo", "metric" or "time"

    def code_label(self, code: str, lang: str) -> str:
        return self.labels.get(code, {}).get(lang) or code

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "codes": list(self.codes), "labels": self.labels,
                "role": self.role}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Dimension:
        return cls(data["name"], data["label"], tuple(data["codes"]), data["labels"], data.get("role"))


@dataclass(frozen=True)
class PublishedTable:
    """A table of a release. ``frame`` columns: one per dimension (codes), ``value`` (Float64, null when the
    symbol is ``..``, ``.`` or ``:``), ``status`` (preliminary|final|revised), ``symbol`` (``..``, ``.``,
    ``:``, ``-`` or empty)."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    unit: dict[str, str]
    decimals: int
    year: int
    dimensions: tuple[Dimension, ...]
    frame: pl.DataFrame
    release_id: int | None = None
    release_kind: str = ReleaseKind.PRELIMINARY.value
    released_at: datetime | None = None
    source: dict[str, str] = field(default_factory=lambda: {"nb": "Statistisk sentralbyrå (KOSTRA)",
                                                             "en": "Statistics Norway (KOSTRA)"})
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def dimension_names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    @property
    def size(self) -> list[int]:
        return [len(d.codes) for d in self.dimensions]

    def dimension(self, name: str) -> Dimension:
        for dim in self.dimensions:
            if dim.name == name:
                return dim
        raise KeyError(name)

    def metadata_json(self) -> dict[str, Any]:
        """Everything but the cells, as stored with the release (definitions may change later)."""
        return {"id": self.id, "title": self.title, "description": self.description, "unit": self.unit,
                "decimals": self.decimals, "year": self.year, "source": self.source, "meta": self.meta,
                "dimensions": [d.as_json() for d in self.dimensions]}

    @classmethod
    def from_stored(cls, metadata: dict[str, Any], frame: pl.DataFrame, *, release_id: int, release_kind: str,
                    released_at: datetime) -> PublishedTable:
        return cls(id=metadata["id"], title=metadata["title"], description=metadata["description"],
                   unit=metadata["unit"], decimals=metadata["decimals"], year=metadata["year"],
                   dimensions=tuple(Dimension.from_json(d) for d in metadata["dimensions"]), frame=frame,
                   release_id=release_id, release_kind=release_kind, released_at=released_at,
                   source=metadata["source"], meta=metadata.get("meta", {}))
