"""The error a table's input raises, and readers for hierarchy files."""

from __future__ import annotations

import csv
from pathlib import Path

from kostra.errors import IntakeError

__all__ = ["TableInputError", "read_hierarchy_file"]


class TableInputError(IntakeError):
    """Data, hierarchy or arguments of a table that cannot be suppressed as given (file, column, code)."""


def read_hierarchy_file(path: Path) -> list[tuple[str, str, int]]:
    """Read an SSBtools to-from hierarchy CSV (``mapsFrom``, ``mapsTo``, optional ``sign``; ``level`` ignored).

    Returns (child, parent, sign) per line; raises TableInputError naming the file, line and column.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TableInputError(f"{path}: cannot read the hierarchy file ({exc.strerror})") from exc
    delimiter = ";" if text.partition("\n")[0].count(";") > text.partition("\n")[0].count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    missing = {"mapsFrom", "mapsTo"} - set(reader.fieldnames or [])
    if missing:
        raise TableInputError(f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                              "expected mapsFrom, mapsTo and optionally sign (SSBtools to-from format)")
    links = []
    for line, row in enumerate(reader, start=2):
        child, parent = (row["mapsFrom"] or "").strip(), (row["mapsTo"] or "").strip()
        if not child or not parent:
            raise TableInputError(f"{path} line {line}: mapsFrom and mapsTo must both hold a code")
        sign_text = (row.get("sign") or "1").strip()
        try:
            sign = int(float(sign_text))
        except ValueError:
            raise TableInputError(f"{path} line {line}, sign: {sign_text!r} is not 1 or -1") from None
        if sign not in (1, -1):
            raise TableInputError(f"{path} line {line}, sign: {sign_text!r} is not 1 or -1")
        links.append((child, parent, sign))
    return links
