"""Exact text of a value: the canonical form the dataset stores beside the number (``0.94`` stays ``0.94``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["number_text", "value_text"]

_CANONICAL = re.compile(r"-?(0|[1-9]\d*)(\.\d*[1-9])?")  # already as number_text writes it


def number_text(value: Any) -> str | None:
    """``64``, ``64.0`` and ``"64"`` → ``"64"``; ``"0,94"`` and ``0.94`` → ``"0.94"``; None when not a number.

    Floats are read by their shortest round-trip repr, so a stored ``0.94`` never becomes ``0.9399999…``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def value_text(value: Any, numeric: bool = False) -> str | None:
    """The canonical text of a stored answer: numbers as :func:`number_text`, yes/no as ``true``/``false``,
    choices of a multiple-choice field comma-joined, anything else as written."""
    kind = type(value)
    if kind is str:  # the common cases first: most answers are text or canonical numbers
        return value if not numeric or _CANONICAL.fullmatch(value) else (number_text(value) or value)
    if kind is int:
        return str(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if numeric or isinstance(value, int | float | Decimal):
        found = number_text(value)
        if found is not None:
            return found
    return str(value)
