"""Disclosure control of a release's tables (``kostra.disclosure``), consistent across linked tables.

Tables are linked when they show the same field of the same form (e.g. field 4.3 of form 5 in two tables): a
cell of that field suppressed in one must be suppressed in the other, or the other would publish it. Each
table is suppressed from its definition; shared cells suppressed in any linked table are made primary
(``forced``) in the others, and the linked tables are suppressed again until no table changes. Then the LP
audit runs over each set of linked tables as one system of equations (``audit_linked``: an inner cell shown by
two tables is one unknown), so a cell that each table alone protects but that follows from the tables together
is found; any suppressed cell that can be derived exactly refuses the release. A table without rules that
shares a suppressed cell refuses it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from kostra.catalog.tables import DefinedTable
from kostra.disclosure.audit import AuditReport, LinkedTable, audit_linked
from kostra.disclosure.defined import suppress_defined
from kostra.publish.definitions import ReleaseRefused, field_codes
from kostra.publish.timing import phase

__all__ = ["Protection", "audit_together", "linked_sets", "protect"]

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
            with phase("suppression"):
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
    reports: dict[str, AuditReport] = {}
    for names in linked_sets(ruled):
        with phase("audit (LP)"):
            reports |= audit_together([_linked(ruled[name], results[name]) for name in names])
    return {name: _summary(ruled[name], results[name], suppressed[name], forced[name], reports[name],
                           _partners(name, ruled)) for name in ruled}


def linked_sets(tables: dict[str, DefinedTable]) -> list[list[str]]:
    """The tables in groups that share a field (directly or through another table), each sorted."""
    shares = _shared(tables)
    seen: set[str] = set()
    groups = []
    for start in sorted(tables):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name in group:
                continue
            group.add(name)
            todo += [o for o in tables if o not in group and {p for p in shares[name]} & _shows(tables[o])]
        seen |= group
        groups.append(sorted(group))
    return groups


def _shows(table: DefinedTable) -> set[tuple[str, str]]:
    return {(table.model.source.form, f) for f in field_codes(table)}  # type: ignore[union-attr]


def _partners(name: str, tables: dict[str, DefinedTable]) -> list[str]:
    return next(sorted(set(g) - {name}) for g in linked_sets(tables) if name in g)


def _linked(table: DefinedTable, result: Any) -> LinkedTable:
    """The table for the joint audit: each inner cell keyed by what it is in any table (form, measure, field,
    region leaf), so the same cell of a linked table is the same unknown."""
    source = table.model.source
    assert source is not None
    region = next(d.name for d in table.dimensions if d.region is not None)
    inner = result.table.inner
    keys = [(source.form, table.model.measure.kind, field, leaf)
            for field, leaf in zip(inner[source.fields_dimension].to_list(), inner[region].to_list(), strict=True)]
    rules = table.rules
    return LinkedTable(table.name, result, keys, n=tuple(rules.n), k=tuple(rules.k))


def audit_together(tables: list[LinkedTable]) -> dict[str, AuditReport]:
    """The LP audit of linked tables as one system; raises ReleaseRefused naming the table, the tables it was
    audited with and the cells that can be derived exactly."""
    reports = audit_linked(tables)
    names = [t.name for t in tables]
    for table in tables:
        report = reports[table.name]
        if report.passed:
            continue
        dims = table.result.table.keys
        codes = table.result.cells.select(dims).rows()
        exact = [dict(zip(dims, codes[c], strict=True)) for c in report.exact_cells[:5]]
        others = ", ".join(n for n in names if n != table.name)
        together = f", together with the linked table(s) {others}," if others else ""
        raise ReleaseRefused(f"table {table.name}: the suppression audit{together} finds "
                             f"{len(report.exact_cells)} suppressed cell(s) that can be derived exactly, e.g. "
                             f"{exact}; nothing is published")
    return reports


def _check_unruled(tables: dict[str, DefinedTable], ruled: dict[str, DefinedTable],
                   everywhere: set[tuple[str, str, str]]) -> None:
    for name, table in tables.items():
        if name in ruled:
            continue
        leaked = _keys_of(table, everywhere)
        if leaked:
            raise ReleaseRefused(f"table {name} names no disclosure rules but shows {len(leaked)} cell(s) "
                                 f"suppressed in a linked table, e.g. {sorted(leaked)[0]}")


def _summary(table: DefinedTable, result: Any, cells: frozenset[Key], forced: set[Key], report: AuditReport,
             partners: list[str]) -> Protection:
    summary = {"passed": True, "protected": report.protected, "suppressed": len(cells),
               "primary": int(result.primary.sum()), "forced_by_linked_tables": len(forced),
               "audited_with": partners,
               "below_protection": sum(1 for i in report.intervals if not i.protected)}
    return Protection(cells, summary)
