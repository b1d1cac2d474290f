"""Request body caps, enforced before a body is buffered (a pure ASGI middleware).

Two settings: ``KOSTRA_MAX_REQUEST_BYTES`` for every body (JSON, form posts; 1 MiB by default) and
``KOSTRA_MAX_UPLOAD_REQUEST_BYTES`` for ``multipart/form-data`` bodies, which carry file
attachments (11 MiB: the 10 MiB file cap of the official web service plus the form's other fields).

A declared ``Content-Length`` over the cap is refused before the application runs; a body without
one (``Transfer-Encoding: chunked``) is counted as it arrives and refused at the chunk that passes
the cap. Either way the answer is 413 in the page's format (JSON error shape or error page), with
the cap in the message, and nothing has been stored.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimits", "BodyTooLarge", "limit_text"]

class BodyTooLarge(HTTPException):
    """The request body is over the cap; ``limit`` is the cap in bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(status_code=413, detail=f"the request is too large: at most {limit_text(limit)} is accepted")


def limit_text(limit: int) -> str:
    """A byte count as people write it (``1 MiB``, ``512 KiB``, ``100 bytes``)."""
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


class BodyLimits:
    """Refuse request bodies over ``max_bytes`` (``max_upload_bytes`` for multipart uploads)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/form-data")
        limit = self.max_upload_bytes if multipart else self.max_bytes
        declared = headers.get("content-length", "")
        if declared.strip().isascii() and declared.strip().isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's body read: the app's handler answers in the page's format.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Answer 413 through the app's own HTTP error handler, so the answer has the page's format."""
        handler = scope["app"].exception_handlers.get(HTTPException) if "app" in scope else None
        if handler is None:
            response: Response = PlainTextResponse(BodyTooLarge(limit).detail, status_code=413)
        else:
            response = await handler(Request(scope, receive), BodyTooLarge(limit))
        response.headers["connection"] = "close"  # the unread body must not be taken for the next request
        await response(scope, receive, send)
