"""KOSTRA groups EKG01–EKG17: the shipped APPROXIMATION, and a reader for real KLASS exports (131 → 112)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from kostra.errors import IntakeError
from kostra.reference.datafiles import group_rows
from kostra.reference.regions import region

__all__ = ["APPROXIMATION_NOTE", "KlassRow", "approximate_groups", "read_klass_groups", "read_klass_rows"]

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


@dataclass(frozen=True, slots=True)
class KlassRow:
    """One line of a KLASS correspondence export: municipality ``code`` → KOSTRA ``group`` (EKG##)."""

    line: int
    code: str
    group: str


def read_klass_groups(source: Path | str) -> dict[str, str]:
    """Municipality → EKG## from a KLASS correspondence export (municipalities 131 → KOSTRA groups 112).

    ``source`` is a path or the CSV text. The delimiter may be ``;`` or ``,``; columns ``sourceCode`` and
    ``targetCode`` (any case, quoted or not) are required; target codes such as ``13``, ``EKG13`` or
    ``KOSTRA-gruppe 13`` become ``EKG13``. Raises IntakeError naming the line of anything unreadable, and
    of a municipality given two different groups.
    """
    name, rows = read_klass_rows(source)
    groups: dict[str, KlassRow] = {}
    for row in rows:
        first = groups.setdefault(row.code, row)
        if first.group != row.group:
            raise IntakeError(f"{name} line {row.line}: municipality {row.code} is put in {row.group}, but line "
                              f"{first.line} puts it in {first.group}; a municipality belongs to one KOSTRA group")
    return {code: row.group for code, row in groups.items()}


def read_klass_rows(source: Path | str) -> tuple[str, list[KlassRow]]:
    """The file's name (``<text>`` for text) and its rows in file order; see ``read_klass_groups``."""
    text, name = _text_of(source)
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not numbered:
        raise IntakeError(f"{name}: empty KLASS correspondence file")
    header_line, first = numbered[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    header = [h.strip().lstrip("\ufeff").lower() for h in next(csv.reader([first], delimiter=delimiter))]
    source_col = _column(header, _SOURCE, f"{name} line {header_line}")
    target_col = _column(header, _TARGET, f"{name} line {header_line}")
    rows: list[KlassRow] = []
    for number, line in numbered[1:]:
        record = next(csv.reader([line], delimiter=delimiter))
        try:
            code, target = record[source_col].strip(), record[target_col].strip()
        except IndexError as error:
            raise IntakeError(f"{name} line {number}: expected {len(header)} columns, got {record!r}") from error
        if not re.fullmatch(r"\d{4}", code):
            raise IntakeError(f"{name} line {number}: source code {code!r} is not a 4-digit municipality code")
        rows.append(KlassRow(number, code, _group_code(target, name, number)))
    return name, rows


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
    raise IntakeError(f"{source}: no column {names[0]!r} in header {header!r}; a KLASS correspondence export "
                      "has sourceCode;sourceName;targetCode;targetName")


def _group_code(target: str, source: str, line: int) -> str:
    match = re.fullmatch(r"(?:EKG|KOSTRA-gruppe\s*)?0*(\d{1,2})", target, flags=re.IGNORECASE)
    if not match or not 1 <= int(match.group(1)) <= 17:
        raise IntakeError(f"{source} line {line}: target code {target!r} is not a KOSTRA group 1–17 "
                          "(KLASS 112: 01–17, EKG01–EKG17)")
    return f"EKG{int(match.group(1)):02d}"
