"""Compute key figures for every base unit and every aggregate of a year: ratios of sums, never means.

For a municipality or district: ``numerator / denominator × scale``, rounded half up to the figure's
decimals. For an aggregate (EKA##, EKG## of the grouping in force, EAK, EAKUO, EAB): the numerators of
the units it covers are summed, the denominators are summed, and the ratio of the two sums is taken; a
unit is covered when both its numerator and denominator have a value (reported, edited or estimated), and
each aggregate says how many units it covers, of how many, and how many of those are estimated.
Symbols (SSB): ``..`` missing, ``.`` not applicable (denominator 0), ``-`` nil (nothing to report).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from kostra.controls.language.syntax import Call, Name, Number, walk
from kostra.dataset import read_snapshot, snapshots
from kostra.errors import UnknownRegion, UsageError
from kostra.keyfigures.definitions import load_indicators
from kostra.keyfigures.evaluate import Evaluator
from kostra.keyfigures.inputs import Input, load_year_data
from kostra.keyfigures.models import Indicator
from kostra.keyfigures.sources import AccountsSource, PopulationSource
from kostra.keyfigures.submitted import snapshot_cutoff
from kostra.reference import base_units, regions

__all__ = ["RESULT_SCHEMA", "KeyFigureResult", "Symbol", "aggregate_members", "compute", "round_half_up"]

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "figure": pl.String(), "region": pl.String(), "year": pl.Int32(), "value": pl.Float64(),
    "numerator": pl.Float64(), "denominator": pl.Float64(), "symbol": pl.String(), "reason": pl.String(),
    "units_covered": pl.Int32(), "units_estimated": pl.Int32(), "units_total": pl.Int32(), "note": pl.String(),
}


class Symbol:
    """SSB's table symbols (specs/kostra-domain.md §4.2)."""

    MISSING = ".."
    NOT_APPLICABLE = "."
    NIL = "-"
    VALUE = ""


@dataclass(frozen=True)
class KeyFigureResult:
    """The figures of one year: ``frame`` (columns :data:`RESULT_SCHEMA`), the indicators and the phases."""

    year: int
    frame: pl.DataFrame
    indicators: tuple[Indicator, ...]
    phases: dict[str, float] = field(default_factory=dict)

    def value(self, figure: str, region: str) -> dict[str, object]:
        """One row as a dict; raises UsageError when the figure or region is not in the result."""
        rows = self.frame.filter((pl.col("figure") == figure) & (pl.col("region") == region)).to_dicts()
        if not rows:
            raise UsageError(f"no value of {figure!r} for {region!r} in {self.year}")
        return rows[0]


def round_half_up(value: float, decimals: int) -> float:
    """``round_half_up(2.25, 1) == 2.3`` (Python's round gives 2.2): SSB rounds half away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def aggregate_members(session: Session | None, year: int) -> dict[str, list[str]]:
    """Aggregate code → base units: EKA## and EAK/EAKUO (municipalities), EKG## (grouping in force), EAB."""
    from kostra.reference.grouping import kostra_grouping

    found: dict[str, list[str]] = {}
    for info in regions(year, "aggregate"):
        if info.code.startswith("EKA") or info.code in ("EAK", "EAKUO", "EAB"):
            found[info.code] = base_units(year, info.code)
    grouping = kostra_grouping(session, year)
    for info in regions(year, "kostragruppe"):
        found[info.code] = grouping.members(info.code)
    counties = county_unit_codes(year)
    found["EAFK"] = counties
    found["EAFKUO"] = [c for c in counties if c != "0300"]  # without Oslo, also a county municipality
    return found


COUNTY_AGGREGATES = ("EAFK", "EAFKUO")


def county_unit_codes(year: int) -> list[str]:
    """The county municipalities (``ff00``) of ``year``: the units of county figures (EAFK, EAFKUO)."""
    return [r.code for r in regions(year, "fylkeskommune")]


def _for_indicator(indicator: Indicator, year: int, units: list[str], members: dict[str, list[str]],
                   wanted: list[str] | None) -> tuple[list[str], dict[str, list[str]]]:
    """The units and aggregates a figure is published for: municipal figures or county figures."""
    county = indicator.units == "county_municipality"
    own = county_unit_codes(year) if county else units
    groups = {code: m for code, m in members.items() if (code in COUNTY_AGGREGATES) == county}
    if wanted is not None:
        own = [u for u in own if u in wanted]
    return own, groups


def base_unit_codes(year: int) -> list[str]:
    """Municipalities of ``year`` and the Oslo districts (EAB's members)."""
    return [r.code for r in regions(year, "kommune")] + base_units(year, "EAB")


def _needs(indicators: Iterable[Indicator]) -> tuple[set[str], set[str], dict[str, set[str]],
                                                   set[tuple[str, str, str]]]:
    forms, files, fields, cells = set(), set(), {}, set()
    from kostra.catalog.forms import load_catalog

    for indicator in indicators:
        refs = {f"skjema{f.id.lower()}": f.id for f in load_catalog(indicator.year).forms()}
        for part in (indicator.numerator, indicator.denominator):
            for node in walk(part):
                if isinstance(node, Name):
                    forms.add(refs[node.parts[0]])
                elif isinstance(node, Call) and node.func in ("records", "records_sum"):
                    name = node.args[0].value  # type: ignore[union-attr]
                    files.add(name)
                    if node.func == "records_sum":
                        fields.setdefault(name, set()).add(node.args[1].value)  # type: ignore[union-attr]
                elif isinstance(node, Call) and node.func == "accounts":
                    kw = {k: v.value for k, v in node.kwargs}  # type: ignore[union-attr]
                    cells.add((kw["function"], kw["art"], kw.get("scope", "kasse")))
    return forms, files, fields, cells


def select_indicators(year: int, figures: Iterable[str] | None) -> tuple[Indicator, ...]:
    """The year's indicators, or those named; raises UsageError naming the valid ids."""
    every = load_indicators(year)
    if figures is None:
        return every
    known = {i.id: i for i in every}
    wanted = list(dict.fromkeys(figures))
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise UsageError(f"unknown key figure {unknown[0]!r} for {year}; known: {', '.join(sorted(known))}")
    # Figures referred to by the chosen ones are evaluated too (not returned).
    return tuple(known[f] for f in wanted)


def compute(session: Session, year: int, *, figures: Iterable[str] | None = None,
            regions: Iterable[str] | None = None, population_stand_in: bool = False,
            values: pl.DataFrame | None = None, as_of: datetime | None = None,
            approved_only: bool = False) -> KeyFigureResult:
    """Key figures of ``year`` for every base unit and aggregate (or the ``figures`` and ``regions`` named).

    ``population_stand_in``: a population date not loaded is replaced by the newest loaded year, said in
    ``note`` (the demo's 2025 figures); without it such figures are ``..`` with the reason.
    ``values``: the year's values in long form to compute from (a frozen snapshot's frame, same columns as
    ``kostra.dataset.year_values``) instead of the live database; ``as_of`` (an instant) and
    ``approved_only``: only the file attachments and accounts files submitted by then (and approved) count.
    :func:`compute_snapshot` passes all three for a snapshot.
    Raises UnknownYear (no definitions or structure), UsageError (unknown figure), UnknownRegion.

    >>> result = compute(session, 2024, figures=["andel_80_aar_og_over"], regions=["3401", "EAK"])
    >>> result.frame.select("region", "value").rows()
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    chosen = select_indicators(year, figures)
    every = {i.id: i for i in load_indicators(year)}
    members = aggregate_members(session, year)
    units = base_unit_codes(year)
    wanted = _wanted_regions(year, regions, units + county_unit_codes(year), members)
    phases["definitions"] = time.perf_counter() - started
    everything = units + county_unit_codes(year)
    needed_units = sorted({u for r in wanted for u in members.get(r, [r])}) if wanted is not None else everything
    forms, files, fields, cells = _needs([*chosen, *(every[d] for i in chosen for d in i.depends_on)])
    data = load_year_data(session, year, forms, files, fields,
                          units=None if wanted is None else _with_oslo(needed_units), values=values, as_of=as_of,
                          approved_only=approved_only)
    phases["inputs"] = time.perf_counter() - started - sum(phases.values())
    accounts = AccountsSource(session, year, needed_units, as_of=as_of, approved_only=approved_only)
    if cells:
        accounts.prepare(cells)
    phases["accounts"] = time.perf_counter() - started - sum(phases.values())
    evaluator = Evaluator(data, needed_units, PopulationSource(year, stand_in=population_stand_in), accounts, every)
    rows: list[tuple[object, ...]] = []
    for indicator in chosen:
        own, groups = _for_indicator(indicator, year, units, members, wanted)
        rows.extend(figure_rows(evaluator, indicator, own, groups, wanted))
    phases["figures"] = time.perf_counter() - started - sum(phases.values())
    frame = pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
    return KeyFigureResult(year, frame, chosen, phases)


def compute_snapshot(session: Session, home: Path, year: int, label: str, **options: Any) -> KeyFigureResult:
    """Key figures from the frozen snapshot ``label`` of ``year`` (under KOSTRA_HOME ``home``): its values,
    and the files and accounts submitted by the moment it shows (:func:`snapshot_cutoff`).

    ``options``: ``figures``, ``regions``, ``population_stand_in`` as for :func:`compute`.
    Raises NotFound (no such snapshot), SnapshotChanged (its file is not as frozen), and as :func:`compute`.
    """
    frozen = read_snapshot(session, home, year, label)
    snapshot = next(s for s in snapshots(session, year) if s.label == label)
    return compute(session, year, values=frozen, as_of=snapshot_cutoff(snapshot),
                   approved_only=snapshot.approved_only, **options)


def _with_oslo(units: list[str]) -> list[str]:
    return sorted({*units, *(["0301"] if any(u.startswith("0301") for u in units) else [])})


def _wanted_regions(year: int, asked: Iterable[str] | None, units: list[str],
                    members: dict[str, list[str]]) -> list[str] | None:
    if asked is None:
        return None
    wanted = list(dict.fromkeys(asked))
    for code in wanted:
        if code not in members and code not in units:
            raise UnknownRegion(code, year, hint="a municipality, an Oslo district, a county municipality, or one of "
                                + ", ".join(sorted(members)[:8]) + " …")
    return wanted


def figure_rows(evaluator: Evaluator, indicator: Indicator, units: list[str], members: dict[str, list[str]],
                wanted: list[str] | None) -> list[tuple[object, ...]]:
    """One row per unit and aggregate for ``indicator``."""
    numerators = evaluator.figure_part(indicator, "numerator")
    denominators = evaluator.figure_part(indicator, "denominator")
    year = evaluator.data.year
    rows = [_unit_row(indicator, year, u, numerators[u], denominators[u]) for u in units]
    for code, covered in members.items():
        if wanted is None or code in wanted:
            rows.append(_aggregate_row(indicator, year, code, covered, numerators, denominators))
    return rows


def ratio_row(indicator: Indicator, num: float | None, den: float | None) -> tuple[float | None, str, str]:
    """(value, symbol, reason) of a numerator and denominator (None: missing)."""
    if num is None or den is None:
        return None, Symbol.MISSING, "an input is missing"
    if den == 0:
        return None, Symbol.NOT_APPLICABLE, "the denominator is 0"
    return round_half_up(num / den * indicator.scale.factor, indicator.decimals), Symbol.VALUE, ""


def _unit_row(indicator: Indicator, year: int, unit: str, num: Input, den: Input) -> tuple[object, ...]:
    value, symbol, reason = ratio_row(indicator, num.value, den.value)
    if symbol == Symbol.MISSING:
        side = num if num.value is None else den
        part = "numerator" if side is num else "denominator"
        reason = f"{part}: {side.reason}" if side.reason else f"{part} missing"
        symbol = Symbol.NOT_APPLICABLE if side.state == "not_applicable" else Symbol.MISSING
    elif symbol == Symbol.VALUE and (num.estimated or den.estimated):
        # An estimate serves the aggregates; it is never published as the unit's own figure.
        value, symbol, reason = None, Symbol.MISSING, "estimated for a unit that has not reported: not its own figure"
    elif symbol == Symbol.VALUE and num.state == "nil" and value == 0:
        symbol, reason = Symbol.NIL, "nothing to report (nil return)"
    notes = "; ".join(dict.fromkeys(n for n in (num.reason, den.reason) if n and symbol == Symbol.VALUE))
    covered = int(num.value is not None and den.value is not None)
    return (indicator.id, unit, year, value, num.value, den.value, symbol, reason, covered,
            int(covered and (num.estimated or den.estimated)), 1, notes)


def _aggregate_row(indicator: Indicator, year: int, code: str, covered: list[str],
                   numerators: dict[str, Input], denominators: dict[str, Input]) -> tuple[object, ...]:
    num = den = 0.0
    count = estimated = 0
    nil = True
    for unit in covered:
        n, d = numerators[unit], denominators[unit]
        if n.value is None or d.value is None:
            continue
        num, den, count = num + n.value, den + d.value, count + 1
        estimated += int(n.estimated or d.estimated)
        nil = nil and n.state == "nil"
    total = len(covered)
    if isinstance(indicator.denominator, Number):
        den = indicator.denominator.value  # a count (denominator 1): the aggregate is the sum of the counts
    if count == 0:
        return (indicator.id, code, year, None, None, None, Symbol.MISSING,
                f"none of the {total} units has a value", 0, 0, total, "")
    value, symbol, reason = ratio_row(indicator, num, den)
    if symbol == Symbol.VALUE and nil and value == 0:
        symbol, reason = Symbol.NIL, "nothing to report (nil returns)"
    note = f"covers {count} of {total} units" if count < total else ""
    return (indicator.id, code, year, value, num, den, symbol, reason, count, estimated, total, note)


__all__ += ["base_unit_codes", "compute_snapshot", "figure_rows", "ratio_row", "select_indicators"]
