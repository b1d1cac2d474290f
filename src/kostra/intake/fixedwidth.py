"""Fast reading of fixed-width KOSTRA files into a Polars frame, one string column per layout field.

The bytes are split into lines and validated as UTF-8 by Polars (anything else is decoded as ISO-8859-1,
which never fails), and the columns are cut with vectorised ``str.slice``: no Python object per record.
As in the official program, ``\\r`` line ends are accepted and empty lines are dropped, but every record
keeps its original 1-based line number in column ``line``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kostra.intake.layouts import Layout

__all__ = ["LINE_COLUMN", "TEXT_COLUMN", "SourceLines", "decode", "parse_records", "read_lines"]

LINE_COLUMN = "line"
TEXT_COLUMN = "text"


@dataclass(frozen=True, slots=True)
class SourceLines:
    """The non-empty lines of a file: ``frame`` has ``text`` (Utf8, without line end) and ``line`` (Int64).

    ``content`` is the decoded text only for tiny files (Kontroll 000 looks for a lone space); the lines of
    a large file are not kept twice.
    """

    frame: pl.DataFrame
    encoding: str
    content: str

    @property
    def count(self) -> int:
        return self.frame.height


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 when valid (a leading BOM is dropped), else ISO-8859-1.

    Returns ``(text, encoding_name)``. Never raises: every byte string is valid ISO-8859-1.
    Example: ``decode("Ås".encode("latin-1")) == ("Ås", "ISO-8859-1")``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"
    return text.removeprefix("\ufeff"), "UTF-8"


def read_lines(data: bytes) -> SourceLines:
    """Split file bytes into the non-empty lines with their original line numbers.

    Valid UTF-8 is split as bytes and validated by Polars (no decoded copy of the whole file is built);
    only other files are decoded as ISO-8859-1 first.
    """
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if len(data) <= 16 + bom:  # tiny files: Kontroll 000 needs the decoded text
        text, encoding = decode(data)
        if not text:
            empty = pl.DataFrame(schema={TEXT_COLUMN: pl.Utf8, LINE_COLUMN: pl.Int64})
            return SourceLines(empty, encoding, text)
        return SourceLines(_frame(_split_text(text), "\r" in text), encoding, text)
    try:
        lines = _split_bytes(data, bom).cast(pl.Utf8)
    except pl.exceptions.PolarsError:  # not valid UTF-8
        text = data.decode("latin-1")
        return SourceLines(_frame(_split_text(text), "\r" in text), "ISO-8859-1", "")
    return SourceLines(_frame(lines, b"\r" in data), "UTF-8", "")


def _frame(lines: pl.Series, has_cr: bool) -> pl.DataFrame:
    """The lines frame: ``\\r`` line ends stripped, numbered from 1, empty lines dropped.

    Columns are only rewritten when needed (a line end ``\\r``, an empty line), to keep one copy in memory.
    """
    frame = pl.DataFrame({TEXT_COLUMN: lines}).with_row_index(LINE_COLUMN, offset=1)
    frame = frame.select(
        pl.col(TEXT_COLUMN).str.strip_suffix("\r") if has_cr else pl.col(TEXT_COLUMN),
        pl.col(LINE_COLUMN).cast(pl.Int64),
    )
    empty = frame[TEXT_COLUMN].str.len_bytes() == 0
    empties = empty.sum()
    if empties == 1 and empty[-1]:  # only the end of the last line: a slice, not a copy
        return frame.head(frame.height - 1)
    if empties:
        frame = frame.filter(~empty)
    return frame


def _split_text(text: str) -> pl.Series:
    return pl.concat([pl.Series(TEXT_COLUMN, chunk.split("\n"), dtype=pl.Utf8) for chunk in _chunks(text)])


def _split_bytes(data: bytes, start: int, size: int = 1 << 22) -> pl.Series:
    """The lines of ``data[start:]`` as a Binary series, split piecewise (as :func:`_chunks`)."""
    pieces: list[pl.Series] = []
    while True:
        end = data.find(b"\n", start + size)
        if end < 0:
            pieces.append(pl.Series(TEXT_COLUMN, data[start:].split(b"\n"), dtype=pl.Binary))
            break
        pieces.append(pl.Series(TEXT_COLUMN, data[start:end].split(b"\n"), dtype=pl.Binary))
        start = end + 1
    return pl.concat(pieces, rechunk=False)


def _chunks(text: str, size: int = 1 << 22) -> list[str]:
    """``text`` cut after line ends into pieces of about ``size`` characters.

    CPython's ``str.split`` beats Polars' split + explode of one huge string, and splitting piecewise keeps
    the temporary Python strings of only one piece alive at a time.
    """
    pieces, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        if end < 0:
            pieces.append(text[start:])
            break
        pieces.append(text[start:end])
        start = end + 1
    return pieces or [""]


def parse_records(lines: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """Cut every line into the layout's fields: one raw (untrimmed) Utf8 column per field, plus ``line``.

    Lines are expected to have the layout's length (Kontroll 001 runs first); shorter lines give
    shorter or empty values rather than errors.
    """
    return lines.select(*_field_columns(layout), pl.col(LINE_COLUMN))


# Built once per layout: for a small file, building ≈ 80 slice expressions costs more than running them.
_COLUMNS: dict[int, tuple[Layout, list[pl.Expr]]] = {}


def _field_columns(layout: Layout) -> list[pl.Expr]:
    """The expressions that cut the layout's fields from the line (cached; the entry keeps ``layout`` alive)."""
    cached = _COLUMNS.get(id(layout))
    if cached is None or cached[0] is not layout:
        columns = [pl.col(TEXT_COLUMN).str.slice(field.start, field.size).alias(field.name) for field in layout.fields]
        cached = (layout, columns)
        _COLUMNS[id(layout)] = cached
    return cached[1]
