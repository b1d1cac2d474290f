"""JSON-stat 2.0 (json-stat.org/format): one dataset per table. Values in cube order, ``null`` where the symbol
is ``..``, ``.`` or ``:``; ``status`` holds the symbols by position; the release status (preliminary, final,
revised) per value is in ``extension.kostra.value_status``."""

from __future__ import annotations

from typing import Any

from kostra.publish.formats.common import check_lang, rounded_values
from kostra.publish.model import SYMBOLS, PublishedTable

__all__ = ["to_jsonstat"]


def _dimension(table: PublishedTable, index: int, lang: str) -> dict[str, Any]:
    dim = table.dimensions[index]
    category: dict[str, Any] = {"index": {code: i for i, code in enumerate(dim.codes)},
                                "label": {code: dim.code_label(code, lang) for code in dim.codes}}
    if dim.role == "metric":
        category["unit"] = {code: {"label": table.unit[lang], "decimals": table.decimals} for code in dim.codes}
    return {"label": dim.label[lang], "category": category}


def to_jsonstat(table: PublishedTable, lang: str = "nb", *, values: bool = True) -> dict[str, Any]:
    """The table as a JSON-stat 2.0 dataset; ``values=False`` gives the metadata only (``value`` empty)."""
    check_lang(lang)
    names = table.dimension_names
    roles: dict[str, list[str]] = {}
    for dim in table.dimensions:
        if dim.role:
            roles.setdefault(dim.role, []).append(dim.name)
    data: dict[str, Any] = {
        "version": "2.0", "class": "dataset", "label": table.title[lang], "source": table.source[lang],
        "id": names, "size": table.size, "role": roles,
        "dimension": {name: _dimension(table, i, lang) for i, name in enumerate(names)},
    }
    if table.released_at is not None:
        data["updated"] = table.released_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    notes = [f"{symbol}: {text[lang]}" for symbol, text in SYMBOLS.items()]
    data["note"] = [table.description[lang], *notes]
    if values:
        data["value"] = rounded_values(table.frame["value"].to_list(), table.decimals)
        status = {str(i): s for i, s in enumerate(table.frame["symbol"].to_list()) if s}
        if status:
            data["status"] = status
    else:
        data["value"] = []  # the metadata only (PxWeb's /metadata): the standard requires the member
    data["extension"] = {"kostra": {"table": table.id, "release": table.release_id, "release_kind": table.release_kind,
                                    **({"value_status": table.frame["status"].to_list()} if values else {})}}
    return data
