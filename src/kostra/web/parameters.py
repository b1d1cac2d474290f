"""Whole numbers in URLs, checked before any route uses them: digits 0–9 only, and within range.

Every route's ``int`` path and query parameters (``year``, ``version``, ``?run=`` …) are looked up
on the matched route, so a new route is covered without any change here. A year has four digits;
any other whole number fits the database's INTEGER (PostgreSQL's 4 bytes). Python would read
``'١٢'`` (Arabic-Indic digits) or ``'1_000'`` as numbers and a 20-digit year overflows the database:
each is refused with a 422 naming the parameter, through the app's one validation handler.
"""

from __future__ import annotations

import re
import types
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError

__all__ = ["INTEGER_MAX", "check_whole_numbers"]

INTEGER_MAX = 2_147_483_647
_YEAR = re.compile(r"[0-9]{4}")
_DIGITS = re.compile(r"-?[0-9]+")


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return int in get_args(annotation)
    return False


def _problem(kind: str, location: str, name: str, raw: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": kind, "loc": (location, name), "msg": kind, "input": raw,
            "ctx": {"limit": limit} if limit is not None else {}}


def _check(location: str, name: str, raw: str) -> dict[str, Any] | None:
    if name == "year" and location == "path":
        return None if _YEAR.fullmatch(raw) else _problem("kostra_year", location, name, raw)
    if not _DIGITS.fullmatch(raw):
        return _problem("kostra_integer", location, name, raw)
    if len(raw.lstrip("-")) > len(str(INTEGER_MAX)) or abs(int(raw)) > INTEGER_MAX:
        return _problem("kostra_range", location, name, raw, INTEGER_MAX)
    return None


def _int_parameters(dependant: Any) -> list[tuple[str, Any]]:
    """The route's ``int`` path and query parameters, its dependencies' included."""
    found = [("path", p) for p in dependant.path_params] + [("query", p) for p in dependant.query_params]
    for sub in dependant.dependencies:
        found += _int_parameters(sub)
    unique = {(location, p.alias): (location, p) for location, p in found if _is_int(p.field_info.annotation)}
    return list(unique.values())


async def check_whole_numbers(request: Request) -> None:
    """Refuse (422) an ``int`` parameter of the matched route that is not plain digits or is out of range.

    ``async`` although it awaits nothing: it runs for every request, and FastAPI hands a plain ``def``
    dependency to a worker thread (≈ 0.5 ms and a lock handoff each, most of a statbank query's cost)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    problems = []
    for location, param in _int_parameters(dependant):
        values = request.path_params if location == "path" else request.query_params
        raw = values.get(param.alias)
        problem = None if raw is None else _check(location, param.alias, str(raw))
        if problem is not None:
            problems.append(problem)
    if problems:
        raise RequestValidationError(problems)
