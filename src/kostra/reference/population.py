"""Population on 1 January by region, single year of age (0–105, 105 = "105 or older") and sex.

Municipalities: SSB table 07459, 2020–2024, each year in its own structure. Oslo districts: table 10826,
2021–2024, no sex split (2020 is not available by district). Aggregates are sums over their municipalities
or districts.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kostra.errors import UnknownYear, UsageError
from kostra.reference.build.sources import MAX_AGE
from kostra.reference.datafiles import district_cube, district_frame, municipality_cube, municipality_frame
from kostra.reference.regions import base_units, region

__all__ = ["MAX_AGE", "district_years", "population", "population_table", "population_years"]


def population_years() -> list[int]:
    """Years with municipality population (1 January), e.g. ``[2020, …, 2024]``."""
    return sorted(municipality_frame()["year"].unique().to_list())


def district_years() -> list[int]:
    """Years with Oslo district population; 2020 is not published by district."""
    return sorted(district_frame()["year"].unique().to_list())


def _check_band(age_from: int, age_to: int, sex: str | None) -> None:
    if not 0 <= age_from <= MAX_AGE or not 0 <= age_to <= MAX_AGE:
        raise UsageError(f"age band {age_from}–{age_to}: ages run from 0 to {MAX_AGE} ({MAX_AGE} = {MAX_AGE} or older)")
    if age_from > age_to:
        raise UsageError(f"age band {age_from}–{age_to}: age-from must not exceed age-to")
    if sex not in (None, "m", "f"):
        raise UsageError(f"sex {sex!r}: expected 'm', 'f' or none for both")


def population(year: int, region_code: str, age_from: int = 0, age_to: int = MAX_AGE,
               sex: str | None = None) -> int:
    """Persons on 1 January of ``year`` in a municipality, district or aggregate, aged ``age_from``–``age_to``.

    Example: ``population(2024, "EAK") == 5_550_203``. Raises UnknownYear (naming the years held),
    UnknownRegion, or UsageError for a bad age band or sex, or a sex split asked of districts.
    """
    _check_band(age_from, age_to, sex)
    if year not in population_years():
        raise UnknownYear(year, population_years(), what="population on 1 January")
    units = base_units(year, region_code)
    if units and region(year, units[0]).level == "bydel":
        return _district_sum(year, region_code, units, age_from, age_to, sex)
    cube = municipality_cube(year)
    rows = [cube.index[u] for u in units]
    sexes = slice(0, 2) if sex is None else slice(0, 1) if sex == "m" else slice(1, 2)
    return int(cube.persons[rows, age_from:age_to + 1, sexes].sum())


def _district_sum(year: int, code: str, units: list[str], age_from: int, age_to: int, sex: str | None) -> int:
    if year not in district_years():
        raise UnknownYear(year, district_years(), what=f"population of Oslo districts ({code}; table 10826, "
                                                       "2020 not published by district)")
    if sex is not None:
        raise UsageError(f"population of district {code!r} has no split by sex (table 10826); leave out sex")
    cube = district_cube(year)
    rows = [cube.index[u] for u in units]
    return int(cube.persons[rows, age_from:age_to + 1, :].sum())


def population_table(years: Iterable[int] | None = None, regions: Iterable[str] | None = None) -> pl.DataFrame:
    """Population as a long polars frame (year, region, age, sex, persons) for vectorised work.

    Without ``regions``: every municipality (by sex) and Oslo district (sex null). With ``regions``: those
    codes, aggregates summed over their municipalities or districts. Raises UnknownYear, UnknownRegion.
    """
    wanted = sorted(set(years)) if years is not None else population_years()
    for year in wanted:
        if year not in population_years():
            raise UnknownYear(year, population_years(), what="population on 1 January")
    base = pl.concat([
        municipality_frame(),
        district_frame().with_columns(pl.lit(None, dtype=pl.String).alias("sex")).select(municipality_frame().columns),
    ]).filter(pl.col("year").is_in(wanted))
    if regions is None:
        return base.sort("year", "region", "age", "sex")
    mapping = [(year, unit, code) for year in wanted for code in dict.fromkeys(regions)
               for unit in base_units(year, code)]
    keys = pl.DataFrame(mapping, schema={"year": pl.Int16, "unit": pl.String, "target": pl.String}, orient="row")
    joined = base.join(keys, left_on=["year", "region"], right_on=["year", "unit"])
    return (joined.group_by("year", "target", "age", "sex").agg(pl.col("persons").sum())
            .rename({"target": "region"}).select("year", "region", "age", "sex", "persons")
            .sort("year", "region", "age", "sex"))
