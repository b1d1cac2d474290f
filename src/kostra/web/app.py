"""The FastAPI application: pages in bokmål or English, each with a JSON twin, and the JSON API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from kostra import __version__
from kostra.errors import AccessDenied, KostraError, NotFound
from kostra.settings import Settings
from kostra.store import create_engine_for, session_factory
from kostra.web.api_docs import install_api_docs
from kostra.web.deps import LoginRequired
from kostra.web.error_messages import access_message, public_message, request_problems
from kostra.web.i18n import translate
from kostra.web.limits import BodyLimits, BodyTooLarge, limit_text
from kostra.web.pages import error_page, page_language, templates
from kostra.web.parameters import check_whole_numbers
from kostra.web.routes_auth import login_redirect
from kostra.web.security_headers import SecurityHeaders

__all__ = ["create_app"]

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

# Routers mounted in every app: (module, attribute).
ROUTERS: tuple[tuple[str, str], ...] = (
    ("kostra.web.routes_home", "router"),
    ("kostra.web.routes_auth", "router"),
    # Before the portal: /portal/{year}/{unit}/controls would otherwise match /portal/{year}/{form}/{unit}.
    ("kostra.web.routes_portal_controls", "router"),
    ("kostra.web.routes_keyfigures", "router"),  # before the portal too: /portal/{year}/{unit}/keyfigures
    ("kostra.web.routes_portal", "router"),
    ("kostra.web.api_portal", "router"),
    ("kostra.web.api_check", "router"),
    ("kostra.web.routes_office", "router"),
    ("kostra.web.routes_office_controls", "router"),
    ("kostra.web.routes_office_followup", "router"),
    ("kostra.web.routes_office_accounts", "router"),
    ("kostra.web.routes_office_publish", "router"),
    ("kostra.web.routes_admin", "router"),
    # The public statbank (published releases only): its API, its pages and the region profiles.
    ("kostra.web.api_statbank", "router"),
    ("kostra.web.routes_statbank", "router"),
    ("kostra.web.routes_profile", "router"),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when not given)."""
    settings = settings or Settings()
    engine = create_engine_for(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="KOSTRA",
        version=__version__,
        description="Municipality–state reporting to Statistics Norway: forms, file controls, follow-up.",
        docs_url=None,  # our /docs serves Swagger UI from this site (kostra.web.api_docs)
        redoc_url=None,
        dependencies=[Depends(check_whole_numbers)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.templates = templates()
    install_api_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret(), session_cookie="kostra_session",
                       same_site="lax", https_only=settings.secure_cookies, max_age=None)
    app.add_middleware(BodyLimits, max_bytes=settings.max_request_bytes,
                       max_upload_bytes=settings.max_upload_request_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers, a 413 included
    for module_name, attribute in ROUTERS:
        app.include_router(getattr(import_module(module_name), attribute))
    _install_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.endswith(".json")


def _error(request: Request, status: int, message: str, errors: list[dict[str, object]] | None = None) -> Response:
    message = public_message(message)
    if _wants_json(request):
        return JSONResponse(
            {"ok": False, "error": message, "errors": errors or [], "status": status}, status_code=status
        )
    return error_page(request, status, message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            text = translate("error.too_large", page_language(request)).format(limit=limit_text(exc.limit))
            return _error(request, 413, text)
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        lang = page_language(request)
        errors = request_problems(exc.errors(), lang)
        details = "; ".join(str(e["message"]) for e in errors)
        return _error(request, 422, f"{translate('error.invalid_request', lang)}: {details}", errors)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return _error(request, 401, "login required")
        return login_redirect(request, exc.expired)

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied) -> Response:
        # Pages and their JSON twins speak the page's language; the API keeps its English messages.
        api = request.url.path.startswith("/api/")
        return _error(request, 403, str(exc) if api else access_message(exc, page_language(request)))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(KostraError)
    async def kostra_error(request: Request, exc: KostraError) -> Response:
        return _error(request, 422 if _wants_json(request) else 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal error")
