"""``kostra accounts``: gross and net operating expenditure per function group for one region and year."""

from __future__ import annotations

import click

from kostra.cli.output import format_option, render, year_option

__all__ = ["accounts"]


@click.command("accounts")
@year_option()
@click.option("--region", "code", required=True,
              help="Municipality (0301), district (030101), county municipality (3000) or aggregate (EKA03, EAK).")
@click.option("--trace", metavar="FUNKSJON:ART",
              help="Instead: the records that make one value, e.g. FGK11:AGD1, with file, line and sign.")
@click.option("--scope", type=click.Choice(["kasse", "konsern"]), default="kasse", show_default=True,
              help="With --trace: kasse (0A/0C) or konsern (0M/0P).")
@format_option()
@click.pass_context
def accounts(ctx: click.Context, year: int, code: str, trace: str | None, scope: str, output_format: str) -> None:
    """Brutto (AGD9) and netto (AGD1) driftsutgifter per function group, kasse and konsern, in 1000 NOK,
    aggregated from the submitted accounts files with the year's definitions (kostraregnskap's method).

    Example: kostra accounts --year 2025 --region EKA03 --format csv
    """
    from kostra.accounts.regions import frame_of, region_accounts
    from kostra.accounts.regions import trace as trace_of
    from kostra.cli.status import database_session, settings_of  # the database stack, only when run
    from kostra.errors import UsageError

    with database_session(settings_of(ctx)) as session:
        if trace is not None:
            funksjon, _, art = trace.partition(":")
            if not funksjon or not art:
                raise UsageError(f"--trace {trace!r}: expected FUNKSJON:ART, e.g. FGK11:AGD1")
            rows = trace_of(session, year, code, funksjon, art, scope)
            click.echo(render([vars(r) for r in rows], output_format,
                              ["unit", "form", "attachment", "line", "kontoklasse", "funksjon", "art", "reported",
                               "sign"]))
            total = sum(r.reported * r.sign for r in rows)
            click.echo(f"{len(rows)} record(s); {funksjon}:{art} {scope} = {total:.0f} (1000 NOK)", err=True)
            return
        result = region_accounts(session, year, code)
    frame = frame_of(result)
    click.echo(render(frame.to_dicts(), output_format, frame.columns))
    shown = ", ".join(f"{scope}: {len(result.submitted[scope])} of {len(result.units)}" for scope in result.submitted)
    click.echo(f"{result.region} {result.name} {year}: units with accepted accounts {shown}", err=True)
