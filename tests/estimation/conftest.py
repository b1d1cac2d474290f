"""A hand-made reporting year: every municipality of 2025, form 1 for 2024 and 2025 with known values.

The true values follow a ratio model by KOSTRA group with noise (a fixed seed), so a test can leave units
out, estimate them and compare with what they would have reported.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from kostra.reference import regions
from kostra.reference.grouping import kostra_grouping
from kostra.reference.population_load import population_in_force
from kostra.store import create_engine_for
from kostra.store.models import Submission, Unit

YEAR = 2025
FIELD = "legetimer_f232"  # physician hours per week in nursing homes: decimal, additive


@dataclass(frozen=True)
class KnownYear:
    """The true 2025 values of every municipality, and last year's."""

    truth: dict[str, float]
    last_year: dict[str, float]


def stored(session: Session, year: int, unit: str, values: dict[str, object], state: str = "submitted") -> None:
    session.add(Submission(year=year, form_id="1", unit_code=unit, version=1, state=state,
                           values_json=json.dumps(values), worst_severity="OK", content_hash="e" * 64,
                           receipt_id=f"K{year}-1-{unit}-1", created_by=f"demo-{unit}",
                           comments_json=json.dumps({"nil": "ingen institusjoner"} if state == "nil" else {}),
                           created_at=datetime(year + 1, 2, 1, tzinfo=UTC)))


def known_year(seed: int = 12) -> KnownYear:
    """Hours per week = rate of the group × population/1000 × noise; 2025 = 2024 × growth × noise."""
    rng = random.Random(seed)
    grouping = kostra_grouping(None, YEAR)
    persons = population_in_force(None, YEAR).persons
    rates = {group: rng.uniform(0.4, 1.2) for group in sorted(set(grouping.groups.values()))}
    truth, last = {}, {}
    for code in sorted(grouping.groups):
        last[code] = round(rates[grouping.groups[code]] * persons[code] / 1000 * rng.lognormvariate(0, 0.25), 1)
        truth[code] = round(last[code] * 1.03 * rng.lognormvariate(0, 0.08), 1)
    return KnownYear(truth, last)


@pytest.fixture
def year_session(database_url: str) -> Iterator[Session]:
    """A migrated database with every municipality of 2025 as a unit (no submissions yet)."""
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        session.add_all([Unit(code=r.code, kind="municipality", name=r.name) for r in regions(YEAR, "kommune")])
        session.commit()
        yield session
    engine.dispose()
