"""Key-figure pages: the lineage of one value, the office's comparisons, the portal's "as they will be published".

Each route parses, checks the role through its dependency, calls one function of
``kostra.web.keyfigure_views`` and renders its model (``.json``: the same model as JSON). Who may see which
region's figures is decided in that module (docs/keyfigures-pages.md).
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from kostra.web.deps import Db, LangDep, OfficeUser, PageUser
from kostra.web.formatting import format_number
from kostra.web.i18n import Lang, translate
from kostra.web.keyfigure_models import ComparisonPage
from kostra.web.keyfigure_views import (
    KeyFiguresUnavailable,
    comparison_page,
    figure_list,
    lineage_page,
    portal_keyfigures,
)
from kostra.web.line_charts import Line, line_chart, text_alternative
from kostra.web.pages import ErrorModel, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _unavailable(request: Request, lang: Lang, exc: KeyFiguresUnavailable) -> Response:
    """404 (there are no key figures to show, and no server error: the build lacks the engine), in words."""
    if request.url.path.endswith(".json"):
        return JSONResponse({"ok": False, "error": str(exc), "errors": [], "status": 404}, status_code=404)
    return render(request, "error.html", ErrorModel(status=404, message=translate("keyfigures.unavailable", lang)),
                  status=404)


@router.get("/keyfigures/{year}/{figure}/{region}")
@router.get("/keyfigures/{year}/{figure}/{region}.json", name="keyfigure_lineage_json")
def lineage(request: Request, year: int, figure: str, region: str, principal: PageUser, session: Db,
            lang: LangDep) -> Response:
    try:
        page = lineage_page(session, principal, year, figure, region)
    except KeyFiguresUnavailable as missing:
        return _unavailable(request, lang, missing)
    return render(request, "keyfigures/lineage.html", page)


@router.get("/office/{year}/keyfigures")
@router.get("/office/{year}/keyfigures.json", name="office_keyfigures_json")
def figures(request: Request, year: int, _principal: OfficeUser, lang: LangDep, region: str = "") -> Response:
    if region.strip():
        return RedirectResponse(f"/office/{year}/keyfigures/{region.strip()}", status_code=303)
    try:
        page = figure_list(year)
    except KeyFiguresUnavailable as missing:
        return _unavailable(request, lang, missing)
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
               lang: LangDep) -> Response:
    try:
        page = comparison_page(session, year, region)
    except KeyFiguresUnavailable as missing:
        return _unavailable(request, lang, missing)
    _draw(page, lang)
    return render(request, "office/keyfigures/region.html", page)


@router.get("/portal/{year}/{unit_code}/keyfigures")
@router.get("/portal/{year}/{unit_code}/keyfigures.json", name="portal_keyfigures_json")
def portal(request: Request, year: int, unit_code: str, principal: PageUser, session: Db, lang: LangDep) -> Response:
    try:
        page = portal_keyfigures(session, principal, year, unit_code)
    except KeyFiguresUnavailable as missing:
        return _unavailable(request, lang, missing)
    return render(request, "portal/keyfigures.html", page)
