"""Input tables of kostraregnskap, checked: data, hierarchies, stjernetabell and formulas.

Every table is a Polars frame of text columns with a ``name`` (its file) used in messages; ``line`` in a
message is the line of the file (the header is line 1). Amounts (``belop``) must be numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kostra.accounts.hierarchy import Hierarchy, HierarchyRow, parse_sign
from kostra.accounts.wildcards import StarRow
from kostra.errors import AccountsInputError

__all__ = ["DATA_COLUMNS", "Table", "data_frame", "formula_texts", "hierarchy", "read_csv", "star_rows"]

DATA_COLUMNS = ("region", "kontoklasse", "funksjon", "art", "belop")
STAR_VARIABLES = ("region", "kontoklasse", "funksjon", "art")


@dataclass(frozen=True)
class Table:
    name: str
    frame: pl.DataFrame  # every column text

    def periods(self) -> list[str] | None:
        if "periode" not in self.frame.columns:
            return None
        return sorted(self.frame.get_column("periode").str.strip_chars().unique().drop_nulls().to_list())

    def for_period(self, periode: str | None) -> Table:
        if periode is None or "periode" not in self.frame.columns:
            return self
        return Table(self.name, self.frame.filter(pl.col("periode").str.strip_chars() == periode))


def read_csv(path: Path) -> Table:
    """A CSV file (``,`` or ``;``) with every column read as text; a clear error when it cannot be read."""
    try:
        head = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    except OSError as error:
        raise AccountsInputError(f"cannot read the file: {error.strerror or error}", file=str(path)) from error
    except UnicodeDecodeError:
        raise AccountsInputError("the file is not UTF-8 text", file=str(path)) from None
    separator = ";" if head.count(";") > head.count(",") else ","
    try:
        frame = pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8-lossy",
                            truncate_ragged_lines=False)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise AccountsInputError(f"not a readable CSV table ({str(error).splitlines()[0]})", file=str(path)) \
            from None
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return Table(path.name, frame.with_columns(pl.all().fill_null("")))


def _require(table: Table, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.frame.columns]
    if missing:
        raise AccountsInputError(f"missing column(s) {', '.join(missing)}; the table needs {', '.join(columns)}",
                                 file=table.name, line=1)


def data_frame(table: Table) -> pl.DataFrame:
    """region, kontoklasse, funksjon, art (text), belop (number), id (the UUID column, when given), line
    (file line; without UUIDs rows are named ``<prefix>_row_<n>`` as in R). A belop that is no number is an
    error naming the line."""
    _require(table, DATA_COLUMNS)
    frame = table.frame.with_row_index("__i", offset=1)
    belop = frame.get_column("belop").str.strip_chars()
    numbers = belop.cast(pl.Float64, strict=False)
    if numbers.is_null().any():
        first = frame.filter(numbers.is_null()).row(0, named=True)
        raise AccountsInputError(f"belop {first['belop']!r} is not a number", file=table.name,
                                 line=int(first["__i"]) + 1)
    integral = bool((numbers == numbers.round(0)).all())
    return frame.select(
        *[pl.col(c).alias(c) for c in DATA_COLUMNS[:4]],
        (numbers.cast(pl.Int64) if integral else numbers).alias("belop"),
        *([pl.col("UUID").alias("id")] if "UUID" in frame.columns else []),
        (pl.col("__i") + 1).cast(pl.Int64).alias("line"),
    )


def hierarchy(table: Table) -> Hierarchy:
    """A ``to, from, sign`` table (``periode`` optional)."""
    _require(table, ("to", "from", "sign"))
    frame = table.frame
    has_periode = "periode" in frame.columns
    rows = []
    periods = frame.get_column("periode").str.strip_chars().to_list() if has_periode else [None] * frame.height
    for i, (to, from_, sign, periode) in enumerate(zip(frame.get_column("to").to_list(),
                                                      frame.get_column("from").to_list(),
                                                      frame.get_column("sign").to_list(), periods, strict=True)):
        line = i + 2
        if not to.strip() or not from_.strip():
            raise AccountsInputError("empty 'to' or 'from' code", file=table.name, line=line)
        rows.append(HierarchyRow(to, from_, parse_sign(sign, file=table.name, line=line), line, periode,
                                 sign.strip()))
    # R dedupes on the first three columns; with periode first that is (periode, to, from).
    first_is_periode = has_periode and frame.columns[0] == "periode"
    return Hierarchy(table.name, tuple(rows), has_periode=first_is_periode)


def star_rows(table: Table) -> list[StarRow]:
    """The stjernetabell: pattern columns of region, kontoklasse, funksjon, art (any subset) and sign."""
    _require(table, ("sign",))
    variables = [v for v in STAR_VARIABLES if v in table.frame.columns]
    rows = []
    for i, row in enumerate(table.frame.iter_rows(named=True)):
        sign = row["sign"].strip()
        if sign not in ("+", "-"):
            raise AccountsInputError(f"sign {sign!r} is not '+' or '-'", file=table.name, line=i + 2)
        rows.append(StarRow({v: row[v].strip() for v in variables}, sign == "+", i + 2))
    return rows


def formula_texts(table: Table) -> list[tuple[str, int]]:
    _require(table, ("formel",))
    return [(text, i + 2) for i, text in enumerate(table.frame.get_column("formel").to_list()) if text.strip()]
