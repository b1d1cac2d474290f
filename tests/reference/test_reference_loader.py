"""Loading reference data into a migrated SQLite database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kostra.reference import members, population, regions
from kostra.reference.loader import load_reference_into_database
from kostra.store import create_engine_for, session_factory, upgrade
from kostra.store.models import PopulationCount, ReferenceLoad, Region, RegionMembership


def test_load_is_idempotent_and_reports_progress(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ref.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    calls: list[tuple[int, int]] = []
    try:
        for _ in range(2):
            with session_factory(engine)() as session:
                load_reference_into_database(session, years=[2023, 2024],
                                             progress=lambda done, total: calls.append((done, total)))
                session.commit()
        with session_factory(engine)() as session:
            count = session.scalar(select(func.count()).select_from(Region).where(Region.year == 2024))
            assert count == len(regions(2024))
            eak = session.scalar(select(func.sum(PopulationCount.persons)).where(
                PopulationCount.year == 2024, PopulationCount.region_code.in_(members(2024, "EAK"))))
            assert eak == population(2024, "EAK")
            groups = session.scalars(select(RegionMembership.region_code).where(
                RegionMembership.year == 2024, RegionMembership.aggregate_code == "EKG13")).all()
            assert groups == ["0301"]
            loads = session.scalar(select(func.count()).select_from(ReferenceLoad))
            assert loads == 6  # three data sets per run, two runs
    finally:
        engine.dispose()
    assert calls == [(1, 2), (2, 2), (1, 2), (2, 2)]
