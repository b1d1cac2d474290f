"""The shipped reference files, read once per process (``functools.lru_cache``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["DATA", "PopulationCube", "RegionInfo", "change_rows", "district_cube", "district_frame", "group_rows",
           "membership_rows", "municipality_cube", "municipality_frame", "region_rows"]

DATA = Path(__file__).parent / "data"
SEXES = ("m", "f")


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """A region of one year's structure; ``valid_to`` is None while still valid in the newest year held."""

    year: int
    code: str
    name: str
    level: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class PopulationCube:
    """Persons of one year as an array region × age (0–105) × sex (m, f); districts have one sex slot."""

    index: dict[str, int]
    persons: np.ndarray


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def region_rows() -> tuple[RegionInfo, ...]:
    """Every region of every year, as shipped in ``regions.csv``."""
    return tuple(
        RegionInfo(int(r["year"]), r["code"], r["name"], r["level"], date.fromisoformat(r["valid_from"]),
                   date.fromisoformat(r["valid_to"]) if r["valid_to"] else None)
        for r in _read_csv("regions.csv")
    )


@lru_cache(maxsize=1)
def membership_rows() -> tuple[tuple[int, str, str], ...]:
    """(year, region, aggregate) pairs from ``memberships.csv`` (read by Polars: 12 744 rows, every command)."""
    frame = pl.read_csv(DATA / "memberships.csv",
                        schema={"year": pl.Int64, "region_code": pl.String, "aggregate_code": pl.String})
    return tuple(zip(frame["year"].to_list(), frame["region_code"].to_list(), frame["aggregate_code"].to_list(),
                     strict=True))


@lru_cache(maxsize=1)
def change_rows() -> tuple[dict[str, str], ...]:
    """Rows of ``code_changes.csv`` between consecutive years."""
    return tuple(_read_csv("code_changes.csv"))


@lru_cache(maxsize=1)
def group_rows() -> tuple[dict[str, str], ...]:
    """Rows of the APPROXIMATE KOSTRA-group assignment."""
    return tuple(_read_csv("kostra_groups_APPROXIMATION.csv"))


@lru_cache(maxsize=1)
def municipality_frame() -> pl.DataFrame:
    """Municipality × age × sex, all years held."""
    return pl.read_parquet(DATA / "population_municipalities.parquet")


@lru_cache(maxsize=1)
def district_frame() -> pl.DataFrame:
    """Oslo district × age (no sex), all years held."""
    return pl.read_parquet(DATA / "population_districts.parquet")


@lru_cache(maxsize=16)
def municipality_cube(year: int) -> PopulationCube:
    """The municipality population of ``year`` as an array; the year must be held."""
    frame = municipality_frame().filter(pl.col("year") == year)
    codes = sorted(frame["region"].unique())
    index = {code: i for i, code in enumerate(codes)}
    persons = np.zeros((len(codes), 106, 2), dtype=np.int64)
    rows = np.array([index[c] for c in frame["region"]], dtype=np.int64)
    sexes = (frame["sex"] == "f").cast(pl.Int64).to_numpy()
    persons[rows, frame["age"].to_numpy().astype(np.int64), sexes] = frame["persons"].to_numpy()
    return PopulationCube(index, persons)


@lru_cache(maxsize=16)
def district_cube(year: int) -> PopulationCube:
    """The Oslo district population of ``year`` as an array with a single sex slot."""
    frame = district_frame().filter(pl.col("year") == year)
    codes = sorted(frame["region"].unique())
    index = {code: i for i, code in enumerate(codes)}
    persons = np.zeros((len(codes), 106, 1), dtype=np.int64)
    rows = np.array([index[c] for c in frame["region"]], dtype=np.int64)
    persons[rows, frame["age"].to_numpy().astype(np.int64), 0] = frame["persons"].to_numpy()
    return PopulationCube(index, persons)
