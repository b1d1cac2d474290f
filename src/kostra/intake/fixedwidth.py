"""Fast reading of fixed-width KOSTRA files into a Polars frame, one string column per layout field.

The bytes are decoded once (valid UTF-8 → UTF-8, anything else → ISO-8859-1, which never fails), split into
lines by Polars, and the columns are cut with vectorised ``str.slice``: no Python object per record.
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
    """Split file bytes into the non-empty lines with their original line numbers."""
    text, encoding = decode(data)
    if not text:
        empty = pl.DataFrame(schema={TEXT_COLUMN: pl.Utf8, LINE_COLUMN: pl.Int64})
        return SourceLines(empty, encoding, text)
    lines = pl.concat([pl.Series(TEXT_COLUMN, chunk.split("\n"), dtype=pl.Utf8) for chunk in _chunks(text)])
    frame = (
        pl.DataFrame({TEXT_COLUMN: lines})
        .with_row_index(LINE_COLUMN, offset=1)
        .select(
            pl.col(TEXT_COLUMN).str.strip_suffix("\r"),
            pl.col(LINE_COLUMN).cast(pl.Int64),
        )
        .filter(pl.col(TEXT_COLUMN).str.len_bytes() > 0)
    )
    return SourceLines(frame, encoding, text if len(text) <= 16 else "")


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
    columns = [
        pl.col(TEXT_COLUMN).str.slice(field.start, field.size).alias(field.name) for field in layout.fields
    ]
    return lines.select(*columns, pl.col(LINE_COLUMN))
