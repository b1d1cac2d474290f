"""Parsers for the SSB source files: population tables 07459/10826 and 11CF layout code lists."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kostra.errors import IntakeError

__all__ = [
    "MAX_AGE",
    "PopulationRow",
    "municipality_code",
    "municipality_list",
    "parse_age",
    "parse_population",
    "read_population_file",
]

MAX_AGE = 105  # "105 years or older" is the open top band of table 07459
_AGE = re.compile(r"^(\d{1,3}) years?( or older)?$")
_SEX = {"males": "m", "females": "f"}


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """One cell of a population table: region label as written, single age, sex ('m'/'f' or None)."""

    region: str
    age: int
    sex: str | None
    persons: int


def parse_age(label: str) -> int:
    """Parse an SSB age label: ``'0 years'`` → 0, ``'1 year'`` → 1, ``'105 years or older'`` → 105.

    Raises IntakeError for anything else, quoting the label.
    """
    match = _AGE.match(label.strip())
    if not match:
        raise IntakeError(f"age label {label!r} is not like '7 years' or '105 years or older'")
    age = int(match.group(1))
    if age > MAX_AGE or (match.group(2) and age != MAX_AGE):
        raise IntakeError(f"age label {label!r}: expected an age from 0 to {MAX_AGE} ('{MAX_AGE} years or older')")
    return age


def municipality_code(label: str) -> str | None:
    """The 4-digit code of a table 07459 region label (``'K-3101 Halden'`` → ``'3101'``), else None.

    Svalbard (``K-21-22``), the continental shelf (``K-23``) and ``K-Rest`` are not municipalities.
    """
    match = re.match(r"^K-(\d{4}) ", label)
    return match.group(1) if match else None


def read_population_file(path: Path) -> list[PopulationRow]:
    """Read a population CSV from SSB/csdata (Latin-1); see ``parse_population``."""
    return parse_population(path.read_bytes().decode("latin-1"), source=path.name)


def parse_population(text: str, source: str = "<text>") -> list[PopulationRow]:
    """Parse a population table in any of the shapes the csdata extracts use.

    Accepted: optional title lines before the header row (which starts with ``"region"``), ``;`` or tab
    separators, sex either as a column (``"sex"`` with Males/Females) or as two value columns
    (``"Persons 2024 Males";"Persons 2024 Females"``), or no sex at all. Raises IntakeError naming the
    source and line when a row cannot be read.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip('"').lower().startswith("region")), None)
    if start is None:
        raise IntakeError(f"{source}: no header row starting with \"region\" found")
    delimiter = "\t" if "\t" in lines[start] else ";"
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    rows: list[PopulationRow] = []
    for offset, record in enumerate(reader, start=start + 2):
        if not record or all(not cell.strip() for cell in record):
            continue
        try:
            rows.extend(_rows_of(header, record))
        except (ValueError, IndexError, KeyError, IntakeError) as error:
            raise IntakeError(f"{source} line {offset}: {error}; row {record!r}") from error
    return rows


def _rows_of(header: list[str], record: list[str]) -> list[PopulationRow]:
    cells = dict(zip(header, record, strict=True))
    region, age = cells["region"].strip(), parse_age(cells["age"])
    if "sex" in cells:
        sex = _SEX[cells["sex"].strip().lower()]
        return [PopulationRow(region, age, sex, int(record[-1]))]
    values = header[header.index("age") + 1:]
    if len(values) == 1:
        return [PopulationRow(region, age, None, int(record[-1]))]
    result = []
    for name in values:
        sex = _SEX.get(name.rsplit(" ", 1)[-1])
        if sex is None:
            raise IntakeError(f"column {name!r} names neither Males nor Females")
        result.append(PopulationRow(region, age, sex, int(cells[name])))
    return result


def municipality_list(layout: Path) -> dict[str, str]:
    """Municipality code → official name from an 11CF layout's ``KOMMNR_KVP_KOMM`` code list.

    The code 9999 ("Uoppgitt", not stated) is left out.
    """
    document = yaml.safe_load(layout.read_text(encoding="utf-8"))
    for field in document.get("fields", []):
        if field.get("name") == "KOMMNR_KVP_KOMM":
            return {str(item["code"]): str(item["value"]) for item in field["codeList"] if item["code"] != "9999"}
    raise IntakeError(f"{layout.name}: no field KOMMNR_KVP_KOMM with a code list")
