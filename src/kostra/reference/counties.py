"""County-municipality (``ff00``) changes between years, for series of county figures across the 2024 reform.

The changes are in ``county_changes.csv`` (provenance: ``data/COUNTY_CHANGES.md``): splits, merges and
boundary changes between consecutive years; a county municipality with the same code and name in both years
and no row carries over. A county's value carries into another year's structure only when the county's
territory is the same there (an unchanged county, or the sum of counties merged into it); a county made by a
split, or whose boundary changed, is a series break, never apportioned. :func:`check_county_changes`
re-derives the file from the county lists and the municipal code changes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kostra.errors import UsageError
from kostra.reference.changes import mapping
from kostra.reference.datafiles import DATA
from kostra.reference.regions import base_units, region, regions, years

__all__ = ["COUNTY_KINDS", "CountyOrigin", "check_county_changes", "county_changes", "county_origins"]

COUNTY_KINDS = ("split", "merge", "boundary")


@dataclass(frozen=True, slots=True)
class CountyOrigin:
    """Where county municipality ``code`` of the target year comes from in another year.

    ``sources``: the county municipalities of that year whose territory makes up (part of) ``code``;
    ``carried``: their summed values are ``code``'s (same territory); otherwise ``reason`` says why not.
    """

    code: str
    sources: tuple[str, ...]
    carried: bool
    reason: str


@lru_cache(maxsize=1)
def county_changes() -> tuple[dict[str, str], ...]:
    """Rows of ``county_changes.csv`` (from_year, to_year, old_code, new_code, kind)."""
    with (DATA / "county_changes.csv").open(encoding="utf-8", newline="") as handle:
        rows = tuple(csv.DictReader(handle))
    for row in rows:
        if row["kind"] not in COUNTY_KINDS:
            raise UsageError(f"county_changes.csv: kind {row['kind']!r} of {row['old_code']} → {row['new_code']}: "
                             f"expected one of {', '.join(COUNTY_KINDS)}")
    return rows


def _counties(year: int) -> list[str]:
    return [r.code for r in regions(year, "fylkeskommune")]


def _step(year: int, rows: Sequence[dict[str, str]] | None = None) -> dict[str, dict[str, bool]]:
    """County of ``year - 1`` → {county of ``year``: boundary changed}, for every county of ``year - 1``."""
    moved: dict[str, dict[str, bool]] = defaultdict(dict)
    for row in county_changes() if rows is None else rows:
        if int(row["to_year"]) == year:
            moved[row["old_code"]][row["new_code"]] = row["kind"] == "boundary"
    now = {r.code: r.name for r in regions(year, "fylkeskommune")}
    result: dict[str, dict[str, bool]] = {}
    for info in regions(year - 1, "fylkeskommune"):
        if info.code in moved:
            result[info.code] = dict(moved[info.code])
        elif now.get(info.code) == info.name:
            result[info.code] = {info.code: False}
        else:
            raise UsageError(f"county_changes.csv has no row for county municipality {info.code} {info.name} "
                             f"({year - 1}), which is not in {year} under the same code and name")
    return result


def _forward(low: int, high: int) -> dict[str, dict[str, bool]]:
    """County of ``low`` → {county of ``high`` sharing territory with it: a boundary changed on the way}."""
    links = {code: {code: False} for code in _counties(low)}
    for year in range(low + 1, high + 1):
        step = _step(year)
        composed: dict[str, dict[str, bool]] = {}
        for old, targets in links.items():
            merged: dict[str, bool] = {}
            for middle, broken in targets.items():
                for new, moved in step[middle].items():
                    merged[new] = merged.get(new, False) or broken or moved
            composed[old] = merged
        links = composed
    return links


def county_origins(year: int, target: int) -> dict[str, CountyOrigin]:
    """Each county municipality of ``target``'s structure and how ``year``'s counties make it up.

    ``county_origins(2023, 2025)["4600"]`` carries 4600; ``["3100"]`` is not carried (3000 Viken was split).
    Going back (``year`` after ``target``), the parts of a split county are summed into it. Raises UnknownYear.
    """
    region(year, "EAFK")  # raises UnknownYear
    region(target, "EAFK")
    low, high = sorted((year, target))
    forward = _forward(low, high)
    pairs = [(old, new, broken) for old, targets in forward.items() for new, broken in targets.items()]
    if year > target:
        pairs = [(new, old, broken) for old, new, broken in pairs]
    into: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, dict[str, bool]] = defaultdict(dict)
    for source, new, broken in pairs:
        into[source].add(new)
        sources[new][source] = broken
    origins = {}
    for code in _counties(target):
        found = sources.get(code, {})
        shared = sorted(s for s in found if len(into[s]) > 1)
        moved = sorted(s for s, broken in found.items() if broken)
        reason = ""
        if shared:
            reason = "; ".join(f"{s} ({year}) was split into {', '.join(sorted(into[s]))} ({target})" for s in shared)
        elif moved:
            reason = f"the boundary of {', '.join(moved)} changed between {low} and {high}"
        elif not found:
            reason = f"no county municipality of {year} behind {code}"
        origins[code] = CountyOrigin(code, tuple(sorted(found)), not reason, reason)
    return origins


def check_county_changes(rows: Sequence[dict[str, str]] | None = None) -> list[str]:
    """Differences between ``county_changes.csv`` and the county lists with the municipal code changes.

    For each pair of consecutive years and each county municipality of the first: the municipalities of its
    territory, carried by the municipal code changes, must be exactly those of the counties it goes to, and
    a county kept without a row (or with a split/merge row) must keep its territory. Empty when all agree.
    ``rows``: other rows to check instead of the shipped file's.
    """
    problems = []
    held = years()
    for year in held[1:]:
        step = _step(year, rows)
        table = mapping(year - 1, year)
        for old, targets in step.items():
            image = {new for m in base_units(year - 1, old) for new in table[m]}
            territory = {m for t in targets for m in base_units(year, t)}
            boundary = any(targets.values())
            if image != territory and not boundary:
                problems.append(f"{old} ({year - 1}) → {', '.join(sorted(targets))} ({year}): the municipalities "
                                "differ; mark the change as 'boundary'")
            elif image == territory and boundary:
                problems.append(f"{old} ({year - 1}): marked 'boundary' but its territory is unchanged")
        reached = {new for targets in step.values() for new in targets}
        problems += [f"{code} ({year}) is new but no county of {year - 1} goes to it"
                     for code in _counties(year) if code not in reached]
    return problems
