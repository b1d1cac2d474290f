"""The reporting calendar: which statistics year is being reported now.

KOSTRA collects year Y's figures in Y + 1 (deadlines from January, preliminary figures 15 March, final
figures 15 June), so on any day the current reporting year is the previous calendar year, capped at the
newest year that has definitions. ``KOSTRA_REPORTING_YEAR`` overrides it (e.g. to open next year early).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kostra.catalog.forms import available_years

__all__ = ["PUBLICATION_TIME", "current_reporting_year", "publication_day", "publication_time"]

# Statistics Norway publishes at 08:00 Norwegian time
PUBLICATION_TIME = time(8, 0)
OSLO = ZoneInfo("Europe/Oslo")
_RELEASE_DAYS = {"preliminary": (3, 15), "final": (6, 15)}  # (month, day) in the year after the statistics year


def current_reporting_year(*, today: date | None = None, configured: int | None = None) -> int:
    """The statistics year being reported on ``today`` (default: now), or ``configured`` when set.

    Example: on 2026-02-01, with definitions for 2023–2025, the reporting year is 2025.
    """
    if configured is not None:
        return configured
    today = today or date.today()
    years = available_years()
    if not years:
        return today.year - 1
    candidates = [year for year in years if year < today.year]
    return max(candidates) if candidates else min(years)


def publication_day(year: int, kind: str) -> date | None:
    """The day the ``kind`` release of statistics year ``year`` is published: 15 March (preliminary) or
    15 June (final) of ``year + 1``; None for a correction, which is published on a day chosen for it."""
    found = _RELEASE_DAYS.get(kind)
    return date(year + 1, *found) if found is not None else None


def publication_time(day: date) -> datetime:
    """08:00 Norwegian time on ``day``, in UTC (how release times are stored)."""
    return datetime.combine(day, PUBLICATION_TIME, tzinfo=OSLO).astimezone(UTC)
