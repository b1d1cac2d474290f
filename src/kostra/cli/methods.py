"""``kostra methods``: Statistics Norway's R checks (Hb, ThError, Quartile) and the unit-error check.

Reads a CSV file (``,`` or ``;``, ``NA`` or empty for missing) and writes the R function's output
columns as CSV (numbers ``%.17g``, missing ``NA``) to stdout or ``--output``. R's warnings go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kostra.cli.output import format_option, render
from kostra.errors import UsageError

if TYPE_CHECKING:
    from kostra.controls.statistical.common import MethodResult

__all__ = ["methods"]

F = TypeVar("F", bound=Callable[..., Any])


def _common_options(function: F) -> F:
    """--input, --id, --strata and --output, shared by every method."""
    options = [
        click.option("--input", "input_path", type=click.Path(path_type=Path), required=True,
                     help="CSV file with one row per unit (',' or ';' separated; NA or empty = missing)."),
        click.option("--id", "id_column", required=True, help="Column identifying the unit, e.g. Region."),
        click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the result here instead of stdout."),
        format_option("csv", "table", "json", default="csv"),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _strata_option(function: F) -> F:
    option = click.option("--strata", "strata_column",
                          help="Column of strata (kept as text, sorted as text); the check runs per stratum.")
    return option(function)


@click.group()
def methods() -> None:
    """Outlier checks identical to Statistics Norway's R package Kostra (Hb, ThError, Quartile)."""


@methods.command("hb")
@_common_options
@click.option("--x1", required=True, help="Column with the value in period t (e.g. areal_381_eier_2015).")
@click.option("--x2", required=True, help="Column with the value in period t−1 (e.g. areal_381_eier_2014).")
@_strata_option
@click.option("--pU", "pU", type=float, default=0.5, show_default=True, help="Size exponent U, in [0, 1].")
@click.option("--pA", "pA", type=float, default=0.05, show_default=True, help="Spread floor A, in [0, 1].")
@click.option("--pC", "pC", type=float, default=20.0, show_default=True, help="Interval width C, ≥ 0.")
def hb_command(input_path: Path, id_column: str, output_path: Path | None, output_format: str, x1: str,
               x2: str, strata_column: str | None, pU: float, pA: float, pC: float) -> None:
    """Hidiroglou–Berthelot check of the change x2 → x1 (R Kostra::Hb)."""
    from kostra.controls.statistical.hb import hb

    frame = _read(input_path, id_column, strata_column, [x1, x2])
    _emit(hb(frame, id_column, x1, x2, pU=pU, pA=pA, pC=pC, strata=strata_column), output_path, output_format)


@methods.command("therror")
@_common_options
@click.option("--x1", required=True, help="Column with the value in period t.")
@click.option("--x2", required=True, help="Column with the value in period t−1.")
@click.option("--ll", type=float, default=-2.5, show_default=True,
              help="Lower limit of log10(x1/x2), in [−3, 0].")
@click.option("--ul", type=float, default=2.5, show_default=True,
              help="Upper limit of log10(x1/x2), in [0, 3].")
def therror_command(input_path: Path, id_column: str, output_path: Path | None, output_format: str, x1: str,
                    x2: str, ll: float, ul: float) -> None:
    """Thousand-error check: log10(x1) − log10(x2) outside [ll, ul] (R Kostra::ThError)."""
    from kostra.controls.statistical.therror import therror

    frame = _read(input_path, id_column, None, [x1, x2])
    _emit(therror(frame, id_column, x1, x2, ll=ll, ul=ul), output_path, output_format)


@methods.command("quartile")
@_common_options
@click.option("--x1", required=True, help="Numerator column in period t (e.g. areal_381_eier_2015).")
@click.option("--y1", required=True, help="Denominator column in period t (e.g. areal_381_leier_2015).")
@click.option("--x2", help="Numerator column in period t−1 (used only together with --y2).")
@click.option("--y2", help="Denominator column in period t−1 (used only together with --x2).")
@_strata_option
@click.option("--pKL", "pKL", type=float, default=1.5, show_default=True, help="Lower fence factor, ≥ 0.")
@click.option("--pKU", "pKU", type=float, default=1.5, show_default=True, help="Upper fence factor, ≥ 0.")
def quartile_command(input_path: Path, id_column: str, output_path: Path | None, output_format: str, x1: str,
                     y1: str, x2: str | None, y2: str | None, strata_column: str | None, pKL: float,
                     pKU: float) -> None:
    """Quartile fences on the ratio x1/y1 (R Kostra::Quartile)."""
    from kostra.controls.statistical.quartile import quartile

    numbers = [c for c in (x1, y1, x2, y2) if c is not None]
    frame = _read(input_path, id_column, strata_column, numbers)
    result = quartile(frame, id_column, x1, y1, x2, y2, strata=strata_column, pKL=pKL, pKU=pKU)
    _emit(result, output_path, output_format)


@methods.command("unit-error")
@_common_options
@click.option("--x1", required=True, help="Column with the value in period t.")
@click.option("--x2", required=True, help="Column with the value in period t−1.")
@click.option("--delta", type=float, default=0.5, show_default=True,
              help="Half-width of the window around log10 ratio k ∈ {±1, ±2, ±3}, in [0, 0.5].")
def unit_error_command(input_path: Path, id_column: str, output_path: Path | None, output_format: str,
                       x1: str, x2: str, delta: float) -> None:
    """Thousand and factor-10^k errors with a proposed correction x1 / 10^k (never applied)."""
    from kostra.controls.statistical.unit_error import unit_error

    frame = _read(input_path, id_column, None, [x1, x2])
    _emit(unit_error(frame, id_column, x1, x2, delta=delta), output_path, output_format)


def _read(path: Path, id_column: str, strata_column: str | None, numbers: list[str]) -> Any:
    from kostra.controls.statistical.csvio import read_method_csv

    texts = [id_column] + ([strata_column] if strata_column else [])
    return read_method_csv(path, texts, numbers)


def _emit(result: MethodResult, output_path: Path | None, output_format: str) -> None:
    """Write the frame; R's warnings and a one-line summary go to stderr."""
    from kostra.controls.statistical.csvio import format_csv

    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    frame = result.frame
    if output_format == "csv":
        text = format_csv(frame)
    else:
        text = render(frame.to_dicts(), output_format, columns=frame.columns) + "\n"
    flagged = frame.filter(frame["outlier"] == 1).height
    if output_path is None:
        click.echo(text, nl=False)
    else:
        try:
            output_path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {str(output_path)!r}: {error.strerror or error}") from error
        click.echo(f"wrote {frame.height} rows to {output_path}", err=True)
    click.echo(f"{flagged} of {frame.height} units flagged", err=True)


from kostra.cli.methods_suppress import suppress_command  # noqa: E402  (disclosure control, issue 13)

methods.add_command(suppress_command)
from kostra.cli.methods_accounts import accounts_command  # noqa: E402  (registered last, imports only click)

methods.add_command(accounts_command)
