"""Database models. Every schema change comes with an Alembic migration in ``migrations/``.

Timestamps are timezone-aware UTC; calendar facts (population on 1 January) are dates or years.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "PopulationCount", "ReferenceLoad", "Region", "RegionMembership", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Region(Base):
    """A region of one year's structure: municipality, county, district, group or aggregate."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("year", "code", name="uq_regions_year_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))


class RegionMembership(Base):
    """``region_code`` belongs to aggregate ``aggregate_code`` in ``year`` (EKA03, EKG12, EAK …)."""

    __tablename__ = "region_memberships"
    __table_args__ = (
        UniqueConstraint("year", "region_code", "aggregate_code", name="uq_region_memberships"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    aggregate_code: Mapped[str] = mapped_column(String(12), index=True)


class PopulationCount(Base):
    """Persons on 1 January of ``year`` in a municipality or district, by single year of age and sex."""

    __tablename__ = "population"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    age: Mapped[int] = mapped_column(Integer, primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)


class ReferenceLoad(Base):
    """Provenance of a reference data set loaded into the database."""

    __tablename__ = "reference_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
