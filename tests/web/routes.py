"""The app's routes as a test walks them: every APIRoute, with sample values for its path parameters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

__all__ = ["PARAMETER", "api_routes", "filled"]

PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
# A value that exists in the factory data for each path parameter name.
SAMPLES = {"year": "2025", "unit_code": "974600951", "form_id": "5", "form": "5", "unit": "974600951",
           "version": "1", "rule": "s5_enerom_le_rom", "field": "rom_i_alt", "username": "demo-3401",
           "code": "3401"}


def _walk(routes: Iterable[Any]) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI ≥ 0.16x keeps included routers as branches
            yield from _walk(route.original_router.routes)
        else:
            yield route


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route that FastAPI validates (pages, their .json twins, the API), in matching order."""
    return [route for route in _walk(app.router.routes) if isinstance(route, APIRoute)]


def filled(path: str, **values: str) -> str:
    """``path`` with each ``{name}`` replaced by ``values[name]`` or the sample value for that name."""
    return PARAMETER.sub(lambda m: values.get(m[1], SAMPLES.get(m[1], "x")), path)
