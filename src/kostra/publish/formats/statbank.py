"""Statistics Norway's statbank delivery files (the shape dapla-statbank-client transfers, ssb-stack.md §4):
per table a "deltabell" file of positional columns, semicolon-separated, no header, CRLF: the classification
columns (region, year), then per contents variable its value (decimal comma, half-up to the stored decimals,
empty when not published) followed by its suppression-code column; and an extract description
(``uttrekksbeskrivelse.json``) naming every column, the code lists and the suppression codes."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import polars as pl

from kostra.publish.formats.common import number_texts
from kostra.publish.model import PublishedTable

__all__ = ["SUPPRESSION_CODES", "statbank_zip", "to_statbank_files"]

# suppression code → (shown as, description); an empty code is a published value
SUPPRESSION_CODES: dict[str, tuple[str, str]] = {
    "1": ("..", "Manglende data"),
    "2": (".", "Tall kan ikke forekomme"),
    "3": (":", "Vises ikke av konfidensialitetshensyn"),
    "4": ("-", "Null"),
}
_CODE_OF = {shown: code for code, (shown, _) in SUPPRESSION_CODES.items()}


def _description(table: PublishedTable, filename: str, metric: str, classes: list[str]) -> dict[str, Any]:
    variables = [{"kolonnenummer": str(i + 1), "Klassifikasjonsvariabel": name,
                  "Variabeltext": table.dimension(name).label["nb"], "Kodeliste_id": f"{table.id}_{name}",
                  "Kodeliste_text": table.dimension(name).label["nb"]} for i, name in enumerate(classes)]
    statistics, suppression = [], []
    contents = table.dimension(metric)
    for k, code in enumerate(contents.codes):
        value_column = len(classes) + 2 * k + 1
        statistics.append({"kolonnenummer": str(value_column), "Text": contents.code_label(code, "nb"),
                           "Enhet": table.unit["nb"], "Antall_lagrede_desimaler": str(table.decimals),
                           "Antall_viste_desimaler": str(table.decimals)})
        suppression.append({"kolonnenummer": str(value_column + 1), "gjelder_for__kolonner_nummer": str(value_column)})
    codelists = {f"{table.id}_{name}": {"koder": {c: table.dimension(name).code_label(c, "nb")
                                                  for c in table.dimension(name).codes}}
                 for name in classes}
    return {"tablename": table.id, "subtables": {filename: table.title["nb"]},
            "variables": {filename: {"variabler": variables, "statistikkvariabler": statistics,
                                     "null_prikk_missing": suppression}},
            "codelists": codelists,
            "suppression": [{"Kode": c, "Vises_som": s, "Beskrivelse": d} for c, (s, d) in SUPPRESSION_CODES.items()]}


def to_statbank_files(table: PublishedTable) -> dict[str, str]:
    """``{deltabell file name: content, "uttrekksbeskrivelse.json": description}``."""
    metric = next(d.name for d in table.dimensions if d.role == "metric")
    classes = [d.name for d in table.dimensions if d.role != "metric"]
    filename = f"{table.id}1.dat"
    frame = table.frame
    keys = zip(*(frame[c].cast(pl.String).to_list() for c in classes), strict=True)
    texts = number_texts(frame["value"].to_list(), table.decimals, comma=True)
    by_key: dict[tuple[str, ...], dict[str, tuple[str, str]]] = {}
    for key, code, text, symbol in zip(keys, frame[metric].cast(pl.String).to_list(), texts,
                                       frame["symbol"].to_list(), strict=True):
        by_key.setdefault(key, {})[code] = (text, symbol)
    lines = []
    for key, cells in by_key.items():
        columns = list(key)
        for code in table.dimension(metric).codes:
            text, symbol = cells[code]
            columns += ["" if symbol in ("..", ".", ":") else text, _CODE_OF.get(symbol, "")]
        lines.append(";".join(columns))
    description = _description(table, filename, metric, classes)
    return {filename: "\r\n".join(lines) + "\r\n",
            "uttrekksbeskrivelse.json": json.dumps(description, ensure_ascii=False, indent=2)}


def statbank_zip(table: PublishedTable) -> bytes:
    """The statbank files of a table in one zip (for a download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in to_statbank_files(table).items():
            archive.writestr(name, content)
    return buffer.getvalue()
