"""Key-figure pages: the lineage of one value, the office's comparisons, the portal's "as they will be published".

Each route parses, checks the role through its dependency, calls one function of
``kostra.web.keyfigure_views`` and renders its model (``.json``: the same model as JSON). Who may see which
region's figures is decided in that module (docs/keyfigures-pages.md).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kostra.web.deps import Db, LangDep, OfficeUser, PageUser
from kostra.web.formatting import format_number
from kostra.web.i18n import Lang
from kostra.web.keyfigure_models import ComparisonPage
from kostra.web.keyfigure_views import (
    comparison_page,
    figure_list,
    lineage_page,
    portal_keyfigures,
)
from kostra.web.line_charts import Line, line_chart, text_alternative
from kostra.web.pages import render
from kostra.web.redirects import see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _stand_in(request: Request) -> bool:
    """The setting KOSTRA_POPULATION_STAND_IN (on in the demo): a population not loaded has a stand-in."""
    return bool(request.app.state.settings.population_stand_in)


@router.get("/keyfigures/{year}/{figure}/{region}")
@router.get("/keyfigures/{year}/{figure}/{region}.json", name="keyfigure_lineage_json")
def lineage(request: Request, year: int, figure: str, region: str, principal: PageUser, session: Db) -> Response:
    page = lineage_page(session, principal, year, figure, region, population_stand_in=_stand_in(request))
    return render(request, "keyfigures/lineage.html", page)


@router.get("/office/{year}/keyfigures")
@router.get("/office/{year}/keyfigures.json", name="office_keyfigures_json")
def figures(request: Request, year: int, _principal: OfficeUser, region: str = "") -> Response:
    if region.strip():
        return see_other(request, f"/office/{year}/keyfigures/{quote(region.strip(), safe='')}")
    page = figure_list(year)
    return render(request, "office/keyfigures/index.html", page)


def _draw(page: ComparisonPage, lang: Lang) -> None:
    """Each figure's chart and its text alternative, from the numbers in the model."""
    for figure in page.figures:
        lines = [Line(label=f"{s.region} {s.name}", values={p.year: p.value for p in s.points})
                 for s in figure.series]
        title = figure.figure.title_nb if lang == "nb" else figure.figure.title_en
        fmt = partial(format_number, decimals=figure.figure.decimals)
        figure.chart = str(line_chart(lines, page.years, title=title, value_format=fmt))
        figure.chart_text = text_alternative(lines, page.years, value_format=fmt)


@router.get("/office/{year}/keyfigures/{region}")
@router.get("/office/{year}/keyfigures/{region}.json", name="office_keyfigures_region_json")
def comparison(request: Request, year: int, region: str, _principal: OfficeUser, session: Db,
               lang: LangDep, family: str = "") -> Response:
    page = comparison_page(session, year, region, family.strip(), population_stand_in=_stand_in(request))
    _draw(page, lang)
    return render(request, "office/keyfigures/region.html", page)


@router.get("/portal/{year}/{unit_code}/keyfigures")
@router.get("/portal/{year}/{unit_code}/keyfigures.json", name="portal_keyfigures_json")
def portal(request: Request, year: int, unit_code: str, principal: PageUser, session: Db) -> Response:
    page = portal_keyfigures(session, principal, year, unit_code, population_stand_in=_stand_in(request))
    return render(request, "portal/keyfigures.html", page)
