"""``kostra check``: control a KOSTRA file attachment as SSB's official control program does."""

from __future__ import annotations

import json
import sys

import click

from kostra.cli.output import format_option, year_option

__all__ = ["check"]


def _orgnrs(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@click.command("check")
@click.option("--form", "-s", required=True, help="Form id (skjema), e.g. 0A, 0AK1, 0G, 11F, 11CF, 52AF, 55F.")
@year_option(help_text="Reporting year; selects the record layout and code lists.")
@click.option("--region", "-r", required=True,
              help="6-digit region: municipality + district (030100, 030112), county (500000) or "
                   "family-counselling region (667200).")
@click.option("--orgnr", "-u", default=None, help="Organisation number(s), comma separated (0F–0L forms).")
@click.option("--quarter", "-q", default=None, type=click.Choice(["1", "2", "3", "4"]),
              help="Quarter for quarterly accounts (0AK1–0DK4).")
@click.option("--no-data", is_flag=True,
              help="The form says there is nothing to report: the file must be a single space (11F, 11CF).")
@format_option("text", "json", "html", default="text")
@click.argument("file", type=click.File("rb"), default="-", required=False)
def check(form: str, year: int, region: str, orgnr: str | None, quarter: str | None, no_data: bool,
          output_format: str, file: click.utils.LazyFile) -> None:
    """Check FILE (or stdin, or '-') against the layout and rules of FORM in YEAR for REGION.

    Prints the report to stdout. Exit code 0: OK or INFO only; 1: warnings; 2: errors that block
    submission, or unusable arguments.
    """
    from kostra.controls.filecheck.engine import check_file, validate_arguments
    from kostra.controls.filecheck.model import CheckArguments

    args = CheckArguments(form=form.strip().upper(), year=year, region=region.strip(), orgnrs=_orgnrs(orgnr),
                          quarter=quarter, has_data=not no_data)
    validate_arguments(args)
    report = check_file(file.read(), args)  # no name for the bytes: check_file frees them once split into lines
    if output_format == "json":
        # No indent: only then does json use its C encoder (a 500 000-line file may give 10^5 entries)
        click.echo(json.dumps(report.to_json_dict(), ensure_ascii=False))
    elif output_format == "html":
        from kostra.controls.filecheck.report_html import render_html

        click.echo(render_html(report))
    else:
        from kostra.controls.filecheck.report import render_text

        click.echo(render_text(report))
    sys.stdout.flush()
    sys.exit(report.return_code)
