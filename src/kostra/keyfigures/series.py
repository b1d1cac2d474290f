"""A key figure over years in one (the current) region structure, across the 2024 reform.

Each year is evaluated in its own structure; then the numerator and the denominator of each unit are
carried into the target structure through the code changes (``kostra.reference.mapping``): a renumbered
unit keeps its values, a **merger sums the inputs first and then the ratio is taken**, and a unit made
by a **split** gets ``..`` with the reason "series break" (its earlier values cannot be divided without
inventing data). An aggregate of the target structure (EAK, EKA##, EKG##, EAB) is the ratio of the sums
over the year's own units that lie wholly inside it, so a split inside it (1507 Ålesund → 1508 + 1580, both
in EKA15) does not break it; a unit of the year partly inside and partly outside (1507 for EKG01, which holds
1580 but not 1508) makes it a series break. Years before the first year with key-figure
definitions are read with the first year's definitions (population-based figures then come from real
data for 2020–2024; form-based ones are ``..`` where the year has no form data).

County-municipality figures (``units: county_municipality``) go through the county changes
(``kostra.reference.counties``): a county with the same territory keeps its values (counties merged into
one are summed first), a county made by a split (3100 Østfold … before 2024) is ``|`` with the reason, and
EAFK/EAFKUO of each year are ratios of the sums over that year's own counties (a country total does not
break).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy.orm import Session

from kostra.dataset import years_with_data
from kostra.errors import UnknownRegion
from kostra.keyfigures.compute import (
    COUNTY_AGGREGATES,
    RESULT_SCHEMA,
    Symbol,
    _needs,
    aggregate_members,
    base_unit_codes,
    county_unit_codes,
    ratio_row,
    select_indicators,
)
from kostra.keyfigures.definitions import available_years, load_indicators
from kostra.keyfigures.evaluate import Evaluator
from kostra.keyfigures.inputs import Input, load_year_data
from kostra.keyfigures.sources import AccountsSource, PopulationSource
from kostra.reference import mapping
from kostra.reference.counties import county_origins

__all__ = ["SERIES_YEARS", "series"]

SERIES_YEARS = range(2020, 2026)
SERIES_BREAK = "|"   # SSB: break in series (specs/kostra-domain.md §4.2); the value itself is '..'


def _year_parts(session: Session, year: int, figure: str, stand_in: bool) -> tuple[dict[str, Input], ...]:
    held = available_years()
    definitions_year = year if year in held else min(held)
    [indicator] = select_indicators(definitions_year, [figure])
    every = {i.id: i for i in load_indicators(definitions_year)}
    units = county_unit_codes(year) if indicator.units == "county_municipality" else base_unit_codes(year)
    forms, files, fields, cells = _needs([indicator, *(every[d] for d in indicator.depends_on)])
    absent = ""
    if year not in years_with_data(session):
        forms, files, cells = set(), set(), set()
        absent = f"no reported data for {year} (forms, files, accounts)"
    data = load_year_data(session, year, forms, files, fields,
                          definitions_year=None if definitions_year == year else definitions_year)
    accounts = AccountsSource(session, year, units)
    if cells:
        accounts.prepare(cells)
    evaluator = Evaluator(data, units, PopulationSource(year, stand_in=stand_in), accounts, every, absent=absent)
    return evaluator.figure_part(indicator, "numerator"), evaluator.figure_part(indicator, "denominator")


def _carried(year: int, target: int, parts: dict[str, Input]) -> dict[str, Input]:
    """``parts`` of ``year``'s units as units of ``target``'s structure (districts keep their codes)."""
    if year == target:
        return parts
    table = mapping(year, target)
    sources: dict[str, list[tuple[str, float]]] = {}
    for old, targets in table.items():
        for new, share in targets.items():
            sources.setdefault(new, []).append((old, share))
    carried = {code: value for code, value in parts.items() if len(code) == 6}
    for new, olds in sources.items():
        split = [old for old, share in olds if share < 0.999999]
        if split:
            carried[new] = Input(None, "missing", f"series break: {', '.join(split)} ({year}) was split; "
                                                  f"its values cannot be divided")
            continue
        inputs = [parts[old] for old, _ in olds if old in parts]
        missing = [i for i in inputs if i.value is None]
        if missing or not inputs:
            carried[new] = missing[0] if missing else Input(None, "missing", f"no unit of {year} behind {new}")
            continue
        note = f"sum of {', '.join(o for o, _ in olds)} ({year})" if len(olds) > 1 else ""
        carried[new] = Input(sum(i.value or 0.0 for i in inputs), "value", note,
                             any(i.estimated for i in inputs))
    return carried


def _carried_counties(year: int, target: int, parts: dict[str, Input]) -> dict[str, Input]:
    """``parts`` of ``year``'s county municipalities as those of ``target``'s structure."""
    carried = {}
    for code, origin in county_origins(year, target).items():
        if not origin.carried:
            carried[code] = Input(None, "missing", f"series break: {origin.reason}; its values cannot be divided")
            continue
        inputs = [parts[s] for s in origin.sources if s in parts]
        missing = [i for i in inputs if i.value is None]
        if missing or not inputs:
            carried[code] = missing[0] if missing else Input(None, "missing", f"no unit of {year} behind {code}")
            continue
        note = f"sum of {', '.join(origin.sources)} ({year})" if len(origin.sources) > 1 else ""
        carried[code] = Input(sum(i.value or 0.0 for i in inputs), "value", note, any(i.estimated for i in inputs))
    return carried


def series(session: Session, figure: str, regions: Iterable[str] | None = None, *,
           years: Iterable[int] = SERIES_YEARS, structure_year: int | None = None,
           population_stand_in: bool = False) -> pl.DataFrame:
    """``figure`` for each of ``years`` in the structure of ``structure_year`` (default: the last year).

    Columns as :data:`kostra.keyfigures.RESULT_SCHEMA`; ``symbol`` is ``|`` (series break) for a unit
    made by a split in the years before it. ``regions``: units or aggregates of the target structure.
    """
    wanted_years = sorted(set(years))
    target = structure_year or wanted_years[-1]
    [indicator] = select_indicators(max(y for y in available_years() if y <= target) if any(
        y <= target for y in available_years()) else min(available_years()), [figure])
    county = indicator.units == "county_municipality"
    units = county_unit_codes(target) if county else base_unit_codes(target)
    members = {code: m for code, m in aggregate_members(session, target).items()
               if (code in COUNTY_AGGREGATES) == county}
    wanted = list(regions) if regions is not None else [*units, *members]
    for code in wanted:
        if code not in members and code not in units:
            raise UnknownRegion(code, target, hint=_hint(county))
    carry = _carried_counties if county else _carried
    rows = []
    for year in wanted_years:
        parts = _year_parts(session, year, figure, population_stand_in)
        numerators, denominators = (carry(year, target, p) for p in parts)
        own = _county_members(year) if county else _own_members(year, target, members, parts[0])
        for code in wanted:
            if code in members:  # the aggregate over that year's own units: a split inside it is no break
                covered, broken = own[code]
                rows.append(_break_row(indicator, year, code, broken) if broken else
                            _row(indicator, year, code, covered, *parts, True))
                continue
            rows.append(_row(indicator, year, code, [code], numerators, denominators, False))
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def _own_members(year: int, target: int, members: dict[str, list[str]],
                 parts: dict[str, Input]) -> dict[str, tuple[list[str], str]]:
    """Each aggregate of ``target`` as (units of ``year`` that lie wholly inside it, the unit of ``year``
    that lies partly inside and partly outside it: a series break of the aggregate, or "")."""
    table = mapping(year, target) if year != target else {}
    ahead = {unit: set(table.get(unit, {unit: 1.0})) for unit in parts}  # districts keep their codes
    result = {}
    for code, covered in members.items():
        inside = set(covered)
        whole = sorted(u for u, targets in ahead.items() if targets <= inside)
        partly = sorted(u for u, targets in ahead.items() if targets & inside and not targets <= inside)
        result[code] = (whole, partly[0] if partly else "")
    return result


def _break_row(indicator, year: int, code: str, unit: str) -> tuple[object, ...]:
    return (indicator.id, code, year, None, None, None, SERIES_BREAK,
            f"series break: {unit} ({year}) lies partly inside {code} and partly outside it", 0, 0, 0, "")


def _hint(county: bool) -> str:
    return "for a county-municipality figure, a county municipality (ff00, e.g. 4600) or EAFK, EAFKUO" if county \
        else ""


def _county_members(year: int) -> dict[str, tuple[list[str], str]]:
    """EAFK and EAFKUO of ``year``'s own structure (as ``aggregate_members``, without the grouping)."""
    counties = county_unit_codes(year)
    return {"EAFK": (counties, ""), "EAFKUO": ([c for c in counties if c != "0300"], "")}


def _row(indicator, year: int, code: str, covered: list[str], numerators: dict[str, Input],
         denominators: dict[str, Input], aggregate: bool) -> tuple[object, ...]:
    empty = Input(None, "missing", f"{code} is not in the structure")
    pairs = [(numerators.get(u, empty), denominators.get(u, empty)) for u in covered]
    good = [(n, d) for n, d in pairs if n.value is not None and d.value is not None]
    if not good:
        n, d = pairs[0] if pairs else (empty, empty)
        reason = n.reason if n.value is None else d.reason
        symbol = SERIES_BREAK if reason.startswith("series break") else Symbol.MISSING
        return (indicator.id, code, year, None, None, None, symbol, reason if not aggregate else
                f"none of the {len(covered)} units has a value", 0, 0, len(covered), "")
    num = sum(n.value or 0.0 for n, _ in good)
    den = sum(d.value or 0.0 for _, d in good)
    value, symbol, reason = ratio_row(indicator, num, den)
    notes = [n.reason for n, _ in good if n.reason] if not aggregate else []
    if aggregate and len(good) < len(covered):
        notes.append(f"covers {len(good)} of {len(covered)} units")
    estimated = sum(1 for n, d in good if n.estimated or d.estimated)
    return (indicator.id, code, year, value, num, den, symbol, reason, len(good), estimated, len(covered),
            "; ".join(notes))
