"""The statbank API, read-only and shaped like PxWeb API v2 (``/api/v2``): tables, metadata and data.

Anyone may read it, logged in or not; it holds only the tables of published releases (``statbank_source``).
Errors have the API's one shape ``{"ok": false, "error", "errors": [{"field", "message"}], "status"}``: 404
for an unknown table, 400 for an unknown variable or value, a malformed selection or a query over the cell
limit (``KOSTRA_STATBANK_MAX_CELLS``). See docs/statbank.md for example requests.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kostra.web.i18n_types import Lang
from kostra.web.statbank_formats import FORMATS, Selection, metadata, write
from kostra.web.statbank_query import (
    QueryError,
    language_of,
    output_format,
    post_selection,
    query_selection,
    selection_of,
)
from kostra.web.statbank_source import StatTable, source_of

__all__ = ["answer", "router", "table_or_404"]

router = APIRouter(prefix="/api/v2", tags=["statbank"])


def table_or_404(request: Request, table_id: str) -> StatTable:
    table = source_of(request.app.state).table(table_id)
    if table is None:
        raise QueryError(404, f"no published table {table_id[:40]!r}",
                         [{"field": "id", "message": f"no published table {table_id[:40]!r}"}])
    return table


def _summary(request: Request, table: StatTable, lang: Lang) -> dict[str, Any]:
    time = next((d for d in table.dimensions if d.role == "time"), None)
    base = str(request.base_url).rstrip("/")
    return {
        "type": "Table", "id": table.id, "label": table.text(lang), "updated": table.release.published_at,
        "firstPeriod": time.values[0].code if time and time.values else None,
        "lastPeriod": time.values[-1].code if time and time.values else None,
        "variableNames": [d.text(lang) for d in table.dimensions],
        "release": {"id": table.release.release_id, "kind": table.release.kind, "status": table.release.status()},
        "links": [{"rel": "self", "href": f"{base}/api/v2/tables/{table.id}?lang={lang}"},
                  {"rel": "metadata", "href": f"{base}/api/v2/tables/{table.id}/metadata?lang={lang}"},
                  {"rel": "data", "href": f"{base}/api/v2/tables/{table.id}/data?lang={lang}"}],
    }


def _safe(handler: Any) -> Any:
    """Turn a QueryError into the API's JSON error answer."""
    import functools

    @functools.wraps(handler)
    async def wrapped(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except QueryError as problem:
            return JSONResponse(problem.body(), status_code=problem.status)
    return wrapped


@router.get("/tables", summary="Published tables, optionally searched by words in id or title")
@_safe
async def tables(request: Request, query: str = "", lang: str = "no") -> Response:
    language = language_of(lang)
    words = query.lower().split()
    found = [t for t in source_of(request.app.state).tables()
             if all(w in f"{t.id} {t.text('nb')} {t.text('en')}".lower() for w in words)]
    return JSONResponse({"language": "no" if language == "nb" else "en",
                         "tables": [_summary(request, t, language) for t in found],
                         "page": {"pageNumber": 1, "pageSize": len(found), "totalElements": len(found),
                                  "totalPages": 1}})


@router.get("/tables/{table_id}", summary="One published table: title, variables, release")
@_safe
async def table_info(request: Request, table_id: str, lang: str = "no") -> Response:
    return JSONResponse(_summary(request, table_or_404(request, table_id), language_of(lang)))


@router.get("/tables/{table_id}/metadata", summary="The table as JSON-stat 2.0 without values")
@_safe
async def table_metadata(request: Request, table_id: str, lang: str = "no") -> Response:
    table = table_or_404(request, table_id)
    whole = Selection(table, tuple(tuple(d.codes()) for d in table.dimensions))
    return JSONResponse(metadata(whole, language_of(lang)))


def answer(selection: Selection, lang: Lang, chosen: str) -> Response:
    """The selection in ``chosen`` format, downloadable under the table's id."""
    suffix, media = FORMATS[chosen]
    body = write(selection, lang, chosen)
    if isinstance(body, dict):
        return Response(json.dumps(body, ensure_ascii=False).encode("utf-8"), media_type=media)
    name = f"{selection.table.id}{suffix}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/tables/{table_id}/data", summary="Data: valueCodes[Var]=codes or expressions, outputFormat")
@_safe
async def table_data(request: Request, table_id: str, lang: str = "no", outputFormat: str = "json-stat2") -> Response:
    language, chosen = language_of(lang), output_format(outputFormat)
    table = table_or_404(request, table_id)
    wanted = query_selection(list(request.query_params.multi_items()))
    return answer(selection_of(table, wanted, request.app.state.settings.statbank_max_cells), language, chosen)


@router.post("/tables/{table_id}/data", summary="Data, the selection as a PxWeb v2 JSON body")
@_safe
async def table_data_post(request: Request, table_id: str, lang: str = "no",
                          outputFormat: str = "json-stat2") -> Response:
    language, chosen = language_of(lang), output_format(outputFormat)
    table = table_or_404(request, table_id)
    try:
        body = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise QueryError(400, "the body is not JSON", [{"field": "body", "message": "expected JSON"}]) from None
    wanted = post_selection(body)
    return answer(selection_of(table, wanted, request.app.state.settings.statbank_max_cells), language, chosen)
