"""CSV and XLSX: one row per cell with each dimension's code and label, the value, its symbol and status."""

from __future__ import annotations

import csv
import io

from kostra.publish.formats.common import check_lang, number_texts, rounded_values
from kostra.publish.formats.xlsx import xlsx_bytes
from kostra.publish.model import SYMBOLS, PublishedTable

__all__ = ["to_csv", "to_xlsx"]


def _header(table: PublishedTable, lang: str) -> list[str]:
    columns = []
    for dim in table.dimensions:
        columns += [dim.name, f"{dim.name}_label"]
    return [*columns, "value", "symbol", "status"]


def _code_columns(table: PublishedTable, lang: str) -> list[list[str]]:
    """Each dimension's codes and labels, column by column."""
    columns = []
    for dim in table.dimensions:
        codes = table.frame[dim.name].to_list()
        labels = {code: dim.code_label(code, lang) for code in dim.codes}
        columns += [codes, [labels.get(c, c) for c in codes]]
    return columns


def _rows(table: PublishedTable, lang: str, values: list[object]) -> list[list[object]]:
    """One row per cell: codes and labels, ``values`` (numbers or their texts), symbol, status."""
    columns = [*_code_columns(table, lang), values, table.frame["symbol"].to_list(), table.frame["status"].to_list()]
    return [list(row) for row in zip(*columns, strict=True)]


def to_csv(table: PublishedTable, lang: str = "nb") -> str:
    """RFC 4180 CSV (comma, a header row, UTF-8); an empty value where the symbol is ``..``, ``.`` or ``:``."""
    check_lang(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(table, lang))
    writer.writerows(_rows(table, lang, number_texts(table.frame["value"].to_list(), table.decimals)))
    return buffer.getvalue()


def to_xlsx(table: PublishedTable, lang: str = "nb") -> bytes:
    """An Excel workbook: the cells (numbers as numbers, the symbol in its own column) and a sheet explaining
    the symbols and the release."""
    check_lang(lang)
    header = _header(table, lang)
    data = [[table.title[lang]], header,
            *_rows(table, lang, rounded_values(table.frame["value"].to_list(), table.decimals))]
    about = [["table", table.id], ["release", table.release_id, table.release_kind], ["unit", table.unit[lang]],
             ["source", table.source[lang]], *([symbol, text[lang]] for symbol, text in SYMBOLS.items())]
    number_format = "0" if table.decimals == 0 else "0." + "0" * table.decimals
    return xlsx_bytes([("data", data, len(header) - 3), ("about", about, None)], number_format)
