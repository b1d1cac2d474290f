"""Checks of what a caller asks the dataset for: a year with data, known forms and units, a real date.

Each refusal is a ``UsageError`` whose one-line message names the problem and the valid values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.forms import available_years, load_catalog
from kostra.errors import UsageError
from kostra.store.models import Submission, Unit

__all__ = ["check_selection", "parse_day", "years_with_data"]


def years_with_data(session: Session) -> list[int]:
    """The years that have at least one submission."""
    return sorted(session.scalars(select(Submission.year).distinct()))


def _span(years: list[int]) -> str:
    return ", ".join(str(y) for y in years) if years else "none"


def parse_day(text: str | None) -> date | None:
    """``2026-04-19`` → a date; anything else is refused with the expected form."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date: expected YYYY-MM-DD, e.g. 2026-04-19") from None


def check_selection(session: Session, year: int, *, forms: Iterable[str] | None = None,
                    units: Iterable[str] | None = None) -> None:
    """Refuse a year without data (or definitions), unknown forms and unknown units."""
    with_data = years_with_data(session)
    if year not in with_data or year not in available_years():
        usable = [y for y in with_data if y in available_years()]
        raise UsageError(f"no data for {year}: the years with submitted data are {_span(usable)}")
    known_forms = [f.id for f in load_catalog(year).forms()]
    for form_id in forms or ():
        if form_id not in known_forms:
            raise UsageError(f"unknown form {form_id!r} for {year}: the forms are {', '.join(known_forms)}")
    wanted = list(units or ())
    if wanted:
        found = set(session.scalars(select(Unit.code).where(Unit.code.in_(wanted))))
        for code in wanted:
            if code not in found:
                count = session.scalar(select(func.count()).select_from(Unit)) or 0
                raise UsageError(
                    f"unknown unit {code!r}: give the code of one of the {count} reporting units — a municipality "
                    "(4 digits, e.g. 3401), an Oslo district (6 digits, e.g. 030101), a county (2 digits) or an "
                    "institution's organisation number (9 digits); 'kostra units list' shows them")
