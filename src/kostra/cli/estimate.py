"""``kostra estimate``: estimate the late units of a year and store the run.

The estimation services (polars, SQLAlchemy, the dataset) are imported inside the command, so
``kostra estimate --help`` loads only click.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import click

from kostra.cli.context import pass_settings
from kostra.cli.output import format_option, render, year_option

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["estimate"]

_COLUMNS = ["form", "field", "method", "units"]


def _by() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a user entry)
        return "cli"


@click.command("estimate")
@year_option()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Estimate those who had not reported by the end of this day (default: now).")
@click.option("--form", "forms", multiple=True, metavar="F", help="Only this form (repeatable), e.g. 1, 13.")
@format_option()
@pass_settings
def estimate(settings: Settings, year: int, as_of: str | None, forms: tuple[str, ...], output_format: str) -> None:
    """Estimate every municipality that has not submitted a form of YEAR, and store the run.

    Each additive number is estimated within the unit's KOSTRA group by the robust ratio model of Statistics
    Norway's R package Kostra (x = last year's value, or population; studentised-residual limits 2.5 and 4.5),
    or last year's value is carried forward where the field says so. A nil return is never estimated.
    Prints per form × field how many units each method estimated (method none: left missing). Estimates
    enter key-figure aggregates only, never a municipality's own figure (docs/estimation.md).

    Example: kostra estimate --year 2025 --as-of 2026-03-01 --form 1
    """
    from kostra.cli.status import database_session
    from kostra.dataset import parse_day
    from kostra.estimation import estimate_year

    with database_session(settings) as session:
        day = parse_day(as_of)
        click.echo(f"Estimating the late units of {year}…", err=True)
        result = estimate_year(session, year, actor=_by(), as_of=day, forms=forms or None)
    rows = [{"form": c.form_id, "field": c.field_name, "method": c.method, "units": c.units} for c in result.counts]
    click.echo(render(rows, output_format, columns=_COLUMNS))
    estimated = sum(c.units for c in result.counts if c.method != "none")
    click.echo(f"Estimation run {result.run_id}: {estimated} values estimated; {result.population_note}.", err=True)
