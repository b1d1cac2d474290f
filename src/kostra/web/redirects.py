"""Redirects to absolute URLs built from the configured base URL, never from the request's ``Host`` header."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

__all__ = ["see_other"]


def see_other(request: Request, path: str, status_code: int = 303) -> RedirectResponse:
    """Redirect to ``path`` (starting with ``/``) on ``KOSTRA_BASE_URL``.

    >>> see_other(request, "/portal/2025/3401").headers["location"]
    'https://kostra.example.no/portal/2025/3401'
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"redirect target {path!r} is not a path on this site")
    return RedirectResponse(f"{request.app.state.settings.site_url}{path}", status_code=status_code)
