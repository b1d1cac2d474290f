"""The adapter between the key-figure engine (``kostra.keyfigures``) and the pages' models.

Everything the pages know about the engine is in this module: the routes call one function here each and
render what it returns (``kostra.web.keyfigure_models``). Who may see what is decided here too, before
anything is looked up, so a refusal never shows whether a figure or a unit exists:

* statisticians and administrators see every figure of every region;
* a reporter sees their own unit's figures and, on the portal page, their KOSTRA group's value; never the
  lineage of an aggregate (it lists other units' unpublished values) nor another unit's figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access import Principal, require_unit_access
from kostra.catalog.forms import load_catalog
from kostra.controls import reports
from kostra.controls.language.syntax import Call, Name, walk
from kostra.controls.reports import Hit
from kostra.controls.unit_reports import unit_hits
from kostra.errors import AccessDenied, KostraError, NotFound, UsageError
from kostra.keyfigures import (
    Indicator,
    UnitPart,
    compute,
    explain,
    load_indicators,
    population_stand_ins,
    series,
)
from kostra.reference.grouping import kostra_grouping
from kostra.reference.regions import region as region_info
from kostra.reference.regions import years as structure_years
from kostra.store.models import Edit, Unit
from kostra.web.keyfigure_models import (
    ComparisonPage,
    ComparisonSeries,
    CoveredUnit,
    FigureComparison,
    FigureListPage,
    FigureRef,
    InputEdit,
    InputEstimate,
    InputValue,
    LineagePage,
    PopulationStandIn,
    PortalFigure,
    PortalHit,
    PortalKeyfiguresPage,
    SeriesPoint,
)

__all__ = ["comparison_page", "figure_list", "lineage_page", "portal_keyfigures"]

UNIT_LEVELS = ("kommune", "bydel", "fylkeskommune")
SERIES_YEARS = 5  # the comparison pages show the year and the four before it
MIN_OTHER_UNITS = 2  # a reporter sees the group's value only when it mixes at least this many other units


def lineage_href(year: int, figure: str, region: str) -> str:
    return f"/keyfigures/{year}/{figure}/{region}"


# --- access ----------------------------------------------------------------------------------------------


def require_figure_access(principal: Principal, region: str) -> None:
    """Raise AccessDenied unless ``principal`` may see the lineage of ``region``'s figures (see module doc)."""
    if principal.is_office:
        return
    if principal.unit_code != region:
        raise AccessDenied("you may only see your own unit's key figures", reason="own_keyfigures")
    require_unit_access(principal, region)


# --- figures ----------------------------------------------------------------------------------------------


def figure_ref(indicator: Indicator) -> FigureRef:
    """A figure definition of the engine (``kostra.keyfigures.models.Indicator``) as the pages name it."""
    return FigureRef(id=indicator.id, title_nb=indicator.title_nb, title_en=indicator.title_en, unit=indicator.unit,
                     decimals=indicator.decimals, family=indicator.family, units=indicator.units)


def _indicators(year: int) -> dict[str, Indicator]:
    return {indicator.id: indicator for indicator in load_indicators(year)}


def _figures(year: int, units: str | None = None) -> dict[str, FigureRef]:
    """The year's figures; ``units="municipality"``: only those of municipalities (not county municipalities)."""
    return {key: figure_ref(indicator) for key, indicator in _indicators(year).items()
            if units is None or indicator.units == units}


def form_fields(indicator: Indicator, every: dict[str, Indicator]) -> list[str]:
    """"form:field" of every form field the figure reads (through the figures it refers to too).

    A field reference in a figure's expression is ``skjema13.rullestoltilgjengelige``: the form's id in
    lower case after ``skjema`` (``kostra.keyfigures.definitions.form_ref``), then the field.
    """
    forms = {f"skjema{f.id.lower()}": f.id for f in load_catalog(indicator.year).forms()}
    found: set[str] = set()
    for part in (indicator.numerator, indicator.denominator):
        for node in walk(part):
            if isinstance(node, Name) and len(node.parts) >= 2 and node.parts[0] in forms:
                found.add(f"{forms[node.parts[0]]}:{node.parts[-1]}")
    for other in indicator.depends_on:
        if other in every and other != indicator.id:
            found.update(form_fields(every[other], every))
    return sorted(found)


def population_dates(indicator: Indicator, every: dict[str, Indicator]) -> set[int]:
    """The 1 January dates (as offsets from the figure's year: 0 or 1) whose population the figure reads,
    through the figures it refers to too; ``population(a, b)`` reads 1 January of the next year."""
    found: set[int] = set()
    for part in (indicator.numerator, indicator.denominator):
        for node in walk(part):
            if isinstance(node, Call) and node.func == "population":
                date = next((getattr(v, "value", "") for k, v in node.kwargs if k == "date"), "jan1_next_year")
                found.add(1 if date == "jan1_next_year" else 0)
    for other in indicator.depends_on:
        if other in every and other != indicator.id:
            found |= population_dates(every[other], every)
    return found


def stand_ins(uses: Iterable[tuple[int, Indicator]], every: dict[str, Indicator],
              wanted: bool) -> list[PopulationStandIn]:
    """The population stand-ins the figures ``uses`` ((year, figure) shown) are computed with when ``wanted``
    (the setting), each once, oldest first."""
    if not wanted:
        return []
    found: set[tuple[int, int]] = set()
    for year, indicator in uses:
        dates = {year + offset for offset in population_dates(indicator, every)}
        found.update((s.wanted, s.used) for s in population_stand_ins(year) if s.wanted in dates)
    return [PopulationStandIn(wanted=w, used=u) for w, u in sorted(found)]


def figure_list(year: int) -> FigureListPage:
    return FigureListPage(year=year, figures=list(_figures(year).values()))


def _one_figure(year: int, figure: str) -> FigureRef:
    figures = _figures(year)
    if figure not in figures:
        raise NotFound(f"no key figure {figure!r} in {year}; the year has {', '.join(sorted(figures))}")
    return figures[figure]


# --- lineage ----------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _edits(session: Session, parts: Iterable[UnitPart]) -> dict[int, Edit]:
    """The office's edits the inputs name (by ``edit_id``): what was reported, who changed it and when."""
    ids = {item["edit_id"] for part in parts for item in part.inputs if item.get("edit_id") is not None}
    return {e.id: e for e in session.scalars(select(Edit).where(Edit.id.in_(ids)))} if ids else {}


def _edit(detail: dict[str, Any], edits: dict[int, Edit]) -> InputEdit | None:
    if detail.get("edit_id") is None:
        return None
    reason = "; ".join(str(p) for p in (detail.get("edit_reason"), detail.get("edit_comment")) if p)
    stored = edits.get(int(detail["edit_id"]))
    if stored is None:
        return InputEdit(reported=detail.get("reported_text"), reason=reason)
    reported = json.loads(stored.reported_json)
    return InputEdit(reported=None if reported is None else str(reported), reason=reason, by=stored.created_by,
                     at=stored.created_at)


def _form_input(side: str, unit: str, detail: dict[str, Any], edits: dict[int, Edit]) -> InputValue:
    field = str(detail.get("field_name") or "")
    if detail.get("row_key"):
        field += f" [{detail['row_key']}]"
    edit = _edit(detail, edits)
    estimate = None
    if detail.get("status") == "estimated":
        estimate = InputEstimate(method=str(detail.get("method") or detail.get("note") or ""),
                                 model=str(detail.get("model") or ""))
    return InputValue(side=side, source=str(detail.get("form_id") or ""), field=field, unit_code=unit,  # type: ignore[arg-type]
                      value=_number(detail.get("value_number")), status=str(detail.get("status") or ""),
                      version=detail.get("version"), edit=edit, estimate=estimate)


def input_value(item: dict[str, Any], edits: dict[int, Edit] | None = None) -> InputValue:
    """One value behind a figure (an input of the engine's ``UnitPart``: part, source, unit and the
    lineage's detail) as the page shows it."""
    detail = dict(item)
    side, source, unit = str(detail.pop("part")), str(detail.pop("source")), str(detail.pop("unit"))
    if source == "form":
        return _form_input(side, unit, detail, edits or {})
    if source == "population":
        field, value = f"{detail.get('ages')} år, {detail.get('date')} ({detail.get('table')})", detail.get("persons")
    elif source == "file":
        field, value = f"{detail.get('file')}: records", detail.get("records")
    elif source == "accounts":
        field = f"{detail.get('function')}:{detail.get('art')} ({detail.get('scope')}, 1000 kr)"
        value = detail.get("value_1000nok")
    else:
        field, value = str(detail.get("measure") or ""), detail.get("value")
    return InputValue(side=side, source=source, field=field, unit_code=unit,  # type: ignore[arg-type]
                      value=_number(value), status=str(detail.get("status") or "register"),
                      version=detail.get("version"))


def _units(year: int, figure: str, parts: Iterable[UnitPart], *, covered: bool) -> list[CoveredUnit]:
    """The units an aggregate covers (``covered``) or leaves out, each with a link to its own page."""
    return [CoveredUnit(code=p.unit, name=_region_name(year, p.unit), estimated=p.estimated,
                        reason="" if covered else p.reason, href=lineage_href(year, figure, p.unit))
            for p in parts if p.covered is covered]


def _region_name(year: int, code: str) -> str:
    try:
        return region_info(year, code).name
    except KostraError:
        return code


def _aggregate(year: int, code: str) -> bool:
    try:
        return region_info(year, code).level not in UNIT_LEVELS
    except KostraError:
        return False


def lineage_page(session: Session, principal: Principal, year: int, figure: str, region: str, *,
                 population_stand_in: bool = False) -> LineagePage:
    """Why ``figure`` of ``region`` in ``year`` is the number it is. Raises AccessDenied, NotFound.

    ``population_stand_in`` (the setting): a population date not loaded is replaced by the newest loaded
    year, and the page says so (``population_stand_ins``)."""
    require_figure_access(principal, region)
    ref = _one_figure(year, figure)
    explained = explain(session, year, figure, region, population_stand_in=population_stand_in)
    every = _indicators(year)
    row = explained.row
    aggregate = _aggregate(year, region)
    edits = _edits(session, explained.units)
    return LineagePage(
        year=year, figure=ref, region=region, region_name=_region_name(year, region), aggregate=aggregate,
        value=row["value"], symbol=row["symbol"] or "", reason=row["reason"] or "", numerator=row["numerator"],
        denominator=row["denominator"], numerator_expression=explained.numerator_expression,
        denominator_expression=explained.denominator_expression, scale=explained.scale,
        inputs=[input_value(item, edits) for part in explained.units for item in part.inputs],
        units_covered=row["units_covered"], units_estimated=row["units_estimated"],
        units_total=row["units_total"], note=row["note"] or "",
        covered=_units(year, figure, explained.units, covered=True) if aggregate else [],
        not_covered=_units(year, figure, explained.units, covered=False) if aggregate else [],
        population_stand_ins=stand_ins([(year, every[figure])], every, population_stand_in))


# --- comparison -------------------------------------------------------------------------------------------


def comparison_regions(session: Session, year: int, region: str) -> list[tuple[str, str]]:
    """(role, code) of the municipality, its KOSTRA group, its county's municipalities (EKA##), EAK and EAKUO;
    of a county municipality (``ff00``): it, EAFK and EAFKUO.

    Oslo is compared with EAK (0300 with EAFK) only: EAKUO (EAFKUO) is the country without it.
    """
    info = region_info(year, region)  # raises UnknownRegion, UnknownYear
    if info.level == "fylkeskommune":
        return [("unit", region), ("all_counties", "EAFK")] + (
            [("all_counties_without_oslo", "EAFKUO")] if region != "0300" else [])
    if info.level != "kommune":
        raise UsageError(f"{region} is not a municipality of {year}; the comparison pages compare a municipality "
                         "(e.g. 3401) with its group, county and country, or a county municipality (e.g. 4600) "
                         "with all county municipalities")
    chosen = [("unit", region)]
    group = kostra_grouping(session, year).group_of(region)
    if group:
        chosen.append(("group", group))
    chosen += [("county", f"EKA{region[:2]}"), ("country", "EAK")]
    if region != "0301":
        chosen.append(("country_without_oslo", "EAKUO"))
    return chosen


def _series_years(year: int) -> list[int]:
    held = set(structure_years())
    return [y for y in range(year - SERIES_YEARS + 1, year + 1) if y in held]


def _computed(session: Session, years: Sequence[int], figures: list[str] | None, regions: list[str],
              population_stand_in: bool = False) -> dict[tuple[str, str, int], dict[str, Any]]:
    """(figure, region, year) → the engine's row; a year the engine cannot compute is left out."""
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for year in years:
        try:
            frame = compute(session, year, figures=figures, regions=regions,
                            population_stand_in=population_stand_in).frame
        except KostraError:
            continue
        for row in frame.iter_rows(named=True):
            found[(row["figure"], row["region"], int(row["year"]))] = row
    return found


def _point(rows: dict[tuple[str, str, int], dict[str, Any]], figure: str, region: str, year: int) -> SeriesPoint:
    row = rows.get((figure, region, year))
    if row is None:
        return SeriesPoint(year=year, value=None, symbol="..")
    return SeriesPoint(year=year, value=row["value"], symbol=row["symbol"] or "")


def _series_rows(session: Session, figure: str, regions: list[str], years: list[int],
                 year: int, population_stand_in: bool = False) -> dict[tuple[str, str, int], dict[str, Any]]:
    """(figure, region, year) → the engine's row of ``figure`` over ``years`` in ``year``'s structure;
    none (every point ``..``) for a figure the engine cannot make a series of."""
    try:
        frame = series(session, figure, regions, years=years, structure_year=year,
                       population_stand_in=population_stand_in)
    except KostraError:
        return {}
    return {(row["figure"], row["region"], int(row["year"])): row for row in frame.iter_rows(named=True)}


def chosen_figures(year: int, family: str, units: str = "municipality") -> tuple[str, list[str], dict[str, FigureRef]]:
    """(family shown, every family in order, the family's figures) of the figures of ``units``
    ("municipality" or "county_municipality"); the first family when none is asked."""
    figures = _figures(year, units)
    families = list(dict.fromkeys(ref.family for ref in figures.values()))
    shown = family or (families[0] if families else "")
    if shown not in families:
        raise UsageError(f"unknown family {family!r} of key figures in {year}; expected one of {', '.join(families)}")
    return shown, families, {key: ref for key, ref in figures.items() if ref.family == shown}


def comparison_page(session: Session, year: int, region: str, family: str = "", *,
                    population_stand_in: bool = False) -> ComparisonPage:
    """The key figures of one family of ``region`` beside its group, county, EAK and EAKUO, over five years,
    in ``year``'s region structure (across the 2024 reform: mergers summed first, splits marked ``|``);
    of a county municipality, its county figures beside EAFK and EAFKUO (a county made by the 2024 split
    is ``|`` before). ``population_stand_in`` as for :func:`lineage_page`."""
    chosen = comparison_regions(session, year, region)
    units = "county_municipality" if region_info(year, region).level == "fylkeskommune" else "municipality"
    shown, families, figures = chosen_figures(year, family, units)
    years = _series_years(year)
    codes = [code for _, code in chosen]
    compared = []
    for ref in figures.values():
        rows = _series_rows(session, ref.id, codes, years, year, population_stand_in)
        series = [ComparisonSeries(role=role, region=code, name=_region_name(year, code),  # type: ignore[arg-type]
                                   points=[_point(rows, ref.id, code, y) for y in years],
                                   href=lineage_href(year, ref.id, code)) for role, code in chosen]
        compared.append(FigureComparison(figure=ref, series=series))
    every = _indicators(year)  # the series are computed with the year's definitions in every year
    uses = [(y, every[key]) for y in years for key in figures if key in every]
    return ComparisonPage(year=year, region=region, region_name=_region_name(year, region), years=years,
                          units=units, family=shown, families=families, figures=compared,
                          population_stand_ins=stand_ins(uses, every, population_stand_in))


# --- the portal -------------------------------------------------------------------------------------------


def _portal_hit(year: int, hit: Hit) -> PortalHit:
    return PortalHit(rule=hit.rule, severity=hit.severity, label_nb=hit.label_nb, label_en=hit.label_en,
                     message=hit.message, form_id=hit.form_id, fields=[f.name for f in hit.fields],
                     href=f"/portal/{year}/{hit.form_id}/{hit.unit_code}")


def hits_on(inputs: Iterable[str], hits: Iterable[Hit]) -> list[Hit]:
    """The hits that read one of ``inputs`` ("form:field"): the control hits behind a figure."""
    wanted = set(inputs)
    return [h for h in hits if any(f"{f.form}:{f.name}" in wanted or f"{f.form}:{f.id}" in wanted
                                   for f in h.fields)]


def group_point(rows: dict[tuple[str, str, int], dict[str, Any]], figure: str, group: str, unit: str, year: int,
                principal: Principal) -> tuple[SeriesPoint, str]:
    """The group's value as ``principal`` may see it before publication, and why it is hidden if it is.

    A reporter who knows their own numerator and denominator could take them from the group's sums and
    read the other units' unpublished figures. So a reporter sees the group's value only when at least
    :data:`MIN_OTHER_UNITS` other units are in it (their values then stay mixed); the office always sees it.
    """
    point = _point(rows, figure, group, year)
    if principal.is_office or point.value is None:
        return point, ""
    covered = int((rows.get((figure, group, year)) or {}).get("units_covered") or 0)
    own = (rows.get((figure, unit, year)) or {}).get("units_covered") or 0
    if covered - int(own) >= MIN_OTHER_UNITS:
        return point, ""
    return SeriesPoint(year=year, value=None, symbol=".."), "too_few_units"


def portal_keyfigures(session: Session, principal: Principal, year: int, unit_code: str, *,
                      population_stand_in: bool = False) -> PortalKeyfiguresPage:
    """The unit's key figures as they will be published, beside its group's, with the hits behind each.
    ``population_stand_in`` as for :func:`lineage_page`."""
    require_unit_access(principal, unit_code)
    unit = session.get(Unit, unit_code)
    if unit is None:
        raise NotFound(f"no unit {unit_code}")
    group = kostra_grouping(session, year).group_of(unit_code)
    rows = _computed(session, [year], None, [unit_code] + ([group] if group else []), population_stand_in)
    found = unit_hits(session, year, reports.units_reported_by(session, unit_code))
    figures = []
    every = _indicators(year)
    for key, indicator in every.items():
        if indicator.units != "municipality":  # county municipalities' figures are not a municipality's
            continue
        own = _point(rows, key, unit_code, year)
        theirs, hidden = group_point(rows, key, group or "", unit_code, year, principal)
        inputs = form_fields(indicator, every)
        row = rows.get((key, unit_code, year)) or {}
        figures.append(PortalFigure(figure=figure_ref(indicator), value=own.value, symbol=own.symbol,
                                    reason=row.get("reason") or "", note=row.get("note") or "",
                                    group_value=theirs.value, group_symbol=theirs.symbol, group_hidden=hidden,
                                    inputs=inputs, hits=[_portal_hit(year, h) for h in hits_on(inputs, found.current)],
                                    href=lineage_href(year, key, unit_code)))
    uses = [(year, i) for i in every.values() if i.units == "municipality"]
    return PortalKeyfiguresPage(year=year, unit_code=unit_code, unit_name=unit.name, group=group,
                                group_name=_region_name(year, group) if group else "",
                                checked_at=found.checked_at, figures=figures,
                                population_stand_ins=stand_ins(uses, every, population_stand_in))
