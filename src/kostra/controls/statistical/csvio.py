"""Reading input CSV files and writing results the way R's ``write.csv`` did for the oracle files."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from kostra.errors import UsageError

__all__ = ["format_csv", "read_method_csv", "sniff_delimiter"]

MISSING = frozenset({"", "NA"})


def sniff_delimiter(header_line: str) -> str:
    """``;`` when the header has more semicolons than commas, else ``,``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_method_csv(path: Path, text_columns: Iterable[str], number_columns: Iterable[str]) -> pl.DataFrame:
    """Read the named columns of a CSV file: text columns as strings, number columns as Float64.

    ``NA`` and empty cells are missing. With ``;`` as delimiter a decimal comma is accepted.
    Raises ``UsageError`` naming the file, column, line and value on anything unreadable.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"cannot read input file {str(path)!r}: {error.strerror or error}") from error
    lines = text.splitlines()
    if not lines:
        raise UsageError(f"input file {str(path)!r} is empty: expected a header line with column names")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    records = list(reader)
    wanted_text, wanted_numbers = list(dict.fromkeys(text_columns)), list(dict.fromkeys(number_columns))
    for name in wanted_text + wanted_numbers:
        if name not in header:
            available = ", ".join(header)
            raise UsageError(f"column {name!r} not found in {str(path)!r}; available columns: {available}")
    columns: dict[str, pl.Series] = {}
    for name in wanted_text:
        position = header.index(name)
        columns[name] = pl.Series(name, [_text(r, position) for r in records], dtype=pl.String)
    for name in wanted_numbers:
        position = header.index(name)
        values = [_number(r, position, name, line, path, delimiter)
                  for line, r in enumerate(records, start=2)]
        columns[name] = pl.Series(name, values, dtype=pl.Float64)
    return pl.DataFrame(list(columns.values()))


def _text(record: Sequence[str], position: int) -> str | None:
    value = record[position].strip() if position < len(record) else ""
    return None if value in MISSING else value


def _number(record: Sequence[str], position: int, name: str, line: int, path: Path,
            delimiter: str) -> float | None:
    raw = record[position].strip() if position < len(record) else ""
    if raw in MISSING:
        return None
    candidate = raw.replace(",", ".") if delimiter == ";" else raw
    try:
        return float(candidate)
    except ValueError:
        raise UsageError(
            f"{str(path)!r} line {line}, column {name!r}: {raw!r} is not a number "
            "(expected e.g. 1234 or 12.5, "
            "or NA/empty for missing)"
        ) from None


def format_csv(frame: pl.DataFrame) -> str:
    """CSV as R's ``write.csv(row.names = FALSE)``: quoted header and text, numbers ``%.17g``, ``NA``."""
    lines = [",".join(_quote(name) for name in frame.columns)]
    text_columns = {name for name, dtype in frame.schema.items() if dtype == pl.String}
    for row in frame.iter_rows():
        cells = [_cell(value, name in text_columns) for name, value in zip(frame.columns, row, strict=True)]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: object, is_text: bool) -> str:
    if value is None:
        return "NA"
    if is_text:
        return _quote(str(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
    return "%.17g" % value  # noqa: UP031 - R's sprintf format, kept literally
