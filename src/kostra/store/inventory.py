"""What the database holds: counts shown on the start page and by ``kostra demo``."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.store.models import PopulationCount, ReferenceLoad, Region

__all__ = ["Inventory", "YearHoldings", "inventory"]


class YearHoldings(BaseModel):
    """Reference data held for one year."""

    year: int
    municipalities: int
    counties: int
    districts: int
    population: int | None


class Inventory(BaseModel):
    """Counts of what the system holds, per year."""

    years: list[YearHoldings]
    reference_loads: int


def inventory(session: Session) -> Inventory:
    """Count regions by level and population per year."""
    by_level = session.execute(
        select(Region.year, Region.level, func.count()).group_by(Region.year, Region.level)
    ).all()
    populations = dict(session.execute(
        select(PopulationCount.year, func.sum(PopulationCount.persons))
        # municipalities have 4-digit codes; districts (6 digits) would count Oslo twice
        .where(PopulationCount.region_code.like("____"))
        .group_by(PopulationCount.year)
    ).all())
    levels: dict[int, dict[str, int]] = {}
    for year, level, count in by_level:
        levels.setdefault(year, {})[level] = count
    years = [
        YearHoldings(
            year=year,
            municipalities=counts.get("kommune", 0),
            counties=counts.get("fylke", 0),
            districts=counts.get("bydel", 0),
            population=int(populations[year]) if year in populations else None,
        )
        for year, counts in sorted(levels.items())
    ]
    loads = session.scalar(select(func.count()).select_from(ReferenceLoad)) or 0
    return Inventory(years=years, reference_loads=loads)
