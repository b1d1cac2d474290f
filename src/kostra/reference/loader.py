"""Fill the reference tables of the database (regions, memberships, population, reference_loads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kostra.reference.datafiles import district_frame, membership_rows, municipality_frame
from kostra.reference.grouping import GroupingSource, kostra_grouping
from kostra.reference.regions import regions
from kostra.reference.regions import years as region_years
from kostra.store.models import PopulationCount, ReferenceLoad, Region, RegionMembership

__all__ = ["SOURCES", "load_reference_into_database"]

SOURCES = {
    "regions": "11CF layouts KOMMNR_KVP_KOMM (statisticsnorway/kostra-kontrollprogram, MIT); KOSTRA groups are an "
               "APPROXIMATION unless loaded from KLASS (kostra reference load-groups)",
    "population": "SSB tables 07459 and 10826 via niphr/csdata (data © SSB, CC BY 4.0)",
}
_BATCH = 5_000


def load_reference_into_database(session: Session, years: Iterable[int] | None = None,
                                 progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Replace the reference rows of each year (delete + insert) and record the load; idempotent.

    ``progress(done, total)`` is called after each year. Returns rows written per data set. The caller
    commits. Raises UnknownYear for a year without a region structure.
    """
    wanted = sorted(set(years)) if years is not None else region_years()
    for year in wanted:
        regions(year)  # raises UnknownYear
    counts = {"regions": 0, "memberships": 0, "population": 0}
    for done, year in enumerate(wanted, start=1):
        counts["regions"] += _load_regions(session, year)
        counts["memberships"] += _load_memberships(session, year)
        counts["population"] += _load_population(session, year)
        if progress is not None:
            progress(done, len(wanted))
    for dataset, source in (("regions", SOURCES["regions"]), ("memberships", SOURCES["regions"]),
                            ("population", SOURCES["population"])):
        session.add(ReferenceLoad(dataset=dataset, source=f"{source}; years {wanted[0]}–{wanted[-1]}",
                                  rows=counts[dataset]))
    session.flush()
    return counts


def _load_regions(session: Session, year: int) -> int:
    session.execute(delete(Region).where(Region.year == year))
    rows = [{"year": year, "code": r.code, "name": r.name, "level": r.level} for r in regions(year)]
    session.execute(Region.__table__.insert(), rows)
    return len(rows)


def _load_memberships(session: Session, year: int) -> int:
    official = kostra_grouping(session, year)
    session.execute(delete(RegionMembership).where(RegionMembership.year == year))
    rows = [{"year": y, "region_code": code, "aggregate_code": aggregate}
            for y, code, aggregate in membership_rows() if y == year]
    if official.source is GroupingSource.OFFICIAL:  # a loaded KLASS grouping outlives a reload of the shipped data
        rows = [r for r in rows if not r["aggregate_code"].startswith("EKG")]
        rows += [{"year": year, "region_code": code, "aggregate_code": group}
                 for code, group in official.groups.items()]
    session.execute(RegionMembership.__table__.insert(), rows)
    return len(rows)


def _load_population(session: Session, year: int) -> int:
    session.execute(delete(PopulationCount).where(PopulationCount.year == year))
    # districts have no sex split in table 10826; stored with sex '-' (the key cannot be null)
    districts = district_frame().with_columns(pl.lit("-").alias("sex")).select(municipality_frame().columns)
    frame = pl.concat([municipality_frame(), districts]).filter(pl.col("year") == year)
    rows = frame.rename({"region": "region_code"}).to_dicts()
    for start in range(0, len(rows), _BATCH):
        session.execute(PopulationCount.__table__.insert(), rows[start:start + _BATCH])
    return len(rows)
