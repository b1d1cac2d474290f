"""Disclosure control of a release's tables (``kostra.disclosure``), consistent across linked tables.

Tables are linked when they show the same field of the same form (e.g. field 4.3 of form 5 in two tables): a
cell of that field suppressed in one must be suppressed in the other, or the other would publish it. Each
table is suppressed from its definition; shared cells suppressed in any linked table are made primary
(``forced``) in the others, and the linked tables are suppressed again until no table changes. Then every
table gets the LP audit; a table whose audit finds a suppressed cell that can be derived exactly refuses the
release. A table without rules that shares a suppressed cell refuses it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from kostra.catalog.tables import DefinedTable
from kostra.disclosure.audit import audit
from kostra.disclosure.defined import suppress_defined
from kostra.publish.definitions import ReleaseRefused, field_codes

__all__ = ["Protection", "protect"]

_MAX_ROUNDS = 20

Key = tuple[str, ...]


@dataclass(frozen=True)
class Protection:
    """Suppressed cells (codes in dimension order) of one table and its audit summary."""

    suppressed: frozenset[Key]
    audit: dict[str, Any]


def _shared(tables: dict[str, DefinedTable]) -> dict[str, set[tuple[str, str]]]:
    """Per table, the (form, field) pairs it shares with another table."""
    shows = {name: {(t.model.source.form, f) for f in field_codes(t)}  # type: ignore[union-attr]
             for name, t in tables.items()}
    return {name: {pair for other, pairs in shows.items() if other != name for pair in pairs & mine}
            for name, mine in shows.items()}


def _suppress(table: DefinedTable, data: pl.DataFrame, year: int, forced: set[Key]) -> tuple[Any, frozenset[Key]]:
    result = suppress_defined(table, data, year=year, source="release", forced=sorted(forced))
    names = [d.name for d in table.dimensions]
    cells = result.cells.filter(pl.col("suppressed")).select(names)
    return result, frozenset(tuple(row) for row in cells.iter_rows())


def _as_shared(table: DefinedTable, cells: frozenset[Key]) -> set[tuple[str, str, str]]:
    """Suppressed cells as (form, field, region) for comparison across tables."""
    source = table.model.source
    assert source is not None
    names = [d.name for d in table.dimensions]
    fields_at = names.index(source.fields_dimension)
    region_at = next(i for i, d in enumerate(table.dimensions) if d.region is not None)
    return {(source.form, cell[fields_at], cell[region_at]) for cell in cells}


def _keys_of(table: DefinedTable, shared: set[tuple[str, str, str]]) -> set[Key]:
    source = table.model.source
    assert source is not None
    mine = set(field_codes(table))
    names = [d.name for d in table.dimensions]
    out: set[Key] = set()
    for form, field, region in shared:
        if form == source.form and field in mine:
            out.add(tuple(region if n != source.fields_dimension else field for n in names))
    return out


def protect(tables: dict[str, DefinedTable], inner: dict[str, pl.DataFrame], year: int) -> dict[str, Protection]:
    """Suppress and audit every table that names rules; raises ReleaseRefused (nothing is published)."""
    ruled = {n: t for n, t in tables.items() if t.has_rules}
    forced: dict[str, set[Key]] = {n: set() for n in ruled}
    results: dict[str, Any] = {}
    suppressed: dict[str, frozenset[Key]] = {}
    pending = set(ruled)
    for _ in range(_MAX_ROUNDS):
        for name in sorted(pending):
            results[name], suppressed[name] = _suppress(ruled[name], inner[name], year, forced[name])
        everywhere = set().union(*(_as_shared(ruled[n], s) for n, s in suppressed.items())) if suppressed else set()
        pending = set()
        for name, table in ruled.items():
            missing = _keys_of(table, everywhere) - suppressed[name]
            if missing:
                forced[name] |= missing
                pending.add(name)
        if not pending:
            break
    else:
        raise ReleaseRefused(f"linked tables {', '.join(sorted(ruled))} did not reach a common suppression "
                             f"in {_MAX_ROUNDS} rounds")
    _check_unruled(tables, ruled, everywhere)
    return {name: _audited(ruled[name], results[name], suppressed[name], forced[name]) for name in ruled}


def _check_unruled(tables: dict[str, DefinedTable], ruled: dict[str, DefinedTable],
                   everywhere: set[tuple[str, str, str]]) -> None:
    for name, table in tables.items():
        if name in ruled:
            continue
        leaked = _keys_of(table, everywhere)
        if leaked:
            raise ReleaseRefused(f"table {name} names no disclosure rules but shows {len(leaked)} cell(s) "
                                 f"suppressed in a linked table, e.g. {sorted(leaked)[0]}")


def _audited(table: DefinedTable, result: Any, cells: frozenset[Key], forced: set[Key]) -> Protection:
    rules = table.rules
    report = audit(result, n=tuple(rules.n), k=tuple(rules.k))
    names = [d.name for d in table.dimensions]
    cell_codes = result.cells.select(names).rows()
    if not report.passed:
        exact = [dict(zip(names, cell_codes[c], strict=True)) for c in report.exact_cells[:5]]
        raise ReleaseRefused(f"table {table.name}: the suppression audit finds {len(report.exact_cells)} "
                             f"suppressed cell(s) that can be derived exactly, e.g. {exact}; nothing is published")
    summary = {"passed": True, "protected": report.protected, "suppressed": len(cells),
               "primary": int(result.primary.sum()), "forced_by_linked_tables": len(forced),
               "below_protection": sum(1 for i in report.intervals if not i.protected)}
    return Protection(cells, summary)
