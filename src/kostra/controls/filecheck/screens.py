"""Rule screens (``FileRule.screen``): which rules can report nothing on a file, for one file or many.

For one file all screens are evaluated in one query. For many files of one form and year (the demo, a batch of
uploads) the screens that are the same expression for every file are evaluated in one grouped query over the
files' records together, keyed by file: on small files Polars' fixed cost per query and per expression node
outweighs the work, and the grouped query pays it once. Screens that differ between files (those reading the
region, say) are evaluated per file as before. Screens that are worth a query only in a group
(``FileRule.screen_alone`` False) are evaluated only there, so a group may screen out more rules than
:func:`screened_out`; a screened-out rule reports nothing, so the reports are the same either way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from kostra.controls.filecheck.model import CheckArguments, FileRule

__all__ = ["ScreenedFile", "screened_out", "screened_out_together"]

log = logging.getLogger(__name__)

_FILE = "__file__"  # the key column of the grouped query (no layout field has this name)


@dataclass(frozen=True, slots=True)
class ScreenedFile:
    """One file's part in a grouped screening: its rules, prepared records and arguments."""

    rules: Sequence[FileRule]
    records: pl.DataFrame
    args: CheckArguments


@dataclass(slots=True)
class _Probes:
    """A file's screens: rules screened out without a query, and the expressions to evaluate by rule index."""

    quiet: set[int]
    exprs: dict[int, pl.Expr] = field(default_factory=dict)


def _probes(rules: Sequence[FileRule], records: pl.DataFrame, args: CheckArguments, *, alone: bool) -> _Probes:
    """The file's screens; ``alone`` leaves out those worth a query only for files screened together."""
    columns = frozenset(records.columns)
    probes = _Probes(set())
    for index, rule in enumerate(rules):
        if rule.screen is None or (alone and not rule.screen_alone):
            continue
        try:
            expr = rule.screen(args, columns)
        except Exception:
            continue
        if expr is None:
            probes.quiet.add(index)
        else:
            probes.exprs[index] = expr
    return probes


def _any(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null(False).any()


def screened_out(rules: Sequence[FileRule], records: pl.DataFrame, args: CheckArguments) -> set[int]:
    """Indexes of the rules whose screen says they report nothing here (see ``FileRule.screen``).

    All screens are evaluated in one query. A screen that fails to build, or a query that fails, screens
    nothing out: the rule's own ``check`` then runs and reports its problem as usual.
    """
    probes = _probes(rules, records, args, alone=True)
    return probes.quiet | (_silent(records, probes.exprs) or set())


def _silent(records: pl.DataFrame, exprs: dict[int, pl.Expr]) -> set[int] | None:
    """The indexes of ``exprs`` that hold on no record; None when the query fails."""
    if not exprs:
        return set()
    try:
        found = records.select(**{str(index): _any(expr) for index, expr in exprs.items()}).row(0, named=True)
    except Exception:
        log.debug("rule screens failed; every rule runs", exc_info=True)
        return None
    return {int(key) for key, hit in found.items() if not hit}


def screened_out_together(files: Sequence[ScreenedFile]) -> list[set[int]]:
    """Per file, the indexes of the rules screened out, with the screens shared by files of one schema (and the
    group-only ones) evaluated together.

    A file whose own screens fail keeps only the rules screened out without a query, as for one file; when the
    grouped query fails, each file of the group is screened alone.
    """
    probes = [_probes(item.rules, item.records, item.args, alone=False) for item in files]
    quiet: list[set[int] | None] = [None] * len(files)
    groups: dict[tuple[tuple[str, pl.DataType], ...], list[int]] = {}
    for position, item in enumerate(files):
        if item.records.height == 0 or not probes[position].exprs:  # no group for an empty file
            quiet[position] = screened_out(item.rules, item.records, item.args)
        else:
            groups.setdefault(tuple(item.records.schema.items()), []).append(position)
    for members in groups.values():
        for position, silent in zip(members, _group(files, probes, members), strict=True):
            quiet[position] = silent
    return [found if found is not None else set() for found in quiet]


def _group(files: Sequence[ScreenedFile], probes: Sequence[_Probes], members: list[int]) -> list[set[int]]:
    """Screen the files ``members`` (one schema): shared expressions grouped, the others per file."""
    if len(members) == 1:
        only = files[members[0]]
        return [screened_out(only.rules, only.records, only.args)]
    first = probes[members[0]].exprs
    # Shared: the same expression at the same rule index in every file (mostly the same object: the screens are
    # memoised; else equal trees, e.g. the accounts code lists of any municipality but Oslo).
    shared = {index: expr for index, expr in first.items()
              if all(_same(probes[m].exprs.get(index), expr) for m in members[1:])}
    together = _together([files[m].records for m in members], shared)
    if together is None:
        return [screened_out(files[m].rules, files[m].records, files[m].args) for m in members]
    results: list[set[int]] = []
    for m, silent_shared in zip(members, together, strict=True):
        own = {index: expr for index, expr in probes[m].exprs.items() if index not in shared}
        silent_own = _silent(files[m].records, own)
        # As for one file: when its own screens fail, none of its screens counts.
        results.append(probes[m].quiet if silent_own is None else probes[m].quiet | silent_shared | silent_own)
    return results


def _same(expr: pl.Expr | None, other: pl.Expr) -> bool:
    return expr is other or (expr is not None and expr.meta.eq(other))


def _together(frames: list[pl.DataFrame], shared: dict[int, pl.Expr]) -> list[set[int]] | None:
    """Per frame, the indexes of ``shared`` that hold on none of its records; None when the query fails."""
    if not shared:
        return [set() for _ in frames]
    try:
        # One chunk per column (the grouped query runs faster than on many small chunks); in a grouped query
        # ``pl.all()`` still means the file's own columns.
        stacked = pl.concat([frame.with_columns(pl.lit(position, pl.UInt32).alias(_FILE))
                             for position, frame in enumerate(frames)])
        found = (stacked.group_by(_FILE, maintain_order=True)
                 .agg(**{str(index): _any(expr) for index, expr in shared.items()}))
    except Exception:
        log.debug("grouped rule screens failed; each file is screened alone", exc_info=True)
        return None
    if found.height != len(frames):
        return None
    names = [str(index) for index in shared]
    return [{int(name) for name, hit in zip(names, row[1:], strict=True) if not hit} for row in found.rows()]
