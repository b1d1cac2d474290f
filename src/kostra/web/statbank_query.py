"""A statbank query: which values of which variables, checked against the table and the cell limit.

The API (GET with ``valueCodes[Var]=…``, or POST with a PxWeb v2 ``selection`` body) and the statbank page
(a plain HTML form) both end here. A variable the query leaves out is taken whole. Every mistake raises
``QueryError`` with the HTTP status to answer (400, or 404 for an unknown table) and the problems found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kostra.web.i18n_types import Lang
from kostra.web.statbank_formats import FORMATS, Selection
from kostra.web.statbank_selection import SelectionError, select_values, split_codes
from kostra.web.statbank_source import StatTable

__all__ = ["QueryError", "language_of", "output_format", "post_selection", "query_selection", "selection_of"]

_VALUE_CODES = re.compile(r"^valueCodes\[(.+)\]$")
_LANGUAGES: dict[str, Lang] = {"nb": "nb", "no": "nb", "en": "en"}


@dataclass
class QueryError(Exception):
    """What the API answers: ``status``, a one-line ``message`` and the problems (``field``, ``message``)."""

    status: int
    message: str
    errors: list[dict[str, str]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.message, "errors": self.errors, "status": self.status}


def _bad(field_name: str, message: str, status: int = 400) -> QueryError:
    return QueryError(status, message, [{"field": field_name, "message": message}])


def language_of(value: str | None) -> Lang:
    """``lang`` of the query: ``no``/``nb`` (bokmål, the default) or ``en``."""
    if value is None or value == "":
        return "nb"
    found = _LANGUAGES.get(value.lower())
    if found is None:
        raise _bad("lang", f"unknown language {value[:20]!r}: expected no, nb or en")
    return found


def output_format(value: str | None) -> str:
    """``outputFormat``: json-stat2 (the default), csv, px or xlsx."""
    chosen = (value or "json-stat2").lower()
    if chosen not in FORMATS:
        raise _bad("outputFormat", f"unknown outputFormat {value[:20]!r}: expected {', '.join(FORMATS)}")
    return chosen


def query_selection(params: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """``valueCodes[Region]=0301,3401&valueCodes[Tid]=top(2)`` → ``{"Region": [...], "Tid": ["top(2)"]}``."""
    wanted: dict[str, list[str]] = {}
    for key, value in params:
        match = _VALUE_CODES.match(key)
        if match:
            wanted.setdefault(match[1], []).extend(split_codes(value))
    return wanted


def post_selection(body: Any) -> dict[str, list[str]]:
    """A PxWeb v2 POST body ``{"selection": [{"variableCode": "Region", "valueCodes": ["0301"]}]}``."""
    if not isinstance(body, dict):
        raise _bad("body", "expected a JSON object with a 'selection' list")
    items = body.get("selection", [])
    if not isinstance(items, list):
        raise _bad("selection", "expected a list of {variableCode, valueCodes}")
    wanted: dict[str, list[str]] = {}
    for number, item in enumerate(items):
        where = f"selection[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("variableCode"), str):
            raise _bad(where, f"{where}: expected an object with a text 'variableCode'")
        codes = item.get("valueCodes")
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _bad(f"{where}.valueCodes", f"{where}: 'valueCodes' must be a list of texts")
        wanted.setdefault(item["variableCode"], []).extend(codes)
    return wanted


def selection_of(table: StatTable, wanted: Mapping[str, Sequence[str]], max_cells: int) -> Selection:
    """The cut of ``table`` that ``wanted`` asks for; raises QueryError (400) naming the problem."""
    for name in wanted:
        if table.dimension(name) is None:
            known = ", ".join(d.code for d in table.dimensions)
            raise _bad(f"valueCodes[{name[:40]}]", f"table {table.id} has no variable {name[:40]!r} "
                       f"(its variables: {known})")
    chosen: list[tuple[str, ...]] = []
    for dim in table.dimensions:
        asked = next((v for k, v in wanted.items() if k.lower() == dim.code.lower()), None)
        try:
            codes = select_values(dim.code, list(asked), dim.codes()) if asked is not None else dim.codes()
        except SelectionError as problem:
            raise _bad(f"valueCodes[{dim.code}]", str(problem)) from None
        chosen.append(tuple(codes))
    selection = Selection(table, tuple(chosen))
    if selection.size() > max_cells:
        raise _bad("valueCodes", f"the query asks for {selection.size()} cells; the limit is {max_cells}: "
                   "select fewer values")
    return selection
