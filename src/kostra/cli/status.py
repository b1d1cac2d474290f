"""``kostra status``: the reporting status board, and who is missing a form as of a date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from kostra.cli.choices import FORM_STATUSES
from kostra.cli.context import settings_of
from kostra.cli.output import format_option, render, year_option
from kostra.errors import KostraError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kostra.settings import Settings

__all__ = ["database_session", "settings_of", "status"]

COLUMNS = ("form", "unit", "unit_name", "county", "deadline", "status", "version", "submitted_at", "approved")


@contextmanager
def database_session(settings: Settings) -> Iterator[Session]:
    """A session on the configured database; commits when the block ends without error.

    Our own errors become one line and exit code 2, also when the command is invoked on its own.
    """
    from kostra.store import create_engine_for, session_factory

    engine = create_engine_for(settings.effective_database_url)
    try:
        with session_factory(engine)() as session:
            yield session
            session.commit()
    except KostraError as error:
        from kostra.cli import KostraClickException

        raise KostraClickException(str(error)) from error
    finally:
        engine.dispose()


@click.command("status")
@year_option()
@click.option("--form", "form_id", help="Only this form (e.g. 11, 5, PSYK).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Status at the end of this day (YYYY-MM-DD); later submissions do not count.")
@click.option("--county", help="Only units in this county (two digits, e.g. 34).")
@click.option("--status", "status_filter", type=click.Choice(FORM_STATUSES),
              help="Only rows with this status.")
@click.option("--missing", is_flag=True, help="Only units that have not delivered (not started or draft).")
@click.option("--counts", is_flag=True, help="Print counts per form and status instead of rows.")
@format_option()
@click.pass_context
def status(ctx: click.Context, year: int, form_id: str | None, as_of: datetime | None, county: str | None,
           status_filter: str | None, missing: bool, counts: bool, output_format: str) -> None:
    """Reporting status of every unit and form it must report: not started, draft, submitted,
    submitted with warnings, nothing to report, approved.

    Example: kostra status --year 2025 --form 11 --as-of 2026-04-19 --missing
    """
    from kostra.followup.status import status_board
    from kostra.reporting.submissions import FormStatus

    day: date | None = as_of.date() if as_of else None
    with database_session(settings_of(ctx)) as session:
        board = status_board(session, year, form_id=form_id, as_of=day, county=county, status=status_filter)
    if counts:
        rows = [{"form": form, **{s.value: n for s, n in tally.items()}} for form, tally in board.counts.items()]
        click.echo(render(rows, output_format, ["form", *(s.value for s in FormStatus)]))
        return
    shown = board.missing() if missing else board.rows
    click.echo(render([row.as_dict() for row in shown], output_format, COLUMNS))
    when = f"as of {day.isoformat()}" if day else "now"
    click.echo(f"{len(shown)} row(s); {len(board.missing())} missing {when}.", err=True)
