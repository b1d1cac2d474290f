"""``kostra methods accounts``: Statistics Norway's kostraregnskap (``KostraRegnskap``, ``kostra_regnskap``).

Options are spelled as the R arguments. Tables are CSV files (``,`` or ``;``, every column read as text);
selections are comma-separated and may use the wildcards ``*``, ``?``, ``!`` (not) and a leading ``-``
(remove). The result is written as CSV with R's columns and rows (strings quoted, as R's ``write.csv``);
R's warnings go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["accounts_command"]

_TABLES = ("data", "funksjonshierarki", "artshierarki", "data_saer", "artshierarki_nettinger",
           "artshierarki_nettinger_kasse", "stjernetabell", "formler")
_TABLE_HELP = {
    "data": "kasse accounts: [periode,] region, kontoklasse, funksjon, art, belop [, UUID].",
    "funksjonshierarki": "Function hierarchy: [periode,] to, from, sign (+/-).",
    "artshierarki": "Art hierarchy: [periode,] to, from, sign.",
    "data_saer": "Særbedrift accounts, as --data.",
    "artshierarki_nettinger": "Netting hierarchy for særbedrift–kasse transactions (from = COPY allowed).",
    "artshierarki_nettinger_kasse": "Netting hierarchy applied to the kasse data.",
    "stjernetabell": "Wildcard table: [periode,] region, kontoklasse, funksjon, art, sign.",
    "formler": "Correction formulas: [periode,] formel.",
}
_SELECTIONS = ("regioner", "funksjoner", "arter", "kontoklasser", "perioder", "regnskapsomfang")
_BOOL = click.Choice(["TRUE", "FALSE"], case_sensitive=False)


def _options(function: Any) -> Any:
    options = [click.option("--fun", type=click.Choice(["KostraRegnskap", "kostra_regnskap"]),
                            default="KostraRegnskap", show_default=True, help="The R function to reproduce.")]
    for name in _TABLES:
        options.append(click.option(f"--{name}", name, type=click.Path(path_type=Path, dir_okay=False),
                                    required=name in _TABLES[:3], help=_TABLE_HELP[name]))
    for name in _SELECTIONS:
        options.append(click.option(f"--{name}", name, metavar="CODES",
                                    help=f"Comma-separated {name} (wildcards * ? ! and -code allowed)."))
    options += [
        click.option("--output", "r_output", type=click.Choice(["standard", "fire"]), default="standard",
                     show_default=True, help="standard: regnskapsomfang A/B rows; fire: the five amount columns."),
        click.option("--bidrag", type=_BOOL, default=None,
                     help="Add the source column (contributing input rows). Default TRUE for kostra_regnskap."),
        click.option("--generer_id", "generer_id", type=_BOOL, default="TRUE", show_default=True,
                     help="kostra_regnskap: a new UUID per output row."),
        click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the CSV here instead of stdout."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command("accounts")
@_options
def accounts_command(fun: str, r_output: str, bidrag: str | None, generer_id: str, out_path: Path | None,
                     **arguments: Any) -> None:
    """KOSTRA accounts aggregates: konsern (A), kasse (B/C), nettinger (R kostraregnskap)."""
    from kostra.accounts.prepare import PeriodTables
    from kostra.accounts.rcompat import RunOptions, run
    from kostra.accounts.tables import read_csv
    from kostra.errors import UsageError

    tables = {name: read_csv(arguments[name]) if arguments[name] is not None else None for name in _TABLES}
    selections = {name: _split(arguments[name]) for name in _SELECTIONS}
    options = RunOptions(fun=fun, output=r_output, generer_id=generer_id.upper() == "TRUE",
                         bidrag=None if bidrag is None else bidrag.upper() == "TRUE", **selections)
    result = run(PeriodTables(**tables), options)  # type: ignore[arg-type]
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    text = result.frame.write_csv(quote_style="non_numeric", float_precision=None)
    if out_path is None:
        click.echo(text, nl=False)
        return
    try:
        out_path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {str(out_path)!r}: {error.strerror or error}") from error
    click.echo(f"wrote {result.frame.height} rows to {out_path}", err=True)


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]
