"""``kostra reference``: regions, population and code changes by year."""

from __future__ import annotations

import click

from kostra.cli.choices import MAX_AGE, REGION_LEVELS
from kostra.cli.output import format_option, render

__all__ = ["reference"]

_AGE = click.IntRange(0, MAX_AGE)


@click.group("reference")
def reference_group() -> None:
    """Reference data by year: regions, population on 1 January, code changes."""


@reference_group.command("regions")
@click.option("--year", type=int, required=True, help="Year of the region structure (2020–2026).")
@click.option("--level", type=click.Choice(REGION_LEVELS), help="Only regions of this level.")
@format_option()
def regions_command(year: int, level: str | None, output_format: str) -> None:
    """List the regions of a year: municipalities, counties, districts, groups and aggregates."""
    from kostra import reference as ref

    rows = [{"code": r.code, "name": r.name, "level": r.level, "valid_from": r.valid_from, "valid_to": r.valid_to}
            for r in ref.regions(year, level)]
    click.echo(render(rows, output_format, columns=["code", "name", "level", "valid_from", "valid_to"]))
    if level in (None, "kostragruppe") and output_format == "table":
        click.echo(f"Note: {ref.APPROXIMATION_NOTE}", err=True)


@reference_group.command("population")
@click.option("--year", type=int, required=True, help="Year of 1 January (municipalities 2020–2024).")
@click.option("--region", "region_code", required=True,
              help="Municipality (0301), Oslo district (030101) or aggregate (EAK, EAKUO, EKA03, EKG12, EAB).")
@click.option("--age-from", type=_AGE, default=0, show_default=True, help="Lowest age included.")
@click.option("--age-to", type=_AGE, default=MAX_AGE, show_default=True,
              help="Highest age included (105 = 105 or older).")
@click.option("--sex", type=click.Choice(["m", "f"]), help="Only males (m) or females (f); both when left out.")
@format_option()
def population_command(year: int, region_code: str, age_from: int, age_to: int, sex: str | None,
                       output_format: str) -> None:
    """Population on 1 January of a region, for an age band and sex."""
    from kostra import reference as ref

    if age_from > age_to:
        raise click.BadParameter(f"{age_from} is above --age-to {age_to}; ages run from 0 to {MAX_AGE}",
                                 param_hint="--age-from")
    persons = ref.population(year, region_code, age_from, age_to, sex)
    info = ref.region(year, region_code)
    rows = [{"year": year, "region": region_code, "name": info.name, "age_from": age_from, "age_to": age_to,
             "sex": sex or "all", "persons": persons}]
    click.echo(render(rows, output_format))
    if info.level == "kostragruppe" and output_format == "table":
        click.echo(f"Note: {ref.APPROXIMATION_NOTE}", err=True)


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


reference = reference_group  # the name COMMANDS registers
