"""What every format shares: languages, rounding and a value's text."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from kostra.errors import UsageError
from kostra.publish.model import LANGUAGES

__all__ = ["check_lang", "number_text", "rounded"]


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: use {' or '.join(LANGUAGES)}")
    return lang


def rounded(value: float | None, decimals: int) -> float | None:
    """Half up, as Statistics Norway rounds (not Python's half-to-even)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    result = float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return int(result) if decimals == 0 else result


def number_text(value: float | None, decimals: int, *, comma: bool = False) -> str:
    if value is None:
        return ""
    text = f"{Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    return text.replace(".", ",") if comma else text
