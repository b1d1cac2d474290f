"""What every format shares: languages, rounding and a value's text.

Rounding is half up on the value's decimal digits, as Statistics Norway rounds (not Python's half-to-even, and
not the binary float's own digits: 2.675 rounds to 2.68). ``rounded_values`` and ``number_texts`` do a whole
column at once with NumPy and fall back to ``Decimal`` only for the few values that sit on a tie, so a format
costs microseconds per value, not a ``Decimal`` each.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from kostra.errors import UsageError
from kostra.publish.model import LANGUAGES

__all__ = ["check_lang", "number_text", "number_texts", "rounded", "rounded_values"]

Values = Sequence[float | None] | np.ndarray


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


def _as_array(values: Values) -> np.ndarray:
    """Floats with NaN for a missing value (a published value is never NaN)."""
    if isinstance(values, np.ndarray):
        return values.astype(float, copy=False)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _half_up(x: np.ndarray, decimals: int) -> tuple[np.ndarray, dict[int, Decimal]]:
    """|x| · 10^decimals rounded half up on x's decimal digits, as whole numbers (floats), and the values
    decided by ``Decimal`` instead (index → the rounded value with its sign)."""
    scale = 10.0 ** decimals
    scaled = np.abs(x) * scale
    whole = np.floor(scaled)
    result = whole + (scaled - whole >= 0.5)
    # near a tie the binary value may sit on either side of .5, and past 2^52 a float has no fraction left:
    # decide those few on the decimal digits
    slow = np.flatnonzero((np.abs(scaled - whole - 0.5) <= 1e-9 * np.maximum(1.0, scaled)) | (scaled >= 2.0**52))
    quantum = Decimal(1).scaleb(-decimals)
    exact = {int(i): Decimal(repr(float(x[i]))).quantize(quantum, rounding=ROUND_HALF_UP) for i in slow}
    return result, exact


def _prepared(values: Values, decimals: int) -> tuple[np.ndarray, np.ndarray, dict[int, Decimal], list[bool]]:
    x = _as_array(values)
    missing = np.isnan(x)
    x = np.where(missing, 0.0, x)
    whole, exact = _half_up(x, decimals)
    return x, whole, exact, missing.tolist()


def rounded_values(values: Values, decimals: int) -> list[float | int | None]:
    """``rounded`` of every value (None stays None), for a whole column."""
    x, whole, exact, missing = _prepared(values, decimals)
    # a whole number divided by a power of ten is the float nearest the decimal, as float(Decimal) gives
    out: list[float | int | None] = np.copysign(whole / 10.0 ** decimals, x).tolist()
    for i, value in exact.items():
        out[i] = float(value)
    if decimals == 0:
        out = [int(v) for v in out]  # type: ignore[arg-type]
    return [None if m else v for v, m in zip(out, missing, strict=True)]


def number_texts(values: Values, decimals: int, *, comma: bool = False) -> list[str]:
    """``number_text`` of every value ("" for None), for a whole column: the digits of the rounded whole
    number with the decimal point put in (formatting the float would show its binary digits)."""
    x, whole, exact, missing = _prepared(values, decimals)
    negative = np.signbit(x).tolist()
    out = []
    for i, (digits, m, minus) in enumerate(zip(whole.tolist(), missing, negative, strict=True)):
        if m:
            out.append("")
            continue
        if i in exact:
            out.append(f"{exact[i]:f}")
            continue
        text = str(int(digits))
        if decimals:
            text = text.rjust(decimals + 1, "0")
            text = f"{text[:-decimals]}.{text[-decimals:]}"
        out.append(f"-{text}" if minus else text)
    return [t.replace(".", ",") for t in out] if comma else out
