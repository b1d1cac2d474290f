"""The API documentation page (``/docs``): Swagger UI served from this site, under the strict CSP.

FastAPI's own ``/docs`` loads Swagger UI from a public CDN and starts it with an inline script;
both are refused by our Content-Security-Policy (and a CDN would see every visitor). Here the
Swagger UI files come from the ``swagger-ui-bundle-v2`` package (Apache-2.0; its
``swagger-ui-bundle.js`` and ``swagger-ui.css`` are byte for byte those of the official
``swagger-ui-dist`` release of the same version) and the start-up code is ``/static/api-docs.js``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

__all__ = ["SWAGGER_UI_URL", "install_api_docs"]

SWAGGER_UI_URL = "/static/swagger-ui"
# Only what the page loads: the package also holds a demo page that would fetch a public example API.
SWAGGER_UI_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} – API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
  <script src="{assets}/swagger-ui-bundle.js" defer></script>
  <script src="/static/api-docs.js" defer></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def api_docs() -> HTMLResponse:
    """Swagger UI for ``/openapi.json``, every file from this site."""
    return HTMLResponse(_PAGE.format(title="KOSTRA", assets=SWAGGER_UI_URL, openapi_url="/openapi.json"))


@router.get(SWAGGER_UI_URL + "/{name}")
def swagger_ui_file(name: str) -> FileResponse:
    """One of Swagger UI's two files (cacheable, as everything under ``/static/``)."""
    if name not in SWAGGER_UI_FILES:
        raise HTTPException(status_code=404)
    return FileResponse(Path(str(swagger_ui_path)) / name, media_type=SWAGGER_UI_FILES[name])


def install_api_docs(app: FastAPI) -> None:
    """Serve the ``/docs`` page and Swagger UI's files (create the app with ``docs_url=None``).

    Call before mounting ``/static``, which would otherwise answer 404 for the files.
    """
    app.include_router(router)
