"""The statbank's tables from the published releases (``kostra.publish``), and back for the serialisers.

For each table id the statbank shows the newest release of every year that has one, joined along the time
dimension: the profile pages draw a key figure over years, and ``Tid=top(5)`` means the last five years.
A region code that a year does not hold is "missing" (``..``) in that year. Each cell keeps the status its
release gave it (preliminary, final, revised). Releases are immutable, so tables are read once per set of
newest releases and kept; a new release is seen within ``RECHECK_SECONDS`` of its ``public_from`` (a release
under embargo is left out, so the year's release before it, if any, is still served).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.publish import Dimension as PublishedDimension
from kostra.publish import PublishedTable, public_releases, release_table, release_tables
from kostra.web.i18n_types import Lang
from kostra.web.statbank_source import Cell, Dimension, MemorySource, ReleaseInfo, StatTable, Value

__all__ = ["RECHECK_SECONDS", "ReleaseSource", "published_of", "stat_table"]

RECHECK_SECONDS = 5.0


def _labels(mapping: dict[str, str]) -> dict[Lang, str]:
    return {"nb": mapping.get("nb", ""), "en": mapping.get("en") or mapping.get("nb", "")}


def _dimension(parts: Sequence[PublishedTable], index: int) -> Dimension:
    newest = parts[-1].dimensions[index]
    codes: list[str] = []
    labels: dict[str, dict[str, str]] = {}
    for part in reversed(parts):  # the newest year's order first, then codes only older years hold
        dim = part.dimensions[index]
        for code in dim.codes:
            if code not in labels:
                codes.append(code)
                labels[code] = dim.labels.get(code, {})
    if newest.role == "time":
        codes.sort()
    values = tuple(Value(c, _labels(labels[c]) if labels[c] else {"nb": c, "en": c}) for c in codes)
    return Dimension(newest.name, _labels(newest.label), values, newest.role)


def stat_table(parts: Sequence[PublishedTable]) -> StatTable:
    """One statbank table from the same table's newest release of each year (oldest year first)."""
    newest = parts[-1]
    dims = tuple(_dimension(parts, i) for i in range(len(newest.dimensions)))
    names = newest.dimension_names
    cells: dict[tuple[str, ...], Cell] = {}
    for part in parts:
        frame = part.frame
        keys = zip(*(frame[name].to_list() for name in names), strict=True)
        for key, value, symbol, status in zip(keys, frame["value"].to_list(), frame["symbol"].to_list(),
                                              frame["status"].to_list(), strict=True):
            cells[key] = Cell(value, symbol or None, status)
    released = newest.released_at.isoformat() if newest.released_at else ""
    release = ReleaseInfo(str(newest.release_id), newest.year, newest.release_kind, released)
    return StatTable(id=newest.id, title=_labels(newest.title), dimensions=dims, cells=cells, release=release,
                     unit=_labels(newest.unit), decimals=newest.decimals,
                     source=newest.source.get("nb", "Statistisk sentralbyrå (KOSTRA)"))


def published_of(table: StatTable, codes: Sequence[Sequence[str]], description: dict[str, str] | None = None,
                 ) -> PublishedTable:
    """A cut of ``table`` as a ``PublishedTable`` in cube order, for ``kostra.publish``'s serialisers."""
    values, symbols, statuses = table.cube.take(codes)
    sizes = [len(c) for c in codes]
    columns: dict[str, list[object]] = {}
    for i, (dim, chosen) in enumerate(zip(table.dimensions, codes, strict=True)):
        # cube order: each code repeated for the combinations of the later dimensions, the whole cycled
        # for the earlier ones (plain lists: Polars' own operations cost more than this for a query's cells)
        inner, outer = math.prod(sizes[i + 1:]), math.prod(sizes[:i])
        columns[dim.code] = [code for code in chosen for _ in range(inner)] * outer
    columns["value"] = [None if v != v else v for v in values.tolist()]  # NaN: no value
    columns["status"], columns["symbol"] = statuses.tolist(), symbols.tolist()
    frame = pl.DataFrame(columns, schema={**{d.code: pl.String for d in table.dimensions}, "value": pl.Float64,
                                          "status": pl.String, "symbol": pl.String})
    dims = []
    for dim, chosen in zip(table.dimensions, codes, strict=True):
        labels = {v.code: v.label for v in dim.values}
        dims.append(PublishedDimension(dim.code, dict(dim.label), tuple(chosen),
                                       {c: dict(labels[c]) for c in chosen}, dim.role))
    from datetime import datetime

    released = datetime.fromisoformat(table.release.published_at) if table.release.published_at else None
    release_id = int(table.release.release_id) if table.release.release_id.isdigit() else None
    return PublishedTable(id=table.id, title=dict(table.title), description=description or {"nb": "", "en": ""},
                          unit=dict(table.unit), decimals=table.decimals, year=table.release.year,
                          dimensions=tuple(dims), frame=frame, release_id=release_id, release_kind=table.release.kind,
                          released_at=released, source={"nb": table.source, "en": table.source})


class ReleaseSource:
    """The tables of the newest release of every year, read from the database and the release files."""

    def __init__(self, sessions: Callable[[], Session], home: Path) -> None:
        self._sessions, self._home = sessions, home
        self._lock = threading.Lock()
        self._checked = 0.0
        self._key: tuple[int, ...] = ()
        self._memory = MemorySource()

    def _newest(self, session: Session) -> dict[int, int]:
        newest: dict[int, int] = {}
        # oldest first: the last one of a year wins; a release under embargo is not there yet
        for release in public_releases(session):
            newest[release.year] = release.id
        return newest

    def _refresh(self) -> MemorySource:
        with self._lock:
            if time.monotonic() - self._checked < RECHECK_SECONDS:
                return self._memory
            with self._sessions() as session:
                newest = self._newest(session)
                key = tuple(sorted(newest.values()))
                if key != self._key:
                    self._memory = MemorySource(self._read(session, newest))
                    self._key = key
            self._checked = time.monotonic()
            return self._memory

    def _read(self, session: Session, newest: dict[int, int]) -> list[StatTable]:
        parts: dict[str, list[PublishedTable]] = {}
        for year in sorted(newest):
            for row in release_tables(session, newest[year]):
                parts.setdefault(row.table_id, []).append(
                    release_table(session, self._home, newest[year], row.table_id))
        return [stat_table(found) for found in parts.values()]

    def tables(self) -> list[StatTable]:
        return self._refresh().tables()

    def table(self, table_id: str) -> StatTable | None:
        return self._refresh().table(table_id)
