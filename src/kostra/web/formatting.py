"""Norwegian number and date formatting for pages: 5 550 203 and 12,5; times in Europe/Oslo."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

__all__ = ["format_datetime", "format_number"]

OSLO = ZoneInfo("Europe/Oslo")
# A no-break space keeps "5 550 203" on one line, as Norwegian typography expects.
THOUSANDS = "\u00a0"


def format_number(value: int | float | Decimal | None, decimals: int = 0, missing: str = "..") -> str:
    """Format a number the Norwegian way: space as thousands separator, decimal comma.

    >>> format_number(5550203)
    '5\\xa0550\\xa0203'
    >>> format_number(-1234.5, 1)
    '−1\\xa0234,5'
    """
    if value is None:
        return missing
    text = f"{abs(value):,.{decimals}f}"
    integer, _, fraction = text.partition(".")
    result = integer.replace(",", THOUSANDS) + ("," + fraction if fraction else "")
    return ("\u2212" + result) if value < 0 else result


def format_datetime(value: datetime | None, lang: str = "nb") -> str:
    """A timestamp in Oslo time, e.g. ``23.11.2026 kl. 14:05`` (nb) or ``23.11.2026 14:05`` (en)."""
    if value is None:
        return ""
    local = value.astimezone(OSLO)
    separator = " kl. " if lang == "nb" else " "
    return local.strftime("%d.%m.%Y") + separator + local.strftime("%H:%M")
