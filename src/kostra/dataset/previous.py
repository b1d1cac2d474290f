"""Last year's values, as this year compares with them (``prev()``, HB, the thousand-error check, pre-fill).

Every comparison with last year reads through :func:`previous_year_values`: this is the one place where
last year's units are to be mapped to this year's structure (code changes across a reform; issue 9 point 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.catalog.forms import available_years
from kostra.dataset.columns import SCHEMA
from kostra.dataset.values import year_values

__all__ = ["previous_year_values"]


def previous_year_values(session: Session, year: int, *, forms: Iterable[str] | None = None,
                         units: Iterable[str] | None = None, cache_dir: Path | None = None) -> pl.DataFrame:
    """The values of ``year - 1`` as submitted and edited (no rows for forms never received), in long form
    with the columns of :func:`kostra.dataset.year_values`; ``year`` is ``year - 1`` in the frame. Read with
    last year's form definitions, or this year's when last year has none; empty when last year has no data.
    """
    last = year - 1
    definitions = last if last in available_years() else year
    if definitions not in available_years():
        return pl.DataFrame(schema=SCHEMA)
    return year_values(session, last, forms=forms, units=units, expected=False, definitions_year=definitions,
                       cache_dir=cache_dir)
