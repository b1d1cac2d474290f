"""The reporting calendar: which statistics year is being reported now.

KOSTRA collects year Y's figures in Y + 1 (deadlines from January, preliminary figures 15 March, final
figures 15 June), so on any day the current reporting year is the previous calendar year, capped at the
newest year that has definitions. ``KOSTRA_REPORTING_YEAR`` overrides it (e.g. to open next year early).
"""

from __future__ import annotations

from datetime import date

from kostra.catalog.forms import available_years

__all__ = ["current_reporting_year"]


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
