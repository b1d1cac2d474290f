"""Last year's values, as this year compares with them (``prev()``, HB, the thousand-error check, pre-fill).

Every comparison with last year reads through :func:`previous_year_values`: the one place where last year's
units are mapped to this year's region structure (``kostra.dataset.reform``: renumbered municipalities 1:1,
mergers summed for additive fields, splits not applicable with the reason in ``note``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from kostra.catalog.forms import available_years, load_catalog
from kostra.dataset.columns import SCHEMA
from kostra.dataset.reform import Reform, carry_forward, reform_between
from kostra.dataset.values import year_values
from kostra.errors import UnknownYear

__all__ = ["last_year_reform", "previous_year_values"]


def last_year_reform(year: int) -> Reform | None:
    """The reform from ``year - 1``'s structure to ``year``'s; None when either structure is not held."""
    try:
        return reform_between(year - 1, year)
    except UnknownYear:
        return None


def previous_year_values(session: Session, year: int, *, forms: Iterable[str] | None = None,
                         units: Iterable[str] | None = None, cache_dir: Path | None = None) -> pl.DataFrame:
    """The values of ``year - 1`` as submitted and edited (no rows for forms never received), in long form
    with the columns of :func:`kostra.dataset.year_values` and **this year's unit codes**; ``year`` is
    ``year - 1`` in the frame. Read with last year's form definitions, or this year's when last year has none;
    empty when last year has no data. ``units`` are this year's codes.
    """
    last = year - 1
    definitions = last if last in available_years() else year
    if definitions not in available_years():
        return pl.DataFrame(schema=SCHEMA)
    reform = last_year_reform(year)
    changed = reform is not None and bool(reform.changed())
    wanted = None if units is None else list(units)
    if changed and wanted is not None:
        assert reform is not None
        wanted = sorted({old for code in wanted for old in reform.link(code).predecessors})
    values = year_values(session, last, forms=forms, units=wanted, expected=False, definitions_year=definitions,
                         cache_dir=cache_dir)
    if not changed or values.is_empty():
        return values
    assert reform is not None
    catalog = load_catalog(definitions)
    additive = {(form.id, spec.name) for form in catalog.forms() for spec in form.fields() if spec.is_additive}
    carried = carry_forward(values, reform, lambda form_id, name: (form_id, name) in additive)
    return carried if units is None else carried.filter(pl.col("unit_code").is_in(list(units)))
