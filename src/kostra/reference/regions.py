"""Regions of each year's structure and the hierarchy between them (EKA##, EKG##, EAK, EAKUO, EAB, EAFK …)."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from kostra.errors import UnknownRegion, UnknownYear, UsageError
from kostra.reference.datafiles import RegionInfo, membership_rows, region_rows

__all__ = ["LEVELS", "RegionInfo", "aggregates_of", "base_units", "members", "region", "regions", "years"]

LEVELS = ("kommune", "fylke", "bydel", "fylkeskommune", "kostragruppe", "aggregate")


@lru_cache(maxsize=1)
def _by_year() -> dict[int, dict[str, RegionInfo]]:
    result: dict[int, dict[str, RegionInfo]] = defaultdict(dict)
    for info in region_rows():
        result[info.year][info.code] = info
    return dict(result)


@lru_cache(maxsize=1)
def _members() -> dict[tuple[int, str], tuple[str, ...]]:
    grouped: dict[tuple[int, str], list[str]] = defaultdict(list)
    for year, code, aggregate in membership_rows():
        grouped[(year, aggregate)].append(code)
    return {key: tuple(sorted(codes)) for key, codes in grouped.items()}


@lru_cache(maxsize=1)
def _parents() -> dict[tuple[int, str], tuple[str, ...]]:
    grouped: dict[tuple[int, str], list[str]] = defaultdict(list)
    for year, code, aggregate in membership_rows():
        grouped[(year, code)].append(aggregate)
    return {key: tuple(codes) for key, codes in grouped.items()}


def years() -> list[int]:
    """The years whose region structure is held, e.g. ``[2020, …, 2026]``."""
    return sorted(_by_year())


def _year(year: int) -> dict[str, RegionInfo]:
    structure = _by_year().get(year)
    if structure is None:
        raise UnknownYear(year, years(), what="the region structure")
    return structure


def regions(year: int, level: str | None = None) -> list[RegionInfo]:
    """The regions of ``year``, optionally of one level (see ``LEVELS``), ordered by level then code.

    Raises UnknownYear, or UsageError for an unknown level. Example: ``len(regions(2024, "kommune")) == 357``.
    """
    if level is not None and level not in LEVELS:
        raise UsageError(f"unknown region level {level!r}: expected one of {', '.join(LEVELS)}")
    found = [r for r in _year(year).values() if level is None or r.level == level]
    return sorted(found, key=lambda r: (LEVELS.index(r.level), r.code))


def region(year: int, code: str) -> RegionInfo:
    """One region of ``year``: ``region(2024, "1580").name == "Haram"``. Raises UnknownYear, UnknownRegion."""
    found = _year(year).get(code)
    if found is None:
        raise UnknownRegion(code, year)
    return found


def members(year: int, aggregate: str) -> list[str]:
    """Codes directly in ``aggregate`` (a county ``03``, ``EKA03``, ``EKG12``, ``EAK``, ``EAKUO``, ``EAB``, ``EAFK``).

    A region that is not an aggregate has no members (empty list). Raises UnknownYear, UnknownRegion.
    """
    region(year, aggregate)
    return list(_members().get((year, aggregate), ()))


def aggregates_of(year: int, code: str) -> list[str]:
    """The aggregates ``code`` belongs to in ``year``: ``aggregates_of(2024, "0301")`` → 03, EKA03, EKG13, EAK."""
    region(year, code)
    return list(_parents().get((year, code), ()))


def base_units(year: int, code: str) -> list[str]:
    """The municipalities or districts whose sum makes up ``code`` (itself for a municipality or district).

    A county municipality ``ff00`` covers the municipalities of county ``ff``.
    """
    info = region(year, code)
    if info.level in ("kommune", "bydel"):
        return [code]
    if info.level == "fylkeskommune":
        return base_units(year, code[:2])
    units: list[str] = []
    for member in members(year, code):
        units.extend(base_units(year, member))
    return sorted(set(units))
