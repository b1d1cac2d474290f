"""The start page: what the system holds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kostra.store.inventory import inventory
from kostra.web.pages import render

__all__ = ["router"]

router = APIRouter()


@router.get("/", include_in_schema=False)
@router.get("/index.json", name="home_json", summary="What the system holds (JSON twin of the start page)")
def home(request: Request) -> Response:
    with request.app.state.sessions() as session:
        model = inventory(session)
    return render(request, "index.html", model)
