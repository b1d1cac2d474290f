"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing, no caching.

One pure ASGI middleware (it adds headers to ``http.response.start`` and never buffers a body), so
pages, their ``.json`` twins, the API, error pages and static files all carry the same policy:

* ``Content-Security-Policy``: scripts, styles, images, fonts and requests only from this site; no
  inline script (the templates load ``/static/*.js``), no ``eval``, no plugins, no framing
  (``frame-ancestors 'none'``), forms post only here. The one inline style allowed is the file
  control report's ``<style>`` block, by its hash: that report is also written as a stand-alone
  file by ``kostra check --format html``, so it carries its own style.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (for browsers without
  ``frame-ancestors``), ``Referrer-Policy: same-origin``, ``Cross-Origin-Opener-Policy``.
* ``Cache-Control: no-store`` on every dynamic response: every page shows who is logged in, the
  login page carries the session's CSRF token, and the API answers a unit's own data. Only the
  static files (``/static/``) may be cached.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kostra.controls.filecheck import report_html

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "inline_style_hashes"]

CACHEABLE_PREFIXES = ("/static/",)


def inline_style_hashes() -> list[str]:
    """CSP sources for the inline ``<style>`` blocks of the file control report (sha256 of each block)."""
    template = Path(report_html.__file__).parent / "templates" / "report.html"
    blocks = re.findall(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode('utf-8')).digest()).decode()}'" for b in blocks]


def _policy() -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": " ".join(["'self'", *inline_style_hashes()]),
        "img-src": "'self' data:",  # Swagger UI's stylesheet draws its icons as data: SVG images
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = _policy()
_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Add the security headers to every HTTP response; a header the app set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*_HEADERS, *(() if cacheable else (_NO_STORE,))]
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
