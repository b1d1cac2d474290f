"""XLSX workbooks through XlsxWriter: sheets of rows of text and numbers, one number format on one column.

XlsxWriter streams each row to the sheet (``constant_memory``), so a full release's workbooks cost a fraction
of what openpyxl's object per cell did (4.7 s of CPU for one release); openpyxl reads them back in the tests.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

import xlsxwriter

__all__ = ["xlsx_bytes"]

Row = Sequence[object]


def xlsx_bytes(sheets: Sequence[tuple[str, Iterable[Row], int | None]], number_format: str) -> bytes:
    """A workbook of ``sheets`` (name, rows, the column whose numbers get ``number_format`` or None).

    Empty texts, ``None`` and non-finite numbers are left as empty cells (a suppressed value is a symbol in
    its own column, never a number)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True,
                                            "strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    styled = workbook.add_format({"num_format": number_format})
    for name, rows, number_column in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, styled if c == number_column else None)
    workbook.close()
    return buffer.getvalue()


def _write(sheet: xlsxwriter.worksheet.Worksheet, row: int, column: int, value: object,
           style: xlsxwriter.format.Format | None) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            sheet.write_number(row, column, value, style)
    else:  # a text is always a text: "0301" stays "0301", "=1+1" is not a formula
        sheet.write_string(row, column, str(value))
