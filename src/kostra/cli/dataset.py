"""``kostra dataset``: export the year's values, freeze an immutable snapshot, list the snapshots.

Heavy modules (polars, SQLAlchemy, the dataset services) are imported inside the commands, so
``kostra dataset --help`` stays fast.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kostra.cli.context import pass_settings
from kostra.cli.output import format_option, render, year_option
from kostra.errors import UsageError

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["dataset"]

_FORMATS = ("csv", "json", "parquet")
_SNAPSHOT_COLUMNS = ("year", "label", "rows", "sha256", "as_of", "approved_only", "created_at", "created_by", "path")


@click.group()
def dataset() -> None:
    """The year's values in long form: one row per form × unit × field × row key, with status and lineage."""


def _by() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a user entry)
        return "cli"


@dataset.command("export")
@year_option()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="What was known at the end of this day.")
@click.option("--approved-only", is_flag=True, help="Only approved versions.")
@click.option("--form", "forms", multiple=True, metavar="F", help="Only this form (repeatable), e.g. 5, PSYK.")
@click.option("--unit", "units", multiple=True, metavar="U", help="Only this unit (repeatable), e.g. 3401.")
@click.option("--format", "output_format", required=True, metavar="|".join(_FORMATS),
              help="csv, json (a list of objects) or parquet.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_settings
def export(settings: Settings, year: int, as_of: str | None, approved_only: bool, forms: tuple[str, ...],
           units: tuple[str, ...], output_format: str, output: Path | None) -> None:
    """Every value of YEAR with its status (reported, edited, nil, not_applicable, missing, …), the submission
    it comes from (id, version, receipt hash) and the edit behind it (docs/dataset.md lists the columns).

    Example: kostra dataset export --year 2025 --form 5 --format parquet --output skjema5.parquet
    """
    from kostra.cli.status import database_session
    from kostra.dataset import check_selection, parse_day, write_values, year_values

    with database_session(settings) as session:
        if output_format not in _FORMATS:
            raise UsageError(f"unknown format {output_format!r}: use one of {', '.join(_FORMATS)}")
        day = parse_day(as_of)
        check_selection(session, year, forms=forms, units=units)
        frame = year_values(session, year, as_of=day, approved_only=approved_only, forms=forms or None,
                            units=units or None, cache_dir=settings.home / "cache")
    if output is not None:
        write_values(frame, output_format, output)
    else:
        write_values(frame, output_format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    click.echo(f"{frame.height} values of {year}" + (f" to {output}" if output else "") + ".", err=True)


@dataset.command("freeze")
@year_option()
@click.option("--label", required=True, help="Name of the snapshot, unique in the year (e.g. preliminary-1).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Freeze what was known at the end of this day.")
@click.option("--approved-only", is_flag=True, help="Only approved versions.")
@click.option("--by", "by", default=None, help="Who freezes it (default: your login name).")
@pass_settings
def freeze(settings: Settings, year: int, label: str, as_of: str | None, approved_only: bool,
           by: str | None) -> None:
    """Store an immutable snapshot of YEAR's values: a read-only Parquet file under KOSTRA_HOME and its
    SHA-256 in the database, with who and when. A label is never overwritten.

    Example: kostra dataset freeze --year 2025 --label preliminary-2026-03-15
    """
    from kostra.cli.status import database_session
    from kostra.dataset import check_selection, parse_day
    from kostra.dataset import freeze as freeze_values

    with database_session(settings) as session:
        day = parse_day(as_of)
        check_selection(session, year)
        snapshot = freeze_values(session, settings.home, year, label, by=by or _by(), as_of=day,
                                 approved_only=approved_only)
        click.echo(f"Froze {snapshot.rows} values of {year} as {snapshot.label!r}: {settings.home / snapshot.path} "
                   f"(SHA-256 {snapshot.sha256}).")


@dataset.command("snapshots")
@year_option(required=False, help_text="Only the snapshots of this year.")
@format_option()
@pass_settings
def snapshots(settings: Settings, year: int | None, output_format: str) -> None:
    """The frozen snapshots: label, rows, SHA-256, who froze them and when."""
    from kostra.cli.status import database_session
    from kostra.dataset import snapshots as stored

    with database_session(settings) as session:
        rows = [{name: getattr(s, name) for name in _SNAPSHOT_COLUMNS} for s in stored(session, year)]
    click.echo(render(rows, output_format, _SNAPSHOT_COLUMNS))
