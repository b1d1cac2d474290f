"""The statistics year pages open on when the address names none: the reporting calendar, or the setting."""

from __future__ import annotations

from fastapi import Request

from kostra.catalog.calendar import current_reporting_year

__all__ = ["current_year"]


def current_year(request: Request) -> int:
    """``KOSTRA_REPORTING_YEAR`` when set, else the year the reporting calendar says is being reported."""
    return current_reporting_year(configured=request.app.state.settings.reporting_year)
