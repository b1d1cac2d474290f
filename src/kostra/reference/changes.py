"""Municipality code changes between years, and conversion of a series to another year's structure.

Splits are apportioned by population: 1507 Ålesund (2023) goes to 1508 Ålesund and 1580 Haram in the ratio of
their population on 1 January 2024 (the shares are stored in ``code_changes.csv``). ``split="break"`` marks
such values as a series break instead. Merges sum.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kostra.errors import UnknownRegion, UsageError
from kostra.reference.datafiles import change_rows
from kostra.reference.population import population, population_years
from kostra.reference.regions import region, regions

__all__ = ["KINDS", "SERIES_BREAK", "CodeChange", "SeriesBreak", "changes", "convert_series", "mapping"]

KINDS = ("rename", "code_change", "split", "merge", "unchanged")


class SeriesBreak(enum.Enum):
    """A value that cannot be carried into another structure without apportioning (``split="break"``)."""

    SERIES_BREAK = "series break"


SERIES_BREAK = SeriesBreak.SERIES_BREAK


@dataclass(frozen=True, slots=True)
class CodeChange:
    """``share`` of old unit ``old_code`` (in ``from_year``) is new unit ``new_code`` (in ``to_year``)."""

    from_year: int
    to_year: int
    old_code: str
    new_code: str
    kind: str
    share: float


def _municipalities(year: int) -> list[str]:
    return [r.code for r in regions(year, "kommune")]


def _step(year: int) -> dict[str, dict[str, float]]:
    """Forward mapping from ``year - 1`` to ``year``, identity included."""
    result = {code: {code: 1.0} for code in _municipalities(year - 1)}
    moved: dict[str, dict[str, float]] = defaultdict(dict)
    for row in change_rows():
        if int(row["to_year"]) == year and row["kind"] != "rename":
            moved[row["old_code"]][row["new_code"]] = float(row["share"])
    result.update(moved)
    return result


def _compose(first: dict[str, dict[str, float]], then: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = {}
    for old, targets in first.items():
        combined: dict[str, float] = defaultdict(float)
        for middle, share in targets.items():
            for new, next_share in then[middle].items():
                combined[new] += share * next_share
        result[old] = dict(combined)
    return result


def mapping(from_year: int, to_year: int) -> dict[str, dict[str, float]]:
    """Each municipality code of ``from_year`` → {code in ``to_year``: share}, unchanged codes included.

    Going back in time, a merge becomes a split shared by population of ``to_year`` (see ``changes``).
    Raises UnknownYear.
    """
    for year in (from_year, to_year):
        region(year, "EAK")  # raises UnknownYear
    low, high = sorted((from_year, to_year))
    forward = {code: {code: 1.0} for code in _municipalities(low)}
    for year in range(low + 1, high + 1):
        forward = _compose(forward, _step(year))
    return forward if from_year <= to_year else _invert(forward, to_year)


def _invert(forward: dict[str, dict[str, float]], to_year: int) -> dict[str, dict[str, float]]:
    parents: dict[str, list[str]] = defaultdict(list)
    for old, targets in forward.items():
        for new in targets:
            parents[new].append(old)
    result: dict[str, dict[str, float]] = {}
    for new, olds in parents.items():
        if len(olds) == 1:
            result[new] = {olds[0]: 1.0}
            continue
        weights = {old: _weight(to_year, old) for old in olds}
        total = sum(weights.values())
        result[new] = {old: w / total for old, w in weights.items()}
    return result


def _weight(year: int, code: str) -> float:
    held = [y for y in population_years() if y <= year] or population_years()
    try:
        return float(population(max(held), code))
    except UnknownRegion as error:
        raise UsageError(f"cannot apportion {code} in {year}: no population in its structure; "
                         "use split='break'") from error


def changes(from_year: int, to_year: int, include_unchanged: bool = False) -> list[CodeChange]:
    """Code changes of municipalities from ``from_year`` to ``to_year`` (either direction, any distance).

    Kinds: rename (same code, new name), code_change, split (one old → several new, with shares),
    merge (several old → one new); ``include_unchanged`` adds the identity rows (kind "unchanged").
    Example: ``changes(2023, 2024)`` holds 1507 → 1508 and 1507 → 1580 as splits. Raises UnknownYear.
    """
    table = mapping(from_year, to_year)
    inbound: dict[str, int] = defaultdict(int)
    for targets in table.values():
        for new in targets:
            inbound[new] += 1
    rows = []
    for old in sorted(table):
        for new, share in sorted(table[old].items()):
            kind = _kind(from_year, to_year, old, new, len(table[old]), inbound[new])
            if kind != "unchanged" or include_unchanged:
                rows.append(CodeChange(from_year, to_year, old, new, kind, round(share, 6)))
    return rows


def _kind(from_year: int, to_year: int, old: str, new: str, targets: int, sources: int) -> str:
    if targets > 1:
        return "split"
    if sources > 1:
        return "merge"
    if old != new:
        return "code_change"
    return "unchanged" if region(from_year, old).name == region(to_year, new).name else "rename"


def convert_series(values: Mapping[str, float], from_year: int, to_year: int,
                   split: str = "population") -> dict[str, float | SeriesBreak]:
    """A {municipality: value} series of ``from_year``'s structure shown in ``to_year``'s structure.

    Merges sum; a split municipality's value is apportioned by population shares (``split="population"``)
    or every part is marked ``SERIES_BREAK`` (``split="break"``), and so is any sum that includes one.
    Only codes present in ``values`` contribute. Raises UnknownYear, UnknownRegion, UsageError.
    """
    if split not in ("population", "break"):
        raise UsageError(f"split={split!r}: expected 'population' or 'break'")
    table = mapping(from_year, to_year)
    result: dict[str, float | SeriesBreak] = {}
    for code, value in values.items():
        if code not in table:
            raise UnknownRegion(code, from_year, hint=f"a municipality code of {from_year}")
        targets = table[code]
        for new, share in targets.items():
            broken = split == "break" and len(targets) > 1
            part: float | SeriesBreak = SERIES_BREAK if broken else (value if share == 1.0 else value * share)
            previous = result.get(new, 0)
            if isinstance(previous, SeriesBreak) or isinstance(part, SeriesBreak):
                result[new] = SERIES_BREAK
            else:
                result[new] = previous + part
    return result
