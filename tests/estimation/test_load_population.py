"""``kostra reference load-population FILE``: a newer table 07459 into the database, and bad files refused.

The good file is written by the test in the shipped layout (Latin-1, ``;``, quoted, two title lines):
the 2024 counts carried to 2025 with Halden's (3101) boys aged 0 set to 1 000 and girls aged 0 to 2 000.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.cli import cli
from kostra.reference import population, population_table, regions
from kostra.reference.population_load import loaded_population_table, population_in_force
from kostra.store import create_engine_for
from kostra.store.models import PopulationCount

# line 1 title, line 2 blank, line 3 the header: lines[k] of _lines() is line k + 3 of the file
HEADER = '"07459: Population, by region, age, contents, year and sex"\n\n'


def _age(age: int) -> str:
    return "1 year" if age == 1 else "105 years or older" if age == 105 else f"{age} years"


@functools.cache
def _good_lines() -> tuple[str, ...]:
    table = population_table([2024]).filter(pl.col("sex").is_not_null())
    counts = {(r["region"], r["age"], r["sex"]): r["persons"] for r in table.iter_rows(named=True)}
    lines = ['"region";"age";"Persons 2025 Males";"Persons 2025 Females"']
    for info in regions(2025, "kommune"):
        for age in range(106):
            males, females = counts[(info.code, age, "m")], counts[(info.code, age, "f")]
            if info.code == "3101" and age == 0:
                males, females = 1000, 2000
            lines.append(f'"K-{info.code} {info.name}";"{_age(age)}";{males};{females}')
    return tuple(lines)


def _lines() -> list[str]:
    return list(_good_lines())


def _write(path: Path, lines: list[str]) -> Path:
    # Sami letters outside Latin-1 become '?', as in SSB's own Latin-1 exports
    path.write_bytes((HEADER + "\r\n".join(lines) + "\r\n").encode("latin-1", errors="replace"))
    return path


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    yield {"KOSTRA_HOME": str(tmp_path), "KOSTRA_DATABASE_URL": database_url}


def _kostra(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _rows(url: str) -> int:
    engine = create_engine_for(url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(PopulationCount)) or 0
    engine.dispose()
    return count


def test_a_newer_population_is_loaded_and_used_for_its_year(env: dict[str, str], tmp_path: Path) -> None:
    done = _kostra(env, "reference", "load-population", str(_write(tmp_path / "Personer2025.csv", _lines())),
                   "--year", "2025")
    assert done.exit_code == 0, done.output
    engine = create_engine_for(env["KOSTRA_DATABASE_URL"])
    with Session(engine) as session:
        loaded = population_in_force(session, 2025)
        table = loaded_population_table(session, 2025)
        assert loaded_population_table(session, 2026) is None
    engine.dispose()
    assert table is not None and table.height == 357 * 106 * 2
    halden0 = table.filter((pl.col("region") == "3101") & (pl.col("age") == 0))
    assert dict(zip(halden0["sex"], halden0["persons"], strict=True)) == {"m": 1000, "f": 2000}
    assert not loaded.stand_in and "Personer2025.csv" in loaded.origin
    # Halden 2024 minus its 2024 age-0 count plus 1 000 + 2 000
    assert loaded.persons["3101"] == population(2024, "3101") - population(2024, "3101", 0, 0) + 3000
    assert loaded.persons["0301"] == population(2024, "0301")
    assert len(loaded.persons) == 357
    assert population_in_force(None, 2025).stand_in  # without the database: 2024 stands in


@pytest.mark.parametrize(("change", "expected"), [
    (lambda lines: ['"region";"age";"Persons"', *lines[1:]], "line 3: header"),
    (lambda lines: [*lines[:5], '"K-9999 Nowhere";"0 years";1;2', *lines[5:]], "line 8, region: 'K-9999 Nowhere'"),
    (lambda lines: [*lines[:5], lines[5].rsplit(";", 1)[0] + ";12a", *lines[6:]],
     "line 8, Females: '12a' is not a count"),
    (lambda lines: [*lines[:5], lines[5].replace('"4 years"', '"four"'), *lines[6:]], "line 8, age: age label 'four'"),
    (lambda lines: lines[:-106], "municipalities of 2025 are missing"),
    (lambda lines: [lines[0].replace("2025", "2024"), *lines[1:]], "the columns give 2024, not 2025"),
])
def test_a_bad_file_names_file_line_and_field_and_changes_nothing(env: dict[str, str], tmp_path: Path,
                                                                  change: object, expected: str) -> None:
    good = _kostra(env, "reference", "load-population", str(_write(tmp_path / "good.csv", _lines())),
                   "--year", "2025")
    assert good.exit_code == 0, good.output
    before = _rows(env["KOSTRA_DATABASE_URL"])
    bad = _write(tmp_path / "bad.csv", change(_lines()))  # type: ignore[operator]
    refused = _kostra(env, "reference", "load-population", str(bad), "--year", "2025")
    assert refused.exit_code == 2, refused.output
    message = refused.output.strip().splitlines()[-1]
    assert "bad.csv" in message and expected in message, message
    assert "Traceback" not in refused.output
    assert _rows(env["KOSTRA_DATABASE_URL"]) == before
