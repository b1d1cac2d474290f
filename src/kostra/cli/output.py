"""Shared options and renderers for commands that print data (``--format table|csv|json``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import click

__all__ = ["format_option", "render", "year_option"]

F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """The ``--format`` option, defined once for every data-printing command."""
    values = choices or ("table", "csv", "json")
    return click.option(
        "--format", "output_format", type=click.Choice(values), default=default, show_default=True,
        help="Output format.",
    )


def year_option(required: bool = True, help_text: str = "Reporting or statistics year.") -> Callable[[F], F]:
    """The ``--year`` option shared by all commands."""
    return click.option("--year", type=int, required=required, help=help_text)


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def render(rows: Sequence[Mapping[str, object]], output_format: str,
           columns: Sequence[str] | None = None) -> str:
    """Render rows as an aligned text table, CSV or JSON (a list of objects)."""
    cols = list(columns) if columns is not None else (list(rows[0].keys()) if rows else [])
    if output_format == "json":
        return json.dumps([{c: _plain(row.get(c)) for c in cols} for row in rows],
                          ensure_ascii=False, indent=2)
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows([[_cell(row.get(c)) for c in cols] for row in rows])
        return buffer.getvalue().rstrip("\n")
    return _table(cols, ([_cell(row.get(c)) for c in cols] for row in rows))


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(_plain(value))


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    body = [list(r) for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if _numeric(cell) else cell.ljust(w) for cell, w in zip(cells, widths, strict=True)
        ).rstrip()

    parts = [line(columns), "  ".join("-" * w for w in widths)]
    parts.extend(line(r) for r in body)
    return "\n".join(parts)


def _numeric(text: str) -> bool:
    return text.replace("-", "", 1).replace(".", "", 1).isdigit()
