"""CSV and XLSX: one row per cell with each dimension's code and label, the value, its symbol and status."""

from __future__ import annotations

import csv
import io

from kostra.publish.formats.common import check_lang, number_text, rounded
from kostra.publish.model import SYMBOLS, PublishedTable

__all__ = ["to_csv", "to_xlsx"]


def _header(table: PublishedTable, lang: str) -> list[str]:
    columns = []
    for dim in table.dimensions:
        columns += [dim.name, f"{dim.name}_label"]
    return [*columns, "value", "symbol", "status"]


def _rows(table: PublishedTable, lang: str) -> list[list[object]]:
    names = table.dimension_names
    out = []
    for row in table.frame.iter_rows(named=True):
        cells: list[object] = []
        for name in names:
            cells += [row[name], table.dimension(name).code_label(row[name], lang)]
        out.append([*cells, rounded(row["value"], table.decimals), row["symbol"], row["status"]])
    return out


def to_csv(table: PublishedTable, lang: str = "nb") -> str:
    """RFC 4180 CSV (comma, a header row, UTF-8); an empty value where the symbol is ``..``, ``.`` or ``:``."""
    check_lang(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(table, lang))
    for row in _rows(table, lang):
        value = row[-3]
        row[-3] = number_text(value, table.decimals) if value is not None else ""  # type: ignore[arg-type]
        writer.writerow(row)
    return buffer.getvalue()


def to_xlsx(table: PublishedTable, lang: str = "nb") -> bytes:
    """An Excel workbook: the cells (numbers as numbers, the symbol in its own column) and a sheet explaining
    the symbols and the release."""
    from openpyxl import Workbook

    check_lang(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([table.title[lang]])
    sheet.append(_header(table, lang))
    number_format = "0" if table.decimals == 0 else "0." + "0" * table.decimals
    for row in _rows(table, lang):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=len(row) - 2).number_format = number_format
    about = book.create_sheet("about")
    about.append(["table", table.id])
    about.append(["release", table.release_id, table.release_kind])
    about.append(["unit", table.unit[lang]])
    about.append(["source", table.source[lang]])
    for symbol, text in SYMBOLS.items():
        about.append([symbol, text[lang]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
