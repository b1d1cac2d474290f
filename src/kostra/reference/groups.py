"""KOSTRA groups EKG01–EKG17: the shipped APPROXIMATION, and a reader for real KLASS exports (131 → 112)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from kostra.errors import IntakeError
from kostra.reference.datafiles import group_rows
from kostra.reference.regions import region

__all__ = ["APPROXIMATION_NOTE", "approximate_groups", "read_klass_groups"]

APPROXIMATION_NOTE = ("KOSTRA groups (EKG##) are an APPROXIMATION built from population only, not SSB's "
                      "grouping; load the KLASS 131→112 correspondence for official groups.")
_SOURCE = ("sourcecode", "source_code", "kildekode")
_TARGET = ("targetcode", "target_code", "målkode")


def approximate_groups(year: int) -> dict[str, str]:
    """Municipality → EKG## of the shipped APPROXIMATION for ``year`` (see ``APPROXIMATION_NOTE``).

    Raises UnknownYear. Example: ``approximate_groups(2024)["0301"] == "EKG13"``.
    """
    region(year, "EAK")
    return {row["municipality"]: row["group"] for row in group_rows() if int(row["year"]) == year}


def read_klass_groups(source: Path | str) -> dict[str, str]:
    """Municipality → EKG## from a KLASS correspondence export (municipalities 131 → KOSTRA groups 112).

    ``source`` is a path or the CSV text. The delimiter may be ``;`` or ``,``; columns ``sourceCode`` and
    ``targetCode`` (any case, quoted or not) are required; target codes such as ``13``, ``EKG13`` or
    ``KOSTRA-gruppe 13`` become ``EKG13``. Raises IntakeError naming the line of anything unreadable.
    """
    text, name = _text_of(source)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise IntakeError(f"{name}: empty KLASS correspondence file")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    source_col, target_col = _column(header, _SOURCE, name), _column(header, _TARGET, name)
    groups: dict[str, str] = {}
    for number, record in enumerate(reader, start=2):
        try:
            code, target = record[source_col].strip(), record[target_col].strip()
        except IndexError as error:
            raise IntakeError(f"{name} line {number}: expected {len(header)} columns, got {record!r}") from error
        if not re.fullmatch(r"\d{4}", code):
            raise IntakeError(f"{name} line {number}: source code {code!r} is not a 4-digit municipality code")
        groups[code] = _group_code(target, name, number)
    return groups


def _text_of(source: Path | str) -> tuple[str, str]:
    if isinstance(source, Path):
        raw = source.read_bytes()
        try:
            return raw.decode("utf-8-sig"), source.name
        except UnicodeDecodeError:
            return raw.decode("latin-1"), source.name
    return source, "<text>"


def _column(header: list[str], names: tuple[str, ...], source: str) -> int:
    for index, column in enumerate(header):
        if column in names:
            return index
    raise IntakeError(f"{source}: no column {names[0]!r} in header {header!r}")


def _group_code(target: str, source: str, line: int) -> str:
    match = re.fullmatch(r"(?:EKG|KOSTRA-gruppe\s*)?0*(\d{1,2})", target, flags=re.IGNORECASE)
    if not match or not 1 <= int(match.group(1)) <= 17:
        raise IntakeError(f"{source} line {line}: target code {target!r} is not a KOSTRA group 1–17")
    return f"EKG{int(match.group(1)):02d}"
