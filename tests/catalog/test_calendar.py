"""The reporting calendar: year Y is reported in Y + 1; a setting overrides it."""

from __future__ import annotations

from datetime import date

from kostra.catalog.calendar import current_reporting_year
from kostra.catalog.forms import available_years


def test_the_previous_calendar_year_is_being_reported() -> None:
    assert 2025 in available_years()
    assert current_reporting_year(today=date(2026, 3, 15)) == 2025
    assert current_reporting_year(today=date(2025, 12, 31)) == 2024


def test_never_a_year_without_definitions() -> None:
    newest = max(available_years())
    assert current_reporting_year(today=date(newest + 5, 1, 1)) == newest
    assert current_reporting_year(today=date(1990, 1, 1)) == min(available_years())


def test_the_setting_wins() -> None:
    assert current_reporting_year(today=date(2026, 3, 15), configured=2024) == 2024
