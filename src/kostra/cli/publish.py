"""``kostra publish`` (releases of a year's tables) and ``kostra deliver`` (unpublished data to recipients).

Heavy modules (polars, SQLAlchemy, the publication services) are imported inside the commands, so
``kostra --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kostra.cli.context import pass_settings
from kostra.cli.output import format_option, render, year_option

if TYPE_CHECKING:
    from kostra.settings import Settings

__all__ = ["deliver", "publish"]

_RELEASE_COLUMNS = ("id", "kind", "created_at", "created_by", "public_from", "tables", "cells", "changed", "snapshot",
                    "sha256")
_LOG_COLUMNS = ("table_id", "cell", "old_value", "old_symbol", "new_value", "new_symbol", "reason")


def _by(by: str | None) -> str:
    from kostra.cli.dataset import _by as login

    return by or login()


def _release_rows(session: object, year: int) -> list[dict[str, object]]:
    from kostra.publish import releases
    from kostra.publish.embargo import public_from_of
    from kostra.store.models import DatasetSnapshot

    rows = []
    for r in releases(session, year):  # type: ignore[arg-type]
        snapshot = session.get(DatasetSnapshot, r.snapshot_id)  # type: ignore[attr-defined]
        rows.append({c: getattr(r, c) for c in _RELEASE_COLUMNS if c not in ("snapshot", "public_from")}
                    | {"snapshot": snapshot.label, "public_from": public_from_of(r)})
    return rows


def _export(session: object, home: Path, release_id: int, folder: Path) -> int:
    from kostra.publish import release_table, release_tables, to_csv, to_jsonstat, to_px, to_xlsx
    from kostra.publish.formats.statbank import statbank_zip
    from kostra.publish.timing import phase

    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for row in release_tables(session, release_id):  # type: ignore[arg-type]
        with phase("export: read table"):
            table = release_table(session, home, release_id, row.table_id)  # type: ignore[arg-type]
        for lang in ("nb", "en"):
            stem = f"{table.id}.{lang}"
            with phase("export: JSON-stat"):
                (folder / f"{stem}.json").write_text(json.dumps(to_jsonstat(table, lang), ensure_ascii=False),
                                                     encoding="utf-8")
            with phase("export: PX"):
                (folder / f"{stem}.px").write_text(to_px(table, lang), encoding="utf-8")
            with phase("export: CSV"):
                (folder / f"{stem}.csv").write_text(to_csv(table, lang), encoding="utf-8")
            with phase("export: XLSX"):
                (folder / f"{stem}.xlsx").write_bytes(to_xlsx(table, lang))
            written += 4
        with phase("export: statbank files"):
            (folder / f"{table.id}.statbank.zip").write_bytes(statbank_zip(table))
        written += 1
    return written


@click.command()
@year_option()
@click.option("--release", "kind", metavar="preliminary|final|correction",
              help="Make a release: preliminary (15 March), final (15 June) or a correction.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Release what was known at the end of this day.")
@click.option("--snapshot", metavar="LABEL", help="Build from this frozen snapshot instead of freezing a new one.")
@click.option("--public-from", "public_from", metavar="YYYY-MM-DD[THH:MM]",
              help="Embargo: the public statbank shows the release from then (Norwegian time; a day means 08:00). "
                   "Default: 15 March (preliminary) or 15 June (final) of the year after YEAR; a correction at once.")
@click.option("--by", "by", default=None, help="Who makes the release (default: your login name).")
@click.option("--list", "list_only", is_flag=True, help="List the releases of the year.")
@click.option("--corrections", "corrections_of", type=int, metavar="ID",
              help="The corrections log of release ID: every changed value and why.")
@click.option("--export", "export_to", type=click.Path(file_okay=False, path_type=Path),
              help="Write every table of a release in every format (JSON-stat, PX, CSV, XLSX, statbank) here; "
                   "with --release, of the release just made.")
@click.option("--timings", is_flag=True, help="Print the time of each phase (snapshot, suppression, audit, "
                                              "formats …) to standard error.")
@click.option("--release-id", "release_id", type=int, help="With --export: this release (default: the newest).")
@format_option()
@pass_settings
def publish(settings: Settings, year: int, kind: str | None, as_of: str | None, snapshot: str | None,
            public_from: str | None, by: str | None, list_only: bool, corrections_of: int | None,
            export_to: Path | None, timings: bool, release_id: int | None, output_format: str) -> None:
    """Make, list and export the releases of YEAR. A release freezes the year's values, builds every table
    of definitions/YEAR/tables, applies disclosure control and its audit, and stores the tables immutably
    (SHA-256, who, when). It is refused, with the reason, if a table shows a field not for publication or an
    audit fails; nothing is published then.

    Example: kostra publish --year 2025 --release preliminary
    """
    from kostra.cli.status import database_session
    from kostra.dataset import parse_day
    from kostra.errors import UsageError
    from kostra.publish.embargo import parse_public_from

    chosen = [o for o in (kind, list_only or None, corrections_of, export_to) if o is not None]
    if len(chosen) != 1 and not (len(chosen) == 2 and kind is not None and export_to is not None):
        raise UsageError("give one of --release, --list, --corrections or --export (or --release with --export)")
    if public_from is not None and kind is None:
        raise UsageError("--public-from goes with --release")
    embargo = parse_public_from(public_from)
    from kostra.publish.timing import recording

    with recording() as took, database_session(settings) as session:
        if kind is not None:
            from kostra.publish import make_release

            click.echo(f"Building the {kind} release of {year} …", err=True)
            made = make_release(session, settings.home, year, kind, actor=_by(by), as_of=parse_day(as_of),
                                snapshot=snapshot, public_from=embargo)
            session.commit()  # the release stands even if writing the files below fails
            click.echo(f"Release {made.id} of {year} ({made.kind}): {made.tables} tables, {made.cells} cells, "
                       f"{made.changed} changed since the release before; SHA-256 {made.sha256}; "
                       f"{_embargo_text(made)}.")
            if export_to is not None:
                _export_command(session, settings, year, made.id, export_to)
        elif list_only:
            click.echo(render(_release_rows(session, year), output_format, _RELEASE_COLUMNS))
        elif corrections_of is not None:
            from kostra.publish import corrections

            log = corrections(session, settings.home, corrections_of)
            click.echo(render(log.to_dicts(), output_format, _LOG_COLUMNS))
        else:
            _export_command(session, settings, year, release_id, export_to)  # type: ignore[arg-type]
    if timings:
        for line in took.lines():
            click.echo(line, err=True)


def _embargo_text(release: object) -> str:
    from datetime import UTC, datetime

    from kostra.publish.embargo import public_from_of

    moment = public_from_of(release)  # type: ignore[arg-type]
    if moment <= datetime.now(UTC):
        return f"public since {moment:%Y-%m-%d %H:%M} UTC"
    return f"under embargo until {moment:%Y-%m-%d %H:%M} UTC"


def _export_command(session: object, settings: Settings, year: int, release_id: int | None, folder: Path) -> None:
    from kostra.errors import NotFound
    from kostra.publish import latest_release

    if release_id is None:
        newest = latest_release(session, year)  # type: ignore[arg-type]
        if newest is None:
            raise NotFound(f"{year} has no release yet: kostra publish --year {year} --release preliminary")
        release_id = newest.id
    written = _export(session, settings.home, release_id, folder)
    click.echo(f"Wrote {written} files of release {release_id} to {folder}.")


@click.command()
@year_option()
@click.option("--recipient", metavar="NAME", help="Who receives the package, e.g. Helsedirektoratet.")
@click.option("--snapshot", metavar="LABEL", help="Deliver from this frozen snapshot instead of freezing a new one.")
@click.option("--by", "by", default=None, help="Who makes the delivery (default: your login name).")
@click.option("--list", "list_only", is_flag=True, help="List the deliveries of the year.")
@click.option("--fields", "fields_only", is_flag=True, help="List the fields RECIPIENT receives.")
@format_option()
@pass_settings
def deliver(settings: Settings, year: int, recipient: str | None, snapshot: str | None, by: str | None,
            list_only: bool, fields_only: bool, output_format: str) -> None:
    """Deliver unit-level values of YEAR to another agency: every field whose recipients name it (the form
    definitions), from a frozen snapshot, as a zip under KOSTRA_HOME/deliveries; each delivery is logged.

    Example: kostra deliver --year 2025 --recipient Helsedirektoratet
    """
    from kostra.cli.status import database_session
    from kostra.errors import UsageError
    from kostra.publish.deliveries import deliver as make_delivery
    from kostra.publish.deliveries import deliveries, delivery_fields

    if list_only:
        with database_session(settings) as session:
            rows = [{"id": d.id, "recipient": d.recipient, "created_at": d.created_at, "created_by": d.created_by,
                     "rows": d.rows, "fields": len(json.loads(d.fields_json)), "path": d.path, "sha256": d.sha256}
                    for d in deliveries(session, year)]
        click.echo(render(rows, output_format))
        return
    if recipient is None:
        raise UsageError("give --recipient NAME (or --list)")
    if fields_only:
        rows = [{"form": f.form_id, "field": f.field_id, "name": f.name, "purpose": f.purpose, "use": f.use}
                for f in delivery_fields(year, recipient)]
        click.echo(render(rows, output_format))
        return
    with database_session(settings) as session:
        made = make_delivery(session, settings.home, year, recipient, actor=_by(by), snapshot=snapshot)
        click.echo(f"Delivered {made.rows} values of {len(json.loads(made.fields_json))} fields to {made.recipient}: "
                   f"{settings.home / made.path} (SHA-256 {made.sha256}).")
