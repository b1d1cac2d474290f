"""``kostra keyfigures``: compute, list and explain key figures (nøkkeltall) of a year."""

from __future__ import annotations

import click

from kostra.cli.output import format_option, render, year_option

__all__ = ["keyfigures"]

_COLUMNS = ["figure", "region", "year", "value", "symbol", "numerator", "denominator", "units_covered",
            "units_estimated", "units_total", "reason", "note"]


@click.group("keyfigures")
def keyfigures() -> None:
    """Key figures (nøkkeltall): definitions in definitions/<year>/keyfigures/*.yaml, computed for every
    municipality, Oslo district and aggregate (EKA##, EKG##, EAK, EAKUO, EAB) as ratios of sums."""


@keyfigures.command("list")
@year_option()
@format_option()
def list_figures(year: int, output_format: str) -> None:
    """The key figures of a year: id, family, title, numerator, denominator, scale, tables.

    Example: kostra keyfigures list --year 2025
    """
    from kostra.keyfigures import load_indicators

    rows = [{"figure": i.id, "family": i.family, "title": i.title_nb, "numerator": i.numerator_text,
             "denominator": i.denominator_text, "scale": i.scale.value, "unit": i.unit, "decimals": i.decimals,
             "tables": ",".join(i.tables)} for i in load_indicators(year)]
    columns = ["figure", "family", "title", "scale", "unit", "decimals", "tables", "numerator", "denominator"]
    click.echo(render(rows, output_format, columns if output_format != "table" else columns[:7]))
    click.echo(f"{len(rows)} key figures for {year}", err=True)


@keyfigures.command("compute")
@year_option()
@click.option("--figure", "figures", multiple=True, metavar="ID", help="Only this key figure (repeatable).")
@click.option("--region", "regions", multiple=True, metavar="CODE",
              help="Only this municipality, district or aggregate (repeatable), e.g. 3401, EKG11, EAK.")
@click.option("--population-stand-in", is_flag=True,
              help="Where the population date is not loaded, use the newest loaded year (said in 'note').")
@format_option("table", "csv", "json", "parquet")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of stdout (required for parquet).")
@click.pass_context
def compute_figures(ctx: click.Context, year: int, figures: tuple[str, ...], regions: tuple[str, ...],
                    population_stand_in: bool, output_format: str, output: str | None) -> None:
    """Compute key figures for every unit and aggregate of a year from the dataset (reported, edited and
    estimated values), the submitted files and accounts, and the population. Symbols: '..' missing,
    '.' not applicable (denominator 0), '-' nil; the reason says why.

    Example: kostra keyfigures compute --year 2025 --region 3401 --region EKG11 --format csv
    """
    import time

    from kostra.cli.status import database_session, settings_of
    from kostra.errors import UsageError
    from kostra.keyfigures import compute

    if output_format == "parquet" and output is None:
        raise UsageError("--format parquet writes a file: give --output FILE.parquet")
    started = time.perf_counter()
    settings = settings_of(ctx)
    with database_session(settings) as session:
        result = compute(session, year, figures=figures or None, regions=regions or None,
                         population_stand_in=population_stand_in, cache_dir=settings.home / "cache")
    frame = result.frame
    if output_format == "parquet":
        frame.write_parquet(output)
    else:
        text = render(frame.to_dicts(), output_format, _COLUMNS)
        if output is None:
            click.echo(text)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.phases.items())
    click.echo(f"{len(result.indicators)} key figures × {frame['region'].n_unique()} regions = {frame.height} "
               f"values for {year} in {time.perf_counter() - started:.2f} s ({phases})", err=True)


@keyfigures.command("explain")
@year_option()
@click.option("--figure", required=True, metavar="ID", help="The key figure, e.g. andel_enerom.")
@click.option("--region", required=True, metavar="CODE", help="Municipality, district or aggregate.")
@click.option("--population-stand-in", is_flag=True, help="As for compute.")
@format_option("table", "json")
@click.pass_context
def explain_figure(ctx: click.Context, year: int, figure: str, region: str, population_stand_in: bool,
                   output_format: str) -> None:
    """Why a key figure has its value: numerator and denominator, and every input behind them with its
    status, submission version and edit (for an aggregate: every unit it covers, and those it does not).

    Example: kostra keyfigures explain --year 2025 --figure andel_enerom --region 3401
    """
    import json

    from kostra.cli.status import database_session, settings_of
    from kostra.keyfigures.explain import explain

    with database_session(settings_of(ctx)) as session:
        why = explain(session, year, figure, region, population_stand_in=population_stand_in)
    if output_format == "json":
        click.echo(json.dumps(why.to_dict(), ensure_ascii=False, default=str))
        return
    row = why.row
    shown = row["symbol"] if row["value"] is None else row["value"]
    click.echo(f"{why.figure} {why.region} {why.year}: {shown} {row['reason'] or ''}".rstrip())
    click.echo(f"  = ({why.numerator_expression}) / ({why.denominator_expression}) × {why.scale}")
    click.echo(f"  numerator {row['numerator']}, denominator {row['denominator']}; units covered "
               f"{row['units_covered']} of {row['units_total']}, estimated {row['units_estimated']}")
    inputs = [{"unit": part.unit, "covered": part.covered, **item} for part in why.units for item in part.inputs]
    columns = ["unit", "part", "source", "field_name", "status", "value_text", "version", "submission_id",
               "edit_reason", "edit_comment", "note", "records", "value_1000nok", "persons", "date"]
    if inputs:
        click.echo(render(inputs, "table", [c for c in columns if any(c in i for i in inputs)]))
    for part in why.units:
        if not part.covered:
            click.echo(f"  not covered: {part.unit}: {part.reason}")


@keyfigures.command("series")
@click.option("--figure", required=True, metavar="ID", help="The key figure, e.g. andel_80_aar_og_over.")
@click.option("--region", "regions", multiple=True, required=True, metavar="CODE",
              help="Municipality, district or aggregate of the target structure (repeatable); for a "
                   "county-municipality figure a county municipality (ff00) or EAFK, EAFKUO.")
@click.option("--from", "first", type=int, default=2020, show_default=True, help="First year.")
@click.option("--to", "last", type=int, default=2025, show_default=True,
              help="Last year; its region structure is the one shown.")
@click.option("--population-stand-in", is_flag=True, help="As for compute.")
@format_option()
@click.pass_context
def series_of_figure(ctx: click.Context, figure: str, regions: tuple[str, ...], first: int, last: int,
                     population_stand_in: bool, output_format: str) -> None:
    """A key figure over years in the region structure of the last year: mergers sum their inputs before
    the ratio is taken; a unit made by a split shows '|' (series break) before it existed. County figures
    go through the 2024 county changes (3100 Østfold is '|' before 2024; EAFK sums each year's counties).

    Example: kostra keyfigures series --figure andel_80_aar_og_over --region 1508 --region 3101 --to 2024
    """
    from kostra.cli.status import database_session, settings_of
    from kostra.errors import UsageError
    from kostra.keyfigures import series

    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    with database_session(settings_of(ctx)) as session:
        frame = series(session, figure, list(regions), years=range(first, last + 1),
                       population_stand_in=population_stand_in)
    click.echo(render(frame.to_dicts(), output_format, _COLUMNS))
