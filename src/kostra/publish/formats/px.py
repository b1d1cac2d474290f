"""PX (PC-Axis, AXIS-VERSION 2013): keywords, the stub and heading variables with their values and codes, and
the data in cube order (the stub's combinations as rows, the heading's as columns). Symbols are dot codes:
``"."`` (DATASYMBOL1), ``".."`` (DATASYMBOL2), ``"..."`` shown as ``:`` (DATASYMBOL3) and ``"-"``
(DATASYMBOLNIL)."""

from __future__ import annotations

from kostra.publish.formats.common import check_lang, number_texts
from kostra.publish.model import PublishedTable

__all__ = ["to_px"]

_DOTS = {".": '"."', "..": '".."', ":": '"..."', "-": '"-"'}
_PX_LANGUAGE = {"nb": "no", "en": "en"}


def _q(text: str) -> str:
    return '"' + text.replace('"', "'").replace(";", ",") + '"'


def _list(items: list[str]) -> str:
    """Quoted, comma-separated, a few per line (PX lines stay short)."""
    quoted = [_q(item) for item in items]
    lines = [",".join(quoted[i:i + 8]) for i in range(0, len(quoted), 8)]
    return ",\n".join(lines)


def _cell(value: float | None, text: str, symbol: str) -> str:
    if symbol in (".", "..", ":"):
        return _DOTS[symbol]
    if symbol == "-" and not value:
        return _DOTS["-"]
    return text


def to_px(table: PublishedTable, lang: str = "nb") -> str:
    """The table as a PX file (UTF-8 text)."""
    check_lang(lang)
    # the last dimension (the year) is the heading: cube order then is PX's row order
    stub, heading = list(table.dimensions[:-1]), [table.dimensions[-1]]
    time = [d for d in heading if d.role == "time"]
    when = (table.released_at.strftime("%Y%m%d %H:%M") if table.released_at else f"{table.year}0101 00:00")
    records = [
        ("CHARSET", '"ANSI"'), ("AXIS-VERSION", '"2013"'), ("CODEPAGE", '"utf-8"'),
        ("LANGUAGE", _q(_PX_LANGUAGE[lang])), ("CREATION-DATE", _q(when)),
        ("DECIMALS", str(table.decimals)), ("SHOWDECIMALS", str(table.decimals)),
        ("MATRIX", _q(table.id)), ("SUBJECT-CODE", '"KOSTRA"'), ("SUBJECT-AREA", '"KOSTRA"'),
        ("TITLE", _q(table.title[lang])), ("CONTENTS", _q(table.title[lang])), ("UNITS", _q(table.unit[lang])),
        ("STUB", _list([d.label[lang] for d in stub])), ("HEADING", _list([d.label[lang] for d in heading])),
    ]
    for dim in [*stub, *heading]:
        records.append((f'VALUES("{dim.label[lang]}")', _list([dim.code_label(c, lang) for c in dim.codes])))
    for dim in [*stub, *heading]:
        records.append((f'CODES("{dim.label[lang]}")', _list(list(dim.codes))))
    for dim in time:
        records.append((f'TIMEVAL("{dim.label[lang]}")', "TLIST(A1)," + _list(list(dim.codes))))
    records += [("LAST-UPDATED", _q(when)), ("SOURCE", _q(table.source[lang])),
                ("NOTE", _q(table.description[lang])),
                ("DATASYMBOL1", '"."'), ("DATASYMBOL2", '".."'), ("DATASYMBOL3", '":"'), ("DATASYMBOLNIL", '"-"')]
    lines = [f"{key}={value};" for key, value in records]
    width = 1
    for dim in heading:
        width *= len(dim.codes)
    values = table.frame["value"].to_list()
    cells = [_cell(v, t, s) for v, t, s in zip(values, number_texts(values, table.decimals),
                                                table.frame["symbol"].to_list(), strict=True)]
    rows = [" ".join(cells[i:i + width]) for i in range(0, len(cells), width)]
    return "\n".join([*lines, "DATA=", *rows]) + ";\n"
