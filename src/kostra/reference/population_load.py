"""A newer population (SSB table 07459 as CSV) loaded into the database, and the population in force for a year.

``kostra reference load-population FILE`` reads a file in the layout the shipped files come in (Latin-1,
``;``, quoted, title lines, labels like ``"K-3101 Halden"``, ages ``"0 years"`` … ``"105 years or older"``,
``"Persons 2025 Males";"Persons 2025 Females"``), checks every line against the year's municipalities, and
replaces that year's ``population`` rows of municipalities (Oslo districts are kept) with a
``reference_loads`` row ``population_07459_YEAR`` (file, SHA-256, rows). A bad file changes nothing.

:func:`population_in_force` is what estimation and key figures read: the loaded population of the year when
there is one, else the shipped population of the newest year ≤ the year, clearly labelled as a stand-in.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kostra.errors import IntakeError, UnknownYear
from kostra.reference.build.sources import MAX_AGE, municipality_code, parse_age
from kostra.reference.population import population_table, population_years
from kostra.reference.regions import regions
from kostra.store.models import PopulationCount, ReferenceLoad

__all__ = ["PopulationInForce", "check_population_file", "load_population", "loaded_population_table",
           "population_dataset", "population_in_force"]

_VALUE = re.compile(r"^persons (\d{4}) (males|females)$")
_NOT_MUNICIPALITIES = ("K-21-22", "K-23", "K-Rest")  # Svalbard, the continental shelf, unknown: no municipality


def population_dataset(year: int) -> str:
    """The ``reference_loads.dataset`` that marks a loaded population of ``year``."""
    return f"population_07459_{year}"


@dataclass(frozen=True)
class PopulationInForce:
    """Persons on 1 January by municipality (all ages), and where they come from."""

    year: int
    source_year: int
    origin: str
    persons: dict[str, int]

    @property
    def stand_in(self) -> bool:
        """True when another year's population stands in for ``year``'s (not loaded yet)."""
        return self.source_year != self.year

    @property
    def note(self) -> str:
        if not self.stand_in:
            return f"population 1 January {self.year} ({self.origin})"
        return (f"population 1 January {self.source_year} as a stand-in for {self.year} (not loaded; "
                f"kostra reference load-population FILE)")


def _cells(line: str) -> list[str]:
    return [cell.strip().strip('"') for cell in line.split(";")]


def check_population_file(path: Path, year: int) -> dict[tuple[str, int, str], int]:
    """Read ``path`` as table 07459 for ``year``: (municipality, age, sex) → persons.

    Raises IntakeError naming the file, line and field: a header that is not ``region;age;Persons YEAR
    Males;Persons YEAR Females``, a region that is not a municipality of the year, an age or count that
    is not one, a municipality or age missing or given twice.
    """
    name = path.name
    lines = path.read_bytes().decode("latin-1").splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip('"').lower().startswith("region")), None)
    if start is None:
        raise IntakeError(f"{name}: no header line starting with \"region\"; expected the layout of SSB table 07459: "
                          f"\"region\";\"age\";\"Persons {year} Males\";\"Persons {year} Females\"")
    header = [cell.lower() for cell in _cells(lines[start])]
    sexes = [_VALUE.match(cell) for cell in header[2:]]
    if header[:2] != ["region", "age"] or len(sexes) != 2 or not all(sexes) \
            or {m.group(2) for m in sexes if m} != {"males", "females"}:
        raise IntakeError(f"{name} line {start + 1}: header {lines[start]!r}; expected "
                          f"\"region\";\"age\";\"Persons {year} Males\";\"Persons {year} Females\"")
    for match in sexes:
        if match and int(match.group(1)) != year:
            raise IntakeError(f"{name} line {start + 1}: the columns give {match.group(1)}, not {year}; "
                              "load the file with the --year it holds")
    known = {r.code for r in regions(year, "kommune")}
    columns = [("m" if m and m.group(2) == "males" else "f") for m in sexes]
    counts: dict[tuple[str, int, str], int] = {}
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        if line.strip():
            _read_line(name, number, _cells(line), known, columns, counts)
    _check_complete(name, year, known, counts)
    return counts


def _read_line(name: str, number: int, cells: list[str], known: set[str], columns: list[str],
               counts: dict[tuple[str, int, str], int]) -> None:
    if len(cells) != 4:
        raise IntakeError(f"{name} line {number}: {len(cells)} fields; expected 4 (region;age;males;females)")
    label = cells[0]
    if label.startswith(_NOT_MUNICIPALITIES):
        return
    code = municipality_code(label)
    if code is None or code not in known:
        raise IntakeError(f"{name} line {number}, region: {label!r} is not a municipality of the year; expected "
                          "a label like 'K-3101 Halden' with one of the year's municipality numbers")
    try:
        age = parse_age(cells[1])
    except IntakeError as error:
        raise IntakeError(f"{name} line {number}, age: {error}") from None
    for sex, text in zip(columns, cells[2:], strict=True):
        if not text.isdigit():
            column = "Males" if sex == "m" else "Females"
            raise IntakeError(f"{name} line {number}, {column}: {text!r} is not a count of persons; expected a "
                              "whole number ≥ 0")
        if (code, age, sex) in counts:
            raise IntakeError(f"{name} line {number}: {label} age {age} is given twice")
        counts[(code, age, sex)] = int(text)


def _check_complete(name: str, year: int, known: set[str], counts: dict[tuple[str, int, str], int]) -> None:
    ages: dict[str, set[int]] = defaultdict(set)
    for code, age, _ in counts:
        ages[code].add(age)
    absent = sorted(known - set(ages))
    if absent:
        raise IntakeError(f"{name}: {len(absent)} municipalities of {year} are missing, e.g. {', '.join(absent[:5])};"
                          " expected every municipality of the year")
    for code in sorted(ages):
        if len(ages[code]) != MAX_AGE + 1:
            lacking = sorted(set(range(MAX_AGE + 1)) - ages[code])
            raise IntakeError(f"{name}: municipality {code} lacks ages {lacking[:5]}; expected 0 to {MAX_AGE}")


def load_population(session: Session, year: int, path: Path) -> int:
    """Check ``path`` (see :func:`check_population_file`), then replace ``year``'s municipality population.

    Returns the rows written. The caller commits; a bad file raises before anything is changed.
    """
    counts = check_population_file(path, year)
    codes = sorted({code for code, _, _ in counts})
    session.execute(delete(PopulationCount).where(PopulationCount.year == year,
                                                  PopulationCount.region_code.in_(codes)))
    rows = [{"year": year, "region_code": code, "age": age, "sex": sex, "persons": persons}
            for (code, age, sex), persons in sorted(counts.items())]
    for start in range(0, len(rows), 5_000):
        session.execute(PopulationCount.__table__.insert(), rows[start:start + 5_000])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    session.add(ReferenceLoad(dataset=population_dataset(year), source=f"{path.name} sha256:{digest}",
                              rows=len(rows)))
    session.flush()
    return len(rows)


def population_in_force(session: Session | None, year: int) -> PopulationInForce:
    """Persons per municipality on 1 January of ``year``: the loaded file when there is one, else the shipped
    population of ``year``, else that of the newest shipped year before it (a stand-in, see ``note``).

    Raises UnknownYear when no population at or before ``year`` is held.
    """
    load = None
    if session is not None:
        load = session.scalar(select(ReferenceLoad).where(ReferenceLoad.dataset == population_dataset(year))
                              .order_by(ReferenceLoad.id.desc()).limit(1))
    if load is not None:
        assert session is not None
        rows = session.execute(select(PopulationCount.region_code, func.sum(PopulationCount.persons))
                               .where(PopulationCount.year == year, PopulationCount.sex != "-")
                               .group_by(PopulationCount.region_code)).all()
        return PopulationInForce(year, year, f"loaded from {load.source}", {code: int(n) for code, n in rows})
    held = [y for y in population_years() if y <= year]
    if not held:
        raise UnknownYear(year, population_years(), what="population on 1 January")
    used = held[-1]
    table = population_table([used]).filter(pl.col("sex").is_not_null())  # municipalities (districts: sex null)
    totals = table.group_by("region").agg(pl.col("persons").sum())
    return PopulationInForce(year, used, "SSB table 07459, shipped",
                             dict(zip(totals["region"].to_list(), [int(n) for n in totals["persons"]], strict=True)))


def loaded_population_table(session: Session, year: int) -> pl.DataFrame | None:
    """The loaded population of ``year`` by municipality, age and sex (the columns of
    ``population_table``: year, region, age, sex, persons), or None when no file was loaded for ``year``."""
    load = session.scalar(select(ReferenceLoad.id).where(ReferenceLoad.dataset == population_dataset(year)).limit(1))
    if load is None:
        return None
    rows = session.execute(select(PopulationCount.year, PopulationCount.region_code, PopulationCount.age,
                                  PopulationCount.sex, PopulationCount.persons)
                           .where(PopulationCount.year == year, PopulationCount.sex != "-")).all()
    return pl.DataFrame(rows, schema={"year": pl.Int16, "region": pl.String, "age": pl.Int16, "sex": pl.String,
                                      "persons": pl.Int64}, orient="row").sort("region", "age", "sex")
