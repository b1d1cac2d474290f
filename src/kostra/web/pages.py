"""Rendering helpers: one context model per page, served as HTML or (``.json``) as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from kostra import __version__
from kostra.web.formatting import format_datetime, format_number
from kostra.web.i18n import LANGUAGES, Lang, translate

__all__ = ["error_page", "page_language", "render", "templates", "wants_partial"]

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "kostra_lang"


def templates() -> Jinja2Templates:
    """The Jinja environment with Norwegian formatting filters; templates only format."""
    environment = Jinja2Templates(directory=TEMPLATES)
    environment.env.filters["num"] = format_number
    environment.env.filters["dt"] = format_datetime
    environment.env.globals["version"] = __version__
    return environment


def page_language(request: Request) -> Lang:
    """``?lang=`` first, then the language cookie, then bokmål."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "nb"
    return cast(Lang, asked) if asked in LANGUAGES else "nb"


def wants_partial(request: Request) -> bool:
    """htmx asks for a fragment of the page, not the whole page."""
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, model: BaseModel, *, status: int = 200) -> Response:
    """Serve ``model`` as JSON for ``*.json`` paths, otherwise as the HTML ``template``."""
    if request.url.path.endswith(".json"):
        return JSONResponse(model.model_dump(mode="json"), status_code=status)
    lang = page_language(request)
    context = {
        "model": model,
        "user": request.session.get("user") if "session" in request.scope else None,
        "csrf": request.session.get("csrf", "") if "session" in request.scope else "",
        "role": request.session.get("role") if "session" in request.scope else None,
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "other_lang": "en" if lang == "nb" else "nb",
    }
    response = request.app.state.templates.TemplateResponse(request, template, context, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", httponly=True,
                            secure=request.app.state.settings.secure_cookies)
    return cast(HTMLResponse, response)


class ErrorModel(BaseModel):
    status: int
    message: str


def error_page(request: Request, status: int, message: str) -> Response:
    """A friendly error page in the user's language; never a traceback."""
    lang = page_language(request)
    text = {404: translate("error.not_found", lang), 500: translate("error.internal", lang)}.get(status, message)
    return render(request, "error.html", ErrorModel(status=status, message=text), status=status)
