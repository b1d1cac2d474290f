"""Selection expressions of the PxWeb API v2: which values of a variable a query asks for.

A variable's selection is a list of items, each a value code or an expression:

* ``*`` every value; a code with ``*`` or ``?`` in it is a pattern (``30*`` all codes starting with 30);
* ``top(n)`` the last ``n`` values in the variable's order (for time: the newest), ``top(n,offset)`` skips
  ``offset`` from the end first; ``bottom(n)`` / ``bottom(n,offset)`` the first ``n``;
* ``from(x)`` ``x`` and every value after it, ``to(x)`` every value up to and including ``x``,
  ``range(x,y)`` from ``x`` to ``y``, both included.

The result keeps the variable's order and holds each value once. Every mistake raises ``SelectionError``
naming the variable and the item, never anything else: the API answers it with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kostra.errors import KostraError

__all__ = ["MAX_COUNT", "SelectionError", "select_values", "split_codes"]

MAX_COUNT = 1_000_000  # top(n) larger than this is a mistake, not a wish
_CALL = re.compile(r"^\s*(top|bottom|from|to|range)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


class SelectionError(KostraError):
    """A selection that cannot be applied: the message names the variable, the item and what was expected."""


def split_codes(text: str) -> list[str]:
    """``"0301,top(2, 1),range(a,b)"`` → the items, splitting on commas outside parentheses."""
    items: list[str] = []
    depth, current = 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def _count(variable: str, item: str, text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,7}\s*", text):
        raise SelectionError(f"{variable}: {item!r}: expected a whole number ≥ 0, got {text.strip()!r}")
    number = int(text)
    if number > MAX_COUNT:
        raise SelectionError(f"{variable}: {item!r}: {number} is more than {MAX_COUNT}")
    return number


def _position(variable: str, item: str, code: str, codes: Sequence[str]) -> int:
    try:
        return list(codes).index(code.strip())
    except ValueError:
        raise SelectionError(f"{variable}: {item!r}: unknown value code {code.strip()!r}") from None


def _arguments(variable: str, item: str, name: str, inner: str) -> list[str]:
    parts = [p.strip() for p in inner.split(",")]
    wanted = {"top": (1, 2), "bottom": (1, 2), "from": (1, 1), "to": (1, 1), "range": (2, 2)}[name]
    if not wanted[0] <= len(parts) <= wanted[1] or any(p == "" for p in parts):
        shape = {"top": "top(n) or top(n,offset)", "bottom": "bottom(n) or bottom(n,offset)",
                 "from": "from(code)", "to": "to(code)", "range": "range(code,code)"}[name]
        raise SelectionError(f"{variable}: {item!r}: expected {shape}")
    return parts


def _expression(variable: str, item: str, codes: Sequence[str]) -> list[str]:
    call = _CALL.match(item)
    if call is None:
        return _pattern(variable, item, codes)
    name, inner = call[1].lower(), call[2]
    args = _arguments(variable, item, name, inner)
    if name in ("top", "bottom"):
        count = _count(variable, item, args[0])
        offset = _count(variable, item, args[1]) if len(args) == 2 else 0
        if name == "top":
            end = max(len(codes) - offset, 0)
            return list(codes[max(end - count, 0):end])
        return list(codes[offset:offset + count])
    if name == "from":
        return list(codes[_position(variable, item, args[0], codes):])
    if name == "to":
        return list(codes[:_position(variable, item, args[0], codes) + 1])
    first, last = (_position(variable, item, a, codes) for a in args)
    if first > last:
        raise SelectionError(f"{variable}: {item!r}: {args[0]!r} comes after {args[1]!r}")
    return list(codes[first:last + 1])


def _pattern(variable: str, item: str, codes: Sequence[str]) -> list[str]:
    if "(" in item or ")" in item:
        raise SelectionError(f"{variable}: {item!r}: unknown expression; expected a code, *, top(n), "
                             "bottom(n), from(x), to(x) or range(x,y)")
    if "*" in item or "?" in item:
        regex = re.compile("^" + re.escape(item).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.DOTALL)
        return [c for c in codes if regex.match(c)]
    if item not in codes:
        raise SelectionError(f"{variable}: unknown value code {item!r}")
    return [item]


def select_values(variable: str, items: Sequence[str], codes: Sequence[str]) -> list[str]:
    """The codes of ``codes`` that ``items`` select, in the variable's order. Raises SelectionError."""
    if not items:
        raise SelectionError(f"{variable}: no values selected")
    chosen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise SelectionError(f"{variable}: {item!r}: expected a text")
        chosen.update(_expression(variable, item.strip(), codes))
    found = [c for c in codes if c in chosen]
    if not found:
        raise SelectionError(f"{variable}: {', '.join(map(repr, items))} selects no values")
    return found
