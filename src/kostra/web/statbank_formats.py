"""The statbank's answers in JSON-stat 2.0, CSV, PX and XLSX, from one selection of a ``StatTable``.

A ``Selection`` is the table cut to the chosen codes of every dimension; its cells are in JSON-stat's
row-major order (the last dimension varies fastest), which PX's DATA keyword shares. A suppressed cell is
written as no number with the symbol ``:`` in every format (JSON-stat: ``null`` value and status ``:``).
These writers cover the statbank's query answers; the release's own export files are ``kostra.publish``'s.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Any

from kostra.web.i18n_types import Lang
from kostra.web.statbank_source import SYMBOLS, Cell, Dimension, StatTable

__all__ = ["FORMATS", "Selection", "metadata", "to_csv", "to_jsonstat", "to_px", "to_xlsx"]

FORMATS: dict[str, tuple[str, str]] = {  # outputFormat → (media type, file suffix)
    "json-stat2": ("application/json; charset=utf-8", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "px": ("application/octet-stream", "px"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True)
class Selection:
    """A table cut to ``codes`` (one list per dimension, in the dimension's order)."""

    table: StatTable
    codes: tuple[tuple[str, ...], ...]

    def combinations(self) -> list[tuple[str, ...]]:
        return list(itertools.product(*self.codes))

    def cells(self) -> list[Cell]:
        return [self.table.cell(combo) for combo in self.combinations()]

    def size(self) -> int:
        total = 1
        for codes in self.codes:
            total *= len(codes)
        return total

    def dimensions(self) -> list[tuple[Dimension, list[Any]]]:
        out = []
        for dim, codes in zip(self.table.dimensions, self.codes, strict=True):
            by_code = {v.code: v for v in dim.values}
            out.append((dim, [by_code[c] for c in codes]))
        return out


def _dimension_json(dim: Dimension, values: list[Any], lang: Lang, table: StatTable) -> dict[str, Any]:
    category: dict[str, Any] = {"index": {v.code: i for i, v in enumerate(values)},
                                "label": {v.code: v.text(lang) for v in values}}
    if dim.role == "metric":
        category["unit"] = {v.code: {"label": table.unit.get(lang, ""), "decimals": table.decimals}
                            for v in values}
    return {"label": dim.text(lang), "category": category}


def _roles(table: StatTable) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for dim in table.dimensions:
        if dim.role:
            roles.setdefault(dim.role, []).append(dim.code)
    return roles


def metadata(selection: Selection, lang: Lang) -> dict[str, Any]:
    """JSON-stat 2.0 dataset without values: what ``/tables/{id}/metadata`` answers."""
    table = selection.table
    dims = selection.dimensions()
    return {
        "version": "2.0", "class": "dataset", "label": table.text(lang), "source": table.source,
        "updated": table.release.published_at,
        "id": [d.code for d, _ in dims], "size": [len(v) for _, v in dims],
        "dimension": {d.code: _dimension_json(d, v, lang, table) for d, v in dims},
        "role": _roles(table),
        "extension": {"px": {"tableid": table.id, "language": lang, "decimals": table.decimals},
                      "release": {"id": table.release.release_id, "year": table.release.year,
                                  "kind": table.release.kind, "status": table.release.status()},
                      "symbols": {s: t[lang] for s, t in SYMBOLS.items()}},
    }


def to_jsonstat(selection: Selection, lang: Lang) -> dict[str, Any]:
    """The JSON-stat 2.0 dataset of ``selection``; a cell without a number is null with its symbol as status."""
    dataset = metadata(selection, lang)
    cells = selection.cells()
    dataset["value"] = [c.value for c in cells]
    status = {str(i): c.symbol for i, c in enumerate(cells) if c.symbol}
    if status:
        dataset["status"] = status
    return dataset


def _shown(cell: Cell, decimals: int) -> str:
    if cell.value is None:
        return cell.symbol or ".."
    return f"{cell.value:.{decimals}f}"


def to_csv(selection: Selection, lang: Lang) -> bytes:
    """One row per cell: every dimension's code and label, the value (empty when none) and the symbol."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    dims = selection.dimensions()
    header = [h for d, _ in dims for h in (d.code, d.text(lang))] + ["value", "symbol", "status"]
    writer.writerow(header)
    labels = [{v.code: v.text(lang) for v in values} for _, values in dims]
    for combo, cell in zip(selection.combinations(), selection.cells(), strict=True):
        row = [x for code, names in zip(combo, labels, strict=True) for x in (code, names[code])]
        value = "" if cell.value is None else f"{cell.value:.{selection.table.decimals}f}"
        writer.writerow([*row, value, cell.symbol or "", cell.status])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read æøå


def _px_text(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _px_list(items: list[str]) -> str:
    return ",".join(_px_text(i) for i in items)


def to_px(selection: Selection, lang: Lang) -> bytes:
    """A PX file (AXIS-VERSION 2013): every dimension but the last in STUB, the last in HEADING."""
    table = selection.table
    dims = selection.dimensions()
    names = [d.text(lang) for d, _ in dims]
    lines = [
        'CHARSET="ANSI";', 'AXIS-VERSION="2013";', 'CODEPAGE="utf-8";', f'LANGUAGE="{lang}";',
        f"MATRIX={_px_text(table.id)};", 'SUBJECT-CODE="KOSTRA";', 'SUBJECT-AREA="KOSTRA";',
        f"TITLE={_px_text(table.text(lang))};", f"CONTENTS={_px_text(table.text(lang))};",
        f"UNITS={_px_text(table.unit.get(lang) or '-')};", f"DECIMALS={table.decimals};",
        f"SHOWDECIMALS={table.decimals};", f"SOURCE={_px_text(table.source)};",
        f'LAST-UPDATED="{table.release.published_at[:16].replace("-", "").replace("T", " ")}";',
        f"STUB={_px_list(names[:-1])};" if len(names) > 1 else "",
        f"HEADING={_px_list(names[-1:])};",
    ]
    for (_dim, values), name in zip(dims, names, strict=True):
        lines.append(f"VALUES({_px_text(name)})={_px_list([v.text(lang) for v in values])};")
        lines.append(f"CODES({_px_text(name)})={_px_list([v.code for v in values])};")
    lines += ['DATASYMBOL1="..";', 'DATASYMBOL2=".";', 'DATASYMBOL3=":";', 'DATASYMBOLNIL="-";']
    width = len(dims[-1][1])
    cells = [_px_cell(c, table.decimals) for c in selection.cells()]
    rows = [" ".join(cells[i:i + width]) for i in range(0, len(cells), width)]
    lines.append("DATA=")
    lines.extend(rows)
    lines.append(";")
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


def _px_cell(cell: Cell, decimals: int) -> str:
    return _shown(cell, decimals) if cell.value is not None else f'"{cell.symbol or ".."}"'


def to_xlsx(selection: Selection, lang: Lang) -> bytes:
    """A workbook with one sheet: a header row and one row per cell (value empty when there is none)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = selection.table.id[:31]
    rows = list(csv.reader(io.StringIO(to_csv(selection, lang).decode("utf-8-sig")), delimiter=";"))
    value_at = rows[0].index("value")
    for i, row in enumerate(rows):
        cells: list[object] = list(row)
        if i and row[value_at]:
            cells[value_at] = float(row[value_at])
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
