"""Convert the shared SSB source files into the compact reference files shipped in the package.

Run from the repository root:  python tools/build_reference_data.py [--shared ../shared/data]

Reads population tables 07459/10826 (csdata extracts) and the 11CF layouts' municipality lists, checks them
(totals with and without sex agree, non-municipality rows are empty, EAK 2024 = 5 550 203) and writes
src/kostra/reference/data/. Deterministic: running it twice gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import polars as pl

from kostra.reference.build.groups import GroupBasis, approximate_groups
from kostra.reference.build.reform import derive_changes
from kostra.reference.build.sources import municipality_code, municipality_list, read_population_file
from kostra.reference.build.tables import DISTRICT_NAMES, memberships, regions

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "kostra" / "reference" / "data"
REGION_YEARS = range(2020, 2027)
POPULATION_YEARS = range(2020, 2025)
DISTRICT_YEARS = range(2021, 2025)
EAK_2024 = 5_550_203


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    args = parser.parse_args()
    shared: Path = args.shared
    lists = municipality_lists(shared / "kontrollprogram" / "layouts")
    population = municipality_population(shared / "population", lists)
    districts = district_population(shared / "population")
    changes = code_changes(lists, population)
    groups = group_assignment(lists, population)
    write_outputs(lists, population, districts, changes, groups)
    print(f"wrote reference data to {OUT}", file=sys.stderr)
    return 0


def municipality_lists(layouts: Path) -> dict[int, dict[str, str]]:
    """Year → {code: name}; 2020 and 2021 reuse the 2022 list (same structure, no older list is public)."""
    lists = {year: municipality_list(layouts / f"file_description_11CF_{max(year, 2022)}.yaml")
             for year in REGION_YEARS}
    for year, expected in ((2023, 356), (2024, 357)):
        assert len(lists[year]) == expected, f"{year}: {len(lists[year])} municipalities, expected {expected}"
    return lists


def municipality_population(folder: Path, lists: dict[int, dict[str, str]]) -> pl.DataFrame:
    """Municipality × age × sex for each year, checked against the files without sex."""
    frames = []
    for year in POPULATION_YEARS:
        by_sex = read_population_file(folder / f"norway_population_by_age_sex_{year}.csv")
        totals = read_population_file(folder / f"Personer{year}.csv")
        _check_totals(year, by_sex, totals)
        outside = sum(r.persons for r in totals if municipality_code(r.region) is None)
        assert outside == 0, f"{year}: {outside} persons outside municipalities (Svalbard, shelf, Rest)"
        rows = [(year, municipality_code(r.region), r.age, r.sex, r.persons) for r in by_sex
                if municipality_code(r.region)]
        frame = pl.DataFrame(rows, schema={"year": pl.Int16, "region": pl.String, "age": pl.Int8,
                                           "sex": pl.String, "persons": pl.Int32}, orient="row")
        cells = frame.group_by("region", "age").agg(pl.col("sex").sort().str.join(""))
        assert (cells["sex"] == "fm").all(), f"{year}: not exactly one 'm' and one 'f' per municipality and age"
        codes = set(frame["region"].unique())
        assert codes == set(lists[year]), f"{year}: population codes differ from the code list: " \
            f"{sorted(codes ^ set(lists[year]))}"
        frames.append(frame)
    population = pl.concat(frames).sort("year", "region", "age", "sex")
    eak = population.filter(pl.col("year") == 2024)["persons"].sum()
    assert eak == EAK_2024, f"EAK 2024 is {eak}, expected {EAK_2024}"
    return population


def _check_totals(year: int, by_sex: list, totals: list) -> None:
    # labels of a code differ between the two files (e.g. "Deatnu-Tana" / "Deatnu - Tana"): compare by code
    def summed(rows: list) -> Counter:
        counter: Counter = Counter()
        for r in rows:
            counter[(municipality_code(r.region) or r.region, r.age)] += r.persons
        return counter

    assert summed(by_sex) == summed(totals), f"{year}: males + females differ from Personer{year}.csv"


def district_population(folder: Path) -> pl.DataFrame:
    """Oslo district × age (table 10826, codes like 030101a; no sex split)."""
    rows = []
    for year in DISTRICT_YEARS:
        for r in read_population_file(folder / f"Personerward{year}.csv"):
            code = r.region.split(" ", 1)[0]
            if code.endswith("a") and code[:-1] in DISTRICT_NAMES:
                rows.append((year, code[:-1], r.age, r.persons))
    return pl.DataFrame(rows, schema={"year": pl.Int16, "region": pl.String, "age": pl.Int8,
                                      "persons": pl.Int32}, orient="row").sort("year", "region", "age")


def code_changes(lists: dict[int, dict[str, str]], population: pl.DataFrame) -> list[dict[str, object]]:
    """Changes between consecutive years; splits are shared by the new codes' population in the new year."""
    rows = []
    latest = max(POPULATION_YEARS)
    for year in REGION_YEARS[1:]:
        weights_year = min(year, latest)
        totals = population.filter(pl.col("year") == weights_year).group_by("region").agg(pl.col("persons").sum())
        weights = dict(zip(totals["region"], totals["persons"], strict=True))
        for change in derive_changes(year - 1, year, lists[year - 1], lists[year], weights):
            rows.append({"from_year": change.from_year, "to_year": change.to_year, "old_code": change.old_code,
                         "new_code": change.new_code, "kind": change.kind, "share": round(change.share, 6)})
    return rows


def group_assignment(lists: dict[int, dict[str, str]], population: pl.DataFrame) -> list[dict[str, object]]:
    """The APPROXIMATE KOSTRA groups of each year, from population 1.1 (2025–2026 use 2024, the latest)."""
    rows = []
    for year in REGION_YEARS:
        basis_year = min(year, max(POPULATION_YEARS))
        stats = population.filter(pl.col("year") == basis_year).group_by("region").agg(
            pl.col("persons").sum().alias("total"),
            pl.col("persons").filter(pl.col("age") >= 80).sum().alias("old"),
            pl.col("persons").filter(pl.col("age").is_between(20, 66)).sum().alias("working"),
        )
        basis = [GroupBasis(r["region"], r["total"], r["old"] / r["total"], r["working"] / r["total"])
                 for r in stats.iter_rows(named=True)]
        assigned = approximate_groups(basis)
        assert set(assigned) == set(lists[year]), f"{year}: groups do not cover the municipality list"
        rows += [{"year": year, "municipality": code, "group": f"EKG{group:02d}", "basis": how,
                  "population_year": basis_year} for code, (group, how) in sorted(assigned.items())]
    return rows


def write_outputs(lists: dict[int, dict[str, str]], population: pl.DataFrame, districts: pl.DataFrame,
                  changes: list[dict[str, object]], groups: list[dict[str, object]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    group_of = {(r["year"], r["municipality"]): int(str(r["group"])[3:]) for r in groups}
    region_rows, member_rows = [], []
    for year in REGION_YEARS:
        region_rows += regions(year, lists[year])
        year_groups = {code: group_of[(year, code)] for code in lists[year]}
        member_rows += memberships(year, lists[year], year_groups)
    _write_csv(OUT / "regions.csv", _with_validity(region_rows))
    _write_csv(OUT / "memberships.csv", member_rows)
    _write_csv(OUT / "code_changes.csv", changes)
    _write_csv(OUT / "kostra_groups_APPROXIMATION.csv", groups)
    population.write_parquet(OUT / "population_municipalities.parquet", compression="zstd", statistics=False)
    districts.write_parquet(OUT / "population_districts.parquet", compression="zstd", statistics=False)
    (OUT / "PROVENANCE.md").write_text(PROVENANCE, encoding="utf-8")


def _with_validity(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    # validity within the years held: a code valid since before 2020 shows 2020-01-01
    years: dict[str, list[int]] = {}
    for row in rows:
        years.setdefault(str(row["code"]), []).append(int(str(row["year"])))
    last = max(REGION_YEARS)
    for row in rows:
        held = years[str(row["code"])]
        row["valid_from"] = f"{min(held)}-01-01"
        row["valid_to"] = f"{max(held)}-12-31" if max(held) < last else ""
    return rows


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


PROVENANCE = """# Provenance of the shipped reference data

Generated by `tools/build_reference_data.py` from the project's shared data folder; do not edit by hand.

Each file, its content, source and licence:

- `regions.csv`: regions of 2020–2026 (year, code, name, level, valid_from, valid_to). Municipality names
  from field `KOMMNR_KVP_KOMM` of `file_description_11CF_<year>.yaml`, statisticsnorway/kostra-kontrollprogram
  @ c1f58486, MIT, © Statistics Norway; 2020 and 2021 use the 2022 list (same structure, no older list is
  public). Counties, districts and aggregates: specs/kostra-domain.md §3.2–3.4.
- `memberships.csv`: region → aggregate per year (county, EKA##, EKG##, EAK, EAKUO, EAB, EAFK, EAFKUO);
  derived from the above.
- `code_changes.csv`: municipality changes between consecutive years (rename, code_change, split, merge,
  share); derived by name matching of the lists above; split shares from population 1.1 of the new year.
- `population_municipalities.parquet`: persons 1 January 2020–2024, municipality × age 0–105 (105 = 105 or
  older) × sex. Statistics Norway (SSB) table 07459 via niphr/csdata @ 2dd16c1c, `data-raw/files/population/`.
  Data © Statistics Norway, CC BY 4.0 (attribute "Statistics Norway (SSB)"); csdata repository MIT.
- `population_districts.parquet`: persons 1 January 2021–2024, Oslo district 030101–030117 × age (no sex;
  2020 not available). SSB table 10826 via niphr/csdata; data © Statistics Norway, CC BY 4.0.
- `kostra_groups_APPROXIMATION.csv`: an **APPROXIMATION** of the KOSTRA groups EKG01–EKG17 per year,
  computed from population only (`kostra.reference.build.groups`); NOT SSB's grouping.

Checks made by the build: males + females equal the totals of `Personer<year>.csv` for every municipality and
age; Svalbard, continental shelf and "Rest" rows hold 0 persons; EAK 1.1.2024 = 5 550 203; 356 municipalities
in 2023 and 357 in 2024; the population files cover exactly the municipalities of each year's list.
"""


if __name__ == "__main__":
    sys.exit(main())
