"""A report's statistics section as one aggregation query, for one file or for many files together.

A rule module may expose ``statistics_query(args, columns) -> StatisticsQuery``: named aggregate expressions
and how their values become the statistics rows. For one file the expressions run in one ``select``; for many
files of one form and year (``engine.check_files``) in one query grouped by file, which pays Polars' fixed cost
per expression once instead of once per file. Either way each file gets the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

__all__ = ["StatisticsQuery", "statistics_together"]

log = logging.getLogger(__name__)

Rows = list[dict[str, object]]
_FILE = "__file__"


@dataclass(frozen=True, slots=True)
class StatisticsQuery:
    """Aggregations (one value per file each), the rows built from their values and the record count, and
    ``extra`` rows computed from a file's records by themselves (appended after the others)."""

    exprs: Mapping[str, pl.Expr]
    rows: Callable[[Mapping[str, object], int], Rows]
    extra: Callable[[pl.DataFrame], Rows] | None = None

    def run(self, records: pl.DataFrame) -> Rows:
        """The statistics rows of one file."""
        return self.finish(records.select(**self.exprs).row(0, named=True), records)

    def finish(self, values: Mapping[str, object], records: pl.DataFrame) -> Rows:
        return [*self.rows(values, records.height), *(self.extra(records) if self.extra else [])]


def statistics_together(files: Sequence[tuple[StatisticsQuery, pl.DataFrame]]) -> list[Rows | None]:
    """The rows of every file whose query it shares (the same object) with others of the same schema, computed
    in one grouped query; None for a file left to be done alone (empty, alone in its group, or the query failed).
    """
    found: list[Rows | None] = [None] * len(files)
    groups: dict[tuple[int, tuple[tuple[str, pl.DataType], ...]], list[int]] = {}
    for position, (query, records) in enumerate(files):
        if records.height:
            groups.setdefault((id(query), tuple(records.schema.items())), []).append(position)
    for members in groups.values():
        if len(members) < 2:
            continue
        query = files[members[0]][0]
        try:
            stacked = pl.concat([files[m][1].with_columns(pl.lit(i, pl.UInt32).alias(_FILE))
                                 for i, m in enumerate(members)])
            values = stacked.group_by(_FILE, maintain_order=True).agg(**query.exprs).rows(named=True)
        except Exception:
            log.debug("grouped statistics failed; each file is counted alone", exc_info=True)
            continue
        if len(values) != len(members):
            continue
        for m, row in zip(members, values, strict=True):
            try:
                found[m] = query.finish(row, files[m][1])
            except Exception:
                log.debug("statistics of one file failed in a group; it is counted alone", exc_info=True)
    return found
