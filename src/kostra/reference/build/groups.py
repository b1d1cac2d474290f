"""A deterministic APPROXIMATION of the KOSTRA groups EKG01–EKG17 for demos.

SSB places municipalities by population and two economic criteria ("bundne kostnader" and "frie disponible
inntekter") that are not public as files (specs/kostra-domain.md §3.5). The population bands below are the
published ones; the economic criteria are replaced by demographic stand-ins from the same population table:

* bound costs ("bundne kostnader") ~ share of inhabitants aged 80 or more (elderly care drives tied costs);
* free disposable income ("frie disponible inntekter") ~ share aged 20–66 (working-age tax base).

Within a band, municipalities are ranked by the stand-in and cut so that group sizes follow the published
counts proportionally. Memberships known from published sources are pinned. The result is NOT SSB's grouping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["PINNED", "GroupBasis", "approximate_groups"]

# Known memberships (specs/kostra-domain.md §3.5; SSB's ssb-kostra-python test fixtures)
PINNED: dict[str, int] = {
    "0301": 13, "1103": 12, "4204": 12, "4601": 12, "3401": 7, "3405": 9,
    "1580": 1, "1508": 11, "1507": 11,
}
# published group sizes of "grupperingen per 2020", used as proportions within each band
_SIZES = {1: 39, 2: 18, 3: 9, 4: 39, 5: 33, 6: 28, 7: 38, 8: 13, 14: 25, 15: 36}
_POWER_GROUP_SIZE = 8  # group 17: highest tax income per inhabitant


@dataclass(frozen=True, slots=True)
class GroupBasis:
    """What the approximation uses of one municipality."""

    code: str
    population: int
    elderly_share: float  # aged 80+, stand-in for bound costs
    working_share: float  # aged 20–66, stand-in for free disposable income


def approximate_groups(municipalities: Sequence[GroupBasis]) -> dict[str, tuple[int, str]]:
    """Municipality code → (group 1–17, basis 'pinned' | 'computed') for one year's structure."""
    result = {m.code: (PINNED[m.code], "pinned") for m in municipalities if m.code in PINNED}
    free = [m for m in municipalities if m.code not in result]
    power = sorted((m for m in free if 600 <= m.population < 10_000),
                   key=lambda m: (-m.working_share, m.code))[:_POWER_GROUP_SIZE]
    result.update({m.code: (17, "computed") for m in power})
    free = [m for m in free if m.code not in result]
    pinned_counts = _counts(result)
    fixed_bands = [(20_000, 30_000, 9), (30_000, 45_000, 10), (45_000, 75_000, 11), (75_000, 10**8, 12)]
    for m in free:
        if m.population < 600:
            result[m.code] = (16, "computed")
        for low, high, group in fixed_bands:
            if low <= m.population < high:
                result[m.code] = (group, "computed")
    band = _band(free, 600, 2_000)
    result.update(_cut(band, "working_share", [14, 15], pinned_counts))
    band = _band(free, 10_000, 20_000)
    result.update(_cut(band, "working_share", [7, 8], pinned_counts))
    band = _band(free, 2_000, 10_000)
    low_cost = {m.code for m in _cut_members(band, "elderly_share", [0, 1], {0: 66, 1: 100}, pinned_counts)[0]}
    lave = [m for m in band if m.code in low_cost]
    result.update(_cut(lave, "working_share", [1, 2, 3], pinned_counts))
    result.update(_cut([m for m in band if m.code not in low_cost], "working_share", [4, 5, 6], pinned_counts))
    return result


def _counts(assigned: Mapping[str, tuple[int, str]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for group, _ in assigned.values():
        counts[group] = counts.get(group, 0) + 1
    return counts


def _band(members: Sequence[GroupBasis], low: int, high: int) -> list[GroupBasis]:
    return [m for m in members if low <= m.population < high]


def _cut(members: Sequence[GroupBasis], measure: str, groups: list[int],
         pinned: Mapping[int, int]) -> dict[str, tuple[int, str]]:
    parts = _cut_members(members, measure, groups, _SIZES, pinned)
    return {m.code: (group, "computed") for group, part in zip(groups, parts, strict=True) for m in part}


def _cut_members(members: Sequence[GroupBasis], measure: str, groups: list[int], sizes: Mapping[int, int],
                 pinned: Mapping[int, int]) -> list[list[GroupBasis]]:
    """Split members, ranked low to high by ``measure``, into parts sized like the published groups."""
    ranked = sorted(members, key=lambda m: (getattr(m, measure), m.code))
    total = len(ranked) + sum(pinned.get(g, 0) for g in groups)
    published = sum(sizes[g] for g in groups)
    parts, start = [], 0
    for index, group in enumerate(groups):
        if index == len(groups) - 1:
            take = len(ranked) - start
        else:
            take = max(0, round(sizes[group] * total / published) - pinned.get(group, 0))
        parts.append(ranked[start:start + take])
        start += take
    return parts
