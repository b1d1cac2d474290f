"""The public profile of a municipality or Oslo district: its published key figures against the regions
it is compared with (its KOSTRA group, county and the country; a district: all districts, Oslo, the
country), over the years the release holds, each as a line chart and as a table with the same numbers.
"""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kostra.errors import KostraError, NotFound
from kostra.reference.regions import aggregates_of, region
from kostra.web.charts_lines import Series, line_chart
from kostra.web.charts_vegalite import ChartTexts, line_spec, spec_json
from kostra.web.formatting import format_number
from kostra.web.i18n import translate
from kostra.web.i18n_types import Lang
from kostra.web.pages import page_language, render
from kostra.web.statbank_source import Dimension, StatTable, Value, source_of

__all__ = ["comparisons", "router"]

router = APIRouter()


class FigureRow(BaseModel):
    code: str
    name: str
    values: list[str]


class Figure(BaseModel):
    table: str
    label: str
    unit: str
    years: list[str]
    rows: list[FigureRow]
    chart: str  # inline SVG made by charts_lines (escaped there)
    spec: dict[str, Any]  # the same chart as a Vega-Lite specification (charts_vegalite)

    @property
    def spec_json(self) -> str:
        """The specification for the page's ``<script type="application/json">`` data block."""
        return str(spec_json(self.spec))


class Profile(BaseModel):
    year: int
    code: str
    name: str
    district: bool
    release: str
    published: str
    figures: list[Figure]


def comparisons(year: int, code: str) -> list[tuple[str, ...]]:
    """The region and what its profile compares it with, in that order: each a choice of codes, the first a
    table holds is shown (a county is ``34`` in some tables and ``EKA34``, its municipalities, in others)."""
    info = region(year, code)
    if info.level == "bydel":
        return [(code,), ("EAB",), ("0301",), ("EAK",)]
    by_level: dict[str, list[str]] = {}
    for parent in aggregates_of(year, code):
        by_level.setdefault(region(year, parent).level, []).append(parent)
    group = tuple(by_level.get("kostragruppe", []))
    county = tuple(by_level.get("fylke", [])) + tuple(p for p in by_level.get("aggregate", []) if p.startswith("EKA"))
    return [c for c in [(code,), group, county, ("EAK",)] if c]


def _dims(table: StatTable) -> tuple[Dimension | None, Dimension | None, list[Dimension]]:
    geo = next((d for d in table.dimensions if d.role == "geo"), None)
    time = next((d for d in table.dimensions if d.role == "time"), None)
    return geo, time, [d for d in table.dimensions if d not in (geo, time)]


def _figure(table: StatTable, axes: tuple[Dimension, Dimension, list[Dimension]], combo: tuple[Value, ...],
            regions: list[str], years: list[str], lang: Lang) -> Figure:
    """One key figure (a combination of the table's other variables) for ``regions`` over ``years``."""
    geo, time, others = axes
    names = {v.code: v.text(lang) for v in geo.values}
    fixed = {d.code: v.code for d, v in zip(others, combo, strict=True)}
    label = " – ".join(v.text(lang) for v in combo) or table.text(lang)
    rows, series = [], []
    for code in regions:
        cells = [table.cell([{geo.code: code, time.code: period, **fixed}[d.code] for d in table.dimensions])
                 for period in years]
        rows.append(FigureRow(code=code, name=names[code], values=[
            format_number(c.value, table.decimals) if c.value is not None else (c.symbol or "..") for c in cells]))
        series.append(Series(names[code], tuple(c.value for c in cells)))
    title = f"{label}, {translate('profile.over_years', lang)}. {translate('profile.chart_alt', lang)}"
    chart = line_chart(years, series, title=title, decimals=table.decimals)
    unit = table.unit.get(lang, "")
    texts = ChartTexts(title=label, description=title, year=translate("profile.year", lang),
                       region=translate("profile.region", lang), value=unit or label)
    spec = line_spec(years, series, texts, decimals=table.decimals)
    return Figure(table=table.id, label=label, unit=unit, years=years, rows=rows, chart=str(chart),
                  spec=spec)


def _figures(table: StatTable, codes: list[tuple[str, ...]], year: int, lang: Lang) -> list[Figure]:
    geo, time, others = _dims(table)
    if geo is None or time is None or codes[0][0] not in geo.codes():
        return []
    held = set(geo.codes())
    regions = [next(c for c in choice if c in held) for choice in codes if any(c in held for c in choice)]
    years = [c for c in time.codes() if c <= str(year)]
    return [_figure(table, (geo, time, others), combo, regions, years, lang)
            for combo in itertools.product(*[d.values for d in others])]


@router.get("/profile/{year}/{region_code}", summary="Key figures of a municipality or district (page)",
            include_in_schema=False)
def profile(request: Request, year: int, region_code: str) -> Response:
    lang = page_language(request)
    try:
        info = region(year, region_code)
        codes = comparisons(year, region_code)
    except KostraError:
        raise NotFound(f"no municipality or district {region_code[:12]!r} in {year}") from None
    if info.level not in ("kommune", "bydel"):
        raise NotFound(f"no municipality or district {region_code[:12]!r} in {year}")
    tables = [t for t in source_of(request.app.state).tables() if t.release.year == year]
    figures = [f for t in tables for f in _figures(t, codes, year, lang)]
    used = next((t for t in tables if any(f.table == t.id for f in figures)), None)
    model = Profile(year=year, code=region_code, name=info.name, district=info.level == "bydel",
                    release=translate(f"release.{used.release.kind}", lang) if used else "",
                    published=used.release.published_at[:10] if used else "", figures=figures)
    return render(request, "statbank/profile.html", model)
