"""The public statbank pages: the list of published tables and one page per table (``/statbank/{id}``).

Plain HTML forms, no script needed: a list box per variable chooses the values, *Vis tabell* shows them
(a GET, so the address can be bookmarked and shared), and the download links ask the API (``/api/v2``)
for the same selection in JSON-stat, CSV, PX or XLSX. Anyone may read these pages; they show only
published releases.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kostra.errors import NotFound
from kostra.web.formatting import format_number
from kostra.web.i18n import translate
from kostra.web.i18n_types import Lang
from kostra.web.pages import page_language, render
from kostra.web.statbank_formats import FORMATS, Selection
from kostra.web.statbank_query import QueryError, selection_of
from kostra.web.statbank_source import SYMBOLS, Dimension, StatTable, source_of

__all__ = ["router"]

router = APIRouter()
DEFAULT_VALUES = 12  # a variable with more values than this starts with its first (time: last) few chosen


class TableLink(BaseModel):
    id: str
    title: str
    updated: str
    release: str


class StatbankIndex(BaseModel):
    tables: list[TableLink]


class Choice(BaseModel):
    code: str
    label: str
    selected: bool


class DimensionChoice(BaseModel):
    code: str
    label: str
    values: list[Choice]


class GridRow(BaseModel):
    headers: list[str]
    cells: list[str]


class Link(BaseModel):
    label: str
    href: str


class StatbankTable(BaseModel):
    id: str
    title: str
    release: str
    updated: str
    unit: str
    dimensions: list[DimensionChoice]
    row_headers: list[str]
    column_label: str
    columns: list[str]
    rows: list[GridRow]
    downloads: list[Link]
    api: str
    error: str | None
    symbols: list[Link]


def release_label(table: StatTable, lang: Lang) -> str:
    return translate(f"release.{table.release.kind}", lang)


@router.get("/statbank", summary="Published statbank tables (page)", include_in_schema=False)
def statbank_index(request: Request) -> Response:
    lang = page_language(request)
    tables = [TableLink(id=t.id, title=t.text(lang), updated=t.release.published_at[:10],
                        release=release_label(t, lang)) for t in source_of(request.app.state).tables()]
    return render(request, "statbank/index.html", StatbankIndex(tables=tables))


def _defaults(dim: Dimension) -> list[str]:
    codes = dim.codes()
    if len(codes) <= DEFAULT_VALUES:
        return codes
    return codes[-3:] if dim.role == "time" else codes[:DEFAULT_VALUES]


def _wanted(request: Request, table: StatTable) -> dict[str, list[str]]:
    asked = {d.code: request.query_params.getlist(d.code) for d in table.dimensions}
    if not any(asked.values()):
        return {d.code: _defaults(d) for d in table.dimensions}
    return {code: values for code, values in asked.items() if values}


def _grid(selection: Selection, lang: Lang) -> tuple[list[str], list[str], list[GridRow]]:
    dims = selection.dimensions()
    width = len(dims[-1][1])
    cells = selection.cells()
    labels = [{v.code: v.text(lang) for v in values} for _, values in dims]
    combos = selection.combinations()
    rows = []
    for start in range(0, len(cells), width):
        combo = combos[start]
        headers = [labels[i][code] for i, code in enumerate(combo[:-1])]
        shown = [format_number(c.value, selection.table.decimals) if c.value is not None else (c.symbol or "..")
                 for c in cells[start:start + width]]
        rows.append(GridRow(headers=headers, cells=shown))
    return [d.text(lang) for d, _ in dims[:-1]], [v.text(lang) for v in dims[-1][1]], rows


def _api_query(selection: Selection, lang: Lang, chosen: str) -> str:
    pairs = [(f"valueCodes[{dim.code}]", ",".join(codes))
             for dim, codes in zip(selection.table.dimensions, selection.codes, strict=True)]
    pairs += [("lang", "no" if lang == "nb" else "en"), ("outputFormat", chosen)]
    return f"/api/v2/tables/{selection.table.id}/data?{urlencode(pairs)}"


def _choices(table: StatTable, selection: Selection | None, wanted: dict[str, list[str]],
             lang: Lang) -> list[DimensionChoice]:
    out = []
    for i, dim in enumerate(table.dimensions):
        chosen = set(selection.codes[i]) if selection else set(wanted.get(dim.code, []))
        out.append(DimensionChoice(code=dim.code, label=dim.text(lang), values=[
            Choice(code=v.code, label=v.text(lang), selected=v.code in chosen) for v in dim.values]))
    return out


@router.get("/statbank/{table_id}", summary="One statbank table: choose, view, download (page)",
            include_in_schema=False)
def statbank_table(request: Request, table_id: str) -> Response:
    lang = page_language(request)
    table = source_of(request.app.state).table(table_id)
    if table is None:
        raise NotFound(f"no published table {table_id[:40]!r}")
    wanted = _wanted(request, table)
    selection, error = None, None
    try:
        selection = selection_of(table, wanted, request.app.state.settings.statbank_max_cells)
    except QueryError as problem:
        error = problem.message
    row_headers, columns, rows = _grid(selection, lang) if selection else ([], [], [])
    model = StatbankTable(
        id=table.id, title=table.text(lang), release=release_label(table, lang),
        updated=table.release.published_at[:10], unit=table.unit.get(lang, ""),
        dimensions=_choices(table, selection, wanted, lang), row_headers=row_headers,
        column_label=table.dimensions[-1].text(lang), columns=columns, rows=rows,
        downloads=[Link(label=f.upper(), href=_api_query(selection, lang, f)) for f in FORMATS] if selection else [],
        api=_api_query(selection, lang, "json-stat2") if selection else "", error=error,
        symbols=[Link(label=s, href=t[lang]) for s, t in SYMBOLS.items()],
    )
    return render(request, "statbank/table.html", model, status=400 if error else 200)
