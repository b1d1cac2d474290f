"""``kostra reference``: regions, population, code changes and KOSTRA groups by year.

The reference data (polars, numpy) and the database are imported inside each command, so that ``--help``
stays fast. KOSTRA groups come from ``kostra.reference.grouping``: the official grouping once a KLASS file
is loaded into the database (``load-groups``), else the shipped APPROXIMATION.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kostra.cli.choices import MAX_AGE, REGION_LEVELS
from kostra.cli.context import pass_settings
from kostra.cli.output import format_option, render

T = TypeVar("T")

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kostra.reference.grouping import KostraGrouping
    from kostra.settings import Settings

__all__ = ["reference"]

_AGE = click.IntRange(0, MAX_AGE)
_REGION_COLUMNS = ["code", "name", "level", "valid_from", "valid_to"]
_MUNICIPALITY_COLUMNS = ["code", "name", "county", "county_name", "kostra_group", "grouping", "valid_from",
                         "valid_to"]


@click.group("reference")
def reference_group() -> None:
    """Reference data by year: regions, population on 1 January, code changes, KOSTRA groups."""


@reference_group.command("regions")
@click.option("--year", type=int, required=True, help="Year of the region structure (2020–2026).")
@click.option("--level", type=click.Choice(REGION_LEVELS),
              help="Only regions of this level; kommune adds each municipality's county and KOSTRA group.")
@format_option()
@pass_settings
def regions_command(settings: Settings, year: int, level: str | None, output_format: str) -> None:
    """List the regions of a year: municipalities, counties, districts, groups and aggregates.

    With --level kommune each municipality shows its county and KOSTRA group, and whether the grouping
    is the official one (loaded with load-groups) or the shipped approximation.
    """
    from kostra import reference as ref

    found = ref.regions(year, level)
    if level != "kommune":
        rows = [{"code": r.code, "name": r.name, "level": r.level, "valid_from": r.valid_from,
                 "valid_to": r.valid_to} for r in found]
        click.echo(render(rows, output_format, columns=_REGION_COLUMNS))
        if level in (None, "kostragruppe") and output_format == "table":
            click.echo(f"Note: {_grouping(settings, year).note}", err=True)
        return
    grouping = _grouping(settings, year)
    rows = [{"code": r.code, "name": r.name, "county": r.code[:2], "county_name": ref.region(year, r.code[:2]).name,
             "kostra_group": grouping.group_of(r.code), "grouping": grouping.source.value,
             "valid_from": r.valid_from, "valid_to": r.valid_to} for r in found]
    click.echo(render(rows, output_format, columns=_MUNICIPALITY_COLUMNS))
    if output_format == "table":
        click.echo(f"Note: {grouping.note}", err=True)


@reference_group.command("population")
@click.option("--year", type=int, required=True, help="Year of 1 January (municipalities 2020–2024).")
@click.option("--region", "region_code", required=True,
              help="Municipality (0301), Oslo district (030101) or aggregate (EAK, EAKUO, EKA03, EKG12, EAB).")
@click.option("--age-from", type=_AGE, default=0, show_default=True, help="Lowest age included.")
@click.option("--age-to", type=_AGE, default=MAX_AGE, show_default=True,
              help="Highest age included (105 = 105 or older).")
@click.option("--sex", type=click.Choice(["m", "f"]), help="Only males (m) or females (f); both when left out.")
@format_option()
@pass_settings
def population_command(settings: Settings, year: int, region_code: str, age_from: int, age_to: int,
                       sex: str | None, output_format: str) -> None:
    """Population on 1 January of a region, for an age band and sex.

    A KOSTRA group (EKG##) sums the municipalities of the grouping in force for the year.
    """
    from kostra import reference as ref

    if age_from > age_to:
        raise click.BadParameter(f"{age_from} is above --age-to {age_to}; ages run from 0 to {MAX_AGE}",
                                 param_hint="--age-from")
    persons = ref.population(year, region_code, age_from, age_to, sex)  # checks year, region and band first
    info = ref.region(year, region_code)
    grouping = _grouping(settings, year) if info.level == "kostragruppe" else None
    if grouping is not None:
        from kostra.reference.grouping import group_population

        persons = group_population(grouping, region_code, year, age_from, age_to, sex)
    rows = [{"year": year, "region": region_code, "name": info.name, "age_from": age_from, "age_to": age_to,
             "sex": sex or "all", "persons": persons}]
    click.echo(render(rows, output_format))
    if grouping is not None and output_format == "table":
        click.echo(f"Note: {grouping.note}", err=True)


@reference_group.command("changes")
@click.option("--from", "from_year", type=int, required=True, help="Year of the old structure.")
@click.option("--to", "to_year", type=int, required=True, help="Year of the new structure.")
@click.option("--all", "include_unchanged", is_flag=True, help="Include unchanged codes (identity rows).")
@format_option()
def changes_command(from_year: int, to_year: int, include_unchanged: bool, output_format: str) -> None:
    """Municipality code changes between two years (renames, code changes, splits, merges)."""
    from kostra import reference as ref

    rows = [{"from_year": c.from_year, "to_year": c.to_year, "old_code": c.old_code,
             "old_name": ref.region(from_year, c.old_code).name, "new_code": c.new_code,
             "new_name": ref.region(to_year, c.new_code).name, "kind": c.kind, "share": c.share}
            for c in ref.changes(from_year, to_year, include_unchanged)]
    columns = ["from_year", "to_year", "old_code", "old_name", "new_code", "new_name", "kind", "share"]
    click.echo(render(rows, output_format, columns=columns))


@reference_group.command("load-groups")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="Year whose KOSTRA grouping the file gives (2020–2026).")
@pass_settings
def load_groups_command(settings: Settings, file: Path, year: int) -> None:
    """Load the official KOSTRA groups of YEAR from a KLASS correspondence export (131 → 112).

    FILE is the CSV that KLASS exports (sourceCode;sourceName;targetCode;targetName, ';' or ','). Every
    municipality of the year must be in exactly one group. From then on controls, aggregates and pages
    use it instead of the approximation. A bad file changes nothing.
    """
    from kostra.reference import approximate_groups
    from kostra.reference.grouping import check_official_groups, load_official_groups

    check_official_groups(year, file)  # a bad file is refused before the database is touched
    grouping = _store(settings, lambda session: load_official_groups(session, year, file))
    approximation = approximate_groups(year)
    moved = sum(1 for code, group in grouping.groups.items() if approximation.get(code) != group)
    click.echo(f"Loaded the official KOSTRA groups of {year} from {file.name}: {len(grouping.groups)} "
               f"municipalities in {len(set(grouping.groups.values()))} groups ({moved} differ from the "
               "approximation).", err=True)


@reference_group.command("load-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="Year of 1 January the file gives (e.g. 2025).")
@pass_settings
def load_population_command(settings: Settings, file: Path, year: int) -> None:
    """Load the population on 1 January of YEAR (SSB table 07459 as CSV) into the database.

    FILE has the layout of the shipped files: Latin-1, ';', quoted, title lines, then
    "region";"age";"Persons YEAR Males";"Persons YEAR Females" with labels like "K-3101 Halden" and every
    municipality of YEAR at every age 0–105. Key figures and estimates of YEAR then use it instead of a
    stand-in. A bad file (wrong layout, unknown region, a count that is not a number) is refused with its
    line and field, and nothing stored changes.
    """
    from kostra.reference.population_load import check_population_file, load_population

    check_population_file(file, year)  # a bad file is refused before the database is touched
    rows = _store(settings, lambda session: load_population(session, year, file))
    click.echo(f"Loaded the population on 1 January {year} from {file.name}: {rows} rows "
               f"({rows // 212} municipalities).", err=True)


def _store(settings: Settings, load: Callable[[Session], T]) -> T:
    """Run ``load`` in one transaction on the configured database (created when missing), committed."""
    from sqlalchemy.orm import Session

    engine = _database(settings, create=True)
    try:
        with Session(engine) as session:
            result = load(session)
            session.commit()
            return result
    finally:
        engine.dispose()


def _grouping(settings: Settings, year: int) -> KostraGrouping:
    """The grouping in force for ``year``: from the database when there is one, else the approximation."""
    from sqlalchemy.orm import Session

    from kostra.reference.grouping import kostra_grouping

    engine = _database(settings, create=False)
    if engine is None:
        return kostra_grouping(None, year)
    try:
        with Session(engine) as session:
            return kostra_grouping(session, year)
    finally:
        engine.dispose()


def _database(settings: Settings, *, create: bool) -> Any:
    """An engine on the configured database with its schema. Without ``create``: None when there is no
    database file or schema yet. With it: a new SQLite file gets the schema. Raises UsageError when the
    database cannot be reached, or (``create``) an existing one has no schema."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from kostra.errors import UsageError
    from kostra.store import create_engine_for, upgrade

    url = settings.effective_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        if not create:
            return None
        upgrade(url)  # a new installation: create the schema in KOSTRA_HOME
    engine = create_engine_for(url)
    try:
        has_schema = inspect(engine).has_table("reference_loads")
    except OperationalError as error:
        engine.dispose()
        raise UsageError(f"cannot reach the database {parsed.render_as_string(hide_password=True)}: "
                         f"{str(error.orig).strip().splitlines()[0]}") from error
    if not has_schema:
        engine.dispose()
        if not create:
            return None  # nothing loaded there yet: the approximation is in force
        raise UsageError(f"the database {parsed.render_as_string(hide_password=True)} has no KOSTRA schema; "
                         "run: kostra db upgrade")
    return engine


reference = reference_group  # the name COMMANDS registers
