"""``kostra methods suppress``: disclosure control as Statistics Norway's R package GaussSuppression.

Arguments are spelled as in R (``--freqVar``, ``--maxN``, ``--hierarchies region=h.csv``). The CSV written
has R's output cells, columns and row order, with ``primary`` and ``suppressed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kostra.cli.output import format_option, render
from kostra.errors import UsageError

__all__ = ["suppress_command"]

FUNS = ["GaussSuppressionFromData", "SuppressSmallCounts", "SuppressDominantCells", "SuppressFewContributors"]


def _logical(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    text = value.strip().upper()
    if text in ("TRUE", "T"):
        return True
    if text in ("FALSE", "F"):
        return False
    raise UsageError(f"--{name}: {value!r} is not TRUE or FALSE")


def _numbers(value: str | None, name: str, kind: type) -> tuple[Any, ...]:
    if not value:
        return ()
    try:
        if ":" in value and kind is int:
            a, b = value.split(":")
            return tuple(range(int(a), int(b) + 1))
        return tuple(kind(v) for v in value.split(","))
    except ValueError:
        raise UsageError(f"--{name}: {value!r} is not a comma-separated list of numbers (e.g. 1,2)") from None


def _hierarchies(values: tuple[str, ...]) -> dict[str, Any] | None:
    from kostra.disclosure.hierarchy import Hierarchy, Link
    from kostra.disclosure.inputs import read_hierarchy_file

    if not values:
        return None
    out: dict[str, Any] = {}
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not name or not target:
            raise UsageError(f"--hierarchies: {value!r}; expected VAR=FILE or VAR=Total")
        path = Path(target)
        if path.suffix.lower() == ".csv" or path.exists():
            out[name] = Hierarchy(tuple(Link(c, p, s) for c, p, s in read_hierarchy_file(path)), str(path))
        else:
            out[name] = target
    return out


def _read_data(path: Path) -> Any:
    import polars as pl

    from kostra.disclosure.inputs import TableInputError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TableInputError(f"{path}: cannot read the data file ({error.strerror})") from error
    first = text.partition("\n")[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    try:
        return pl.read_csv(text.encode(), separator=separator, infer_schema=False, null_values=["NA"])
    except pl.exceptions.PolarsError as error:
        raise TableInputError(f"{path}: not a readable CSV file ({str(error).splitlines()[0]})") from error


@click.command("suppress")
@click.option("--fun", type=click.Choice(FUNS), default="GaussSuppressionFromData", show_default=True,
              help="The R function to reproduce.")
@click.option("--data", "data_path", type=click.Path(path_type=Path), required=True,
              help="CSV with one row per inner cell or contribution (codes are read as text).")
@click.option("--hierarchies", multiple=True, metavar="VAR=FILE|VAR=Total",
              help="A dimension and its hierarchy: a to-from CSV (mapsFrom, mapsTo, sign) or a total code. "
              "Repeatable.")
@click.option("--dimVar", "dim_var",
              help="Dimension columns, comma-separated; nested columns are found (FindDimLists).")
@click.option("--formula", help="Model formula, e.g. '~a*b + c' (cells of the terms only).")
@click.option("--freqVar", "freq_var", help="Column of counts (without it each row counts 1).")
@click.option("--numVar", "num_var", help="Column(s) of values, comma-separated; the first is used by the rules.")
@click.option("--contributorVar", "contributor_var", help="Column identifying the contributor, e.g. orgnr.")
@click.option("--maxN", "max_n", type=int, help="Counts (or contributors) up to this are primary. Default 3.")
@click.option("--protectZeros", "protect_zeros", help="TRUE|FALSE: zero cells are primary too.")
@click.option("--secondaryZeros", "secondary_zeros", default="FALSE", show_default=True,
              help="TRUE|FALSE: zero cells may be secondary suppressed.")
@click.option("--extend0",
              help="TRUE|FALSE: add missing combinations as zeros (default TRUE for SuppressSmallCounts).")
@click.option("--removeEmpty", "remove_empty",
              help="TRUE|FALSE: drop cells without inner cells (default TRUE with a formula).")
@click.option("--n", "n_text", help="Dominance rule n values, e.g. 1,2 (default 1, 2, … as many as --k).")
@click.option("--k", "k_text", help="Dominance rule k values (percent), e.g. 65,85.")
@click.option("--pPercent", "p_percent", type=float, help="p % rule: primary if X − c1 − c2 < p/100 · c1.")
@click.option("--allDominance", "all_dominance", default="FALSE", help="TRUE|FALSE: add the dominance diagnostics.")
@click.option("--primary", "primary_text",
              help="Rules for GaussSuppressionFromData, e.g. DominanceRule,NContributorsRule.")
@click.option("--audit", "run_audit", is_flag=True, help="Prove by linear programming that no suppressed cell can "
              "be derived exactly; print each suppressed cell's interval to stderr.")
@click.option("--table", "table_name", help="A table definition (definitions/<year>/tables, e.g. "
              "helse_omsorg_brukere): its dimensions, hierarchies and rules replace the arguments above.")
@click.option("--year", type=int, help="Year of --table's definition and region hierarchy.")
@click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the result here instead of stdout.")
@format_option("csv", "table", "json", default="csv")
def suppress_command(fun: str, data_path: Path, hierarchies: tuple[str, ...], dim_var: str | None,
                     formula: str | None, freq_var: str | None, num_var: str | None, contributor_var: str | None,
                     max_n: int | None, protect_zeros: str | None, secondary_zeros: str, extend0: str | None,
                     remove_empty: str | None, n_text: str | None, k_text: str | None, p_percent: float | None,
                     all_dominance: str, primary_text: str | None, run_audit: bool, table_name: str | None,
                     year: int | None, output_path: Path | None, output_format: str) -> None:
    """Primary and secondary suppression (prikking) identical to GaussSuppression (R).

    The CSV (the default format) is R's output: its cells, columns and row order, with primary and suppressed.
    """
    from kostra.disclosure.suppress import Fun, PrimaryRule, SuppressionSpec

    if table_name:
        _run(_defined_spec(table_name, year), data_path, run_audit, output_path, output_format)
        return
    try:
        rules = tuple(PrimaryRule(r.strip()) for r in primary_text.split(",")) if primary_text else ()
    except ValueError:
        raise UsageError(f"--primary: {primary_text!r}; expected PrimaryDefault, DominanceRule or "
                         "NContributorsRule, comma-separated") from None
    n, k = _numbers(n_text, "n", int), _numbers(k_text, "k", float)
    if fun == "SuppressDominantCells" and not k and p_percent is None:
        raise UsageError("SuppressDominantCells needs --k (and --n, default 1, 2, … as many as k), or --pPercent")
    spec = SuppressionSpec(
        fun=Fun(fun), hierarchies=_hierarchies(hierarchies),
        dim_var=[v.strip() for v in dim_var.split(",")] if dim_var else None, formula=formula,
        freq_var=freq_var, num_var=tuple(v.strip() for v in num_var.split(",")) if num_var else (),
        contributor_var=contributor_var, max_n=max_n, protect_zeros=_logical(protect_zeros, "protectZeros"),
        secondary_zeros=bool(_logical(secondary_zeros, "secondaryZeros")), extend0=_logical(extend0, "extend0"),
        remove_empty=_logical(remove_empty, "removeEmpty"), n=n, k=k, p_percent=p_percent,
        all_dominance=bool(_logical(all_dominance, "allDominance")), primary=rules)
    _run(spec, data_path, run_audit, output_path, output_format)


def _progress(step: str) -> Any:
    """Progress on stderr when it is a terminal (candidates or cells done), else nothing."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{step}: {done}/{total}", err=True, nl=False)

    return show


def _end_progress() -> None:
    import sys

    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)


def _defined_spec(name: str, year: int | None) -> Any:
    from kostra.catalog.tables import load_tables
    from kostra.disclosure.defined import spec_of_definition

    if year is None:
        raise UsageError("--table needs --year (the year of the definition and of the region hierarchy)")
    tables = load_tables(year)
    if name not in tables:
        known = ", ".join(sorted(tables)) or "none"
        raise UsageError(f"--table {name!r}: no such table definition in {year}; the tables are {known}")
    return spec_of_definition(tables[name], year)


def _run(spec: Any, data_path: Path, run_audit: bool, output_path: Path | None, output_format: str) -> None:
    from kostra.disclosure.output import format_csv
    from kostra.disclosure.suppress import suppress

    result = suppress(_read_data(data_path), spec, source=str(data_path), progress=_progress("elimination"))
    _end_progress()
    if output_format == "csv":
        text = format_csv(result.cells)
    else:
        text = render(result.cells.to_dicts(), output_format, columns=result.cells.columns) + "\n"
    if output_path is None:
        click.echo(text, nl=False)
    else:
        try:
            output_path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {str(output_path)!r}: {error.strerror or error}") from error
    primary = int(result.primary.sum())
    secondary = int((result.suppressed & ~result.primary).sum())
    click.echo(f"{result.cells.height} cells: {primary} primary, {secondary} secondary suppressed", err=True)
    if run_audit:
        _print_audit(result, spec)


def _print_audit(result: Any, spec: Any) -> None:
    from kostra.disclosure.audit import audit

    report = audit(result, n=tuple(spec.n), k=tuple(spec.k), progress=_progress("audit"))
    _end_progress()
    columns = result.table.model.columns
    click.echo("audit: cell, value, feasible interval, kind, protection", err=True)
    for interval in report.intervals:
        codes = ", ".join(f"{c}={v}" for c, v in zip(columns, result.table.model.cells[interval.cell], strict=True))
        kind = "primary" if interval.primary else "secondary"
        status = "EXACT" if interval.exact else ("ok" if interval.protected else
                                                 f"below the required {interval.required:g}")
        click.echo(f"  {codes}: {interval.value:g} in [{interval.lower:g}, {interval.upper:g}] {kind} {status}",
                   err=True)
    if not report.passed:
        raise UsageError(f"audit failed: {len(report.exact_cells)} suppressed cell(s) can be derived exactly")
    verdict = "all suppressed cells protected" if report.protected else "some cells below the rule's protection"
    click.echo(f"audit passed: no suppressed cell can be derived exactly; {verdict}", err=True)
    if not report.protected:
        raise click.exceptions.Exit(1)
