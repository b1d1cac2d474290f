"""Every numeric field has the thousand-error check and HB by default (issue 9, point 7).

On the demo's clean years (2024 controlled against 2023, across the 2024 reform; neither year has planted
errors), one unit's value of one numeric field at a time is multiplied by 1 000: the year-over-year checks
must hit that unit and field every time. ``factor_test`` is also run on the full demo for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kostra.catalog.form_models import NUMERIC_TYPES
from kostra.catalog.forms import load_catalog
from kostra.controls.language import ControlData
from kostra.controls.snapshot import Snapshot, load_snapshot
from kostra.controls.year_over_year import run_year_over_year, year_over_year_checks
from kostra.demo.builder import STEPS, DemoOptions
from kostra.settings import Settings
from kostra.store import create_engine_for, session_factory, upgrade

OPTIONS = DemoOptions(year=2025, seed=2025, limit_units=40, always_units=("0301", "3101", "1508", "1580", "030102"))
_STEPS = ("reference", "units", "pre-reform-year", "previous-year")


@dataclass(frozen=True)
class FactorTest:
    fields: int                  # numeric fields with a checkable unit (a value > 0 both years)
    caught: int                  # of those, hit on the multiplied unit and field
    missed: tuple[str, ...]      # form.field of the misses
    false_hits: int              # hits on units whose values were not changed, summed over the runs
    checked: int                 # unit × check results looked at for false hits
    skipped: tuple[str, ...]     # fields that opt out (skip_year_over_year) or have no checkable unit


def _multiplied(snapshot: Snapshot, column: str, unit: str) -> Snapshot:
    units = snapshot.data.units.with_columns(
        pl.when(pl.col("unit") == unit).then(pl.col(column) * 1000).otherwise(pl.col(column)).alias(column))
    data = ControlData(units=units, tables=snapshot.data.tables, previous=snapshot.data.previous)
    return replace(snapshot, data=data)


def factor_test(session: Session, year: int) -> FactorTest:
    """Multiply each numeric field of each form by 1 000 for one unit (the first, by code, with a value > 0
    both years) and run that field's year-over-year checks."""
    snapshot = load_snapshot(session, year)
    previous = snapshot.data.previous
    assert previous is not None
    checks = year_over_year_checks(year)
    caught, missed, skipped, false_hits, checked, fields = 0, [], [], 0, 0, 0
    for form in load_catalog(year).forms():
        for spec in form.fields():
            if spec.type not in NUMERIC_TYPES:
                continue
            column = f"{form.rule_form}.{spec.name}"
            mine = [c for c in checks if c.form == form.id and c.field == spec.name]
            unit = _checkable_unit(snapshot, previous, column, form.id)
            if not mine or unit is None:
                skipped.append(column)
                continue
            fields += 1
            results = run_year_over_year(mine, _multiplied(snapshot, column, unit))
            hits = results.filter(pl.col("outcome") == "fail")
            if unit in hits["unit_code"].to_list():
                caught += 1
            else:
                missed.append(column)
            false_hits += hits.filter(pl.col("unit_code") != unit).height
            checked += results.filter(pl.col("unit_code") != unit, pl.col("outcome") != "not_applicable").height
    return FactorTest(fields, caught, tuple(missed), false_hits, checked, tuple(skipped))


def _checkable_unit(snapshot: Snapshot, previous: ControlData, column: str, form_id: str) -> str | None:
    if column not in snapshot.data.units.columns or column not in previous.units.columns:
        return None
    reporting = {u for u, f in snapshot.reported if f == form_id and (u, f) not in snapshot.nil}
    both = snapshot.data.units.select("unit", pl.col(column).alias("x1")).join(
        previous.units.select("unit", pl.col(column).alias("x2")), on="unit").filter(
        (pl.col("x1") > 0) & (pl.col("x2") > 0) & pl.col("unit").is_in(sorted(reporting))).sort("unit")
    return both["unit"][0] if both.height else None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-yoy")
    url = f"sqlite:///{home / 'kostra.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    options = replace(OPTIONS, home=home)
    with session_factory(engine)() as session:
        for step in STEPS:
            if step.key in _STEPS:   # only the two clean years: no planted errors
                step.run(session, options, lambda done, total: None)
        session.commit()
    engine.dispose()
    assert Settings(home=home).home == home
    return home


def test_issue_9_a_thousandfold_value_of_any_numeric_field_is_hit(demo: Path) -> None:
    engine = create_engine(f"sqlite:///{demo / 'kostra.sqlite3'}")
    with Session(engine) as session:
        found = factor_test(session, 2024)
    engine.dispose()
    assert found.fields >= 80, found          # every numeric field of the six web forms but the opt-outs
    assert found.missed == () and found.caught == found.fields, found
    assert "skjema4.dagaktivitet_demens_dager" in found.skipped     # opts out, with its reason, in the definition
    # HB and the thousand-error check on clean data: few false hits (the report states the figure).
    assert found.false_hits <= 0.02 * found.checked, found


def test_vectorised_checks_flag_as_the_per_unit_methods_of_ssbs_r_formulas(demo: Path) -> None:
    from kostra.controls.statistical_checks import run_statistical_checks

    engine = create_engine(f"sqlite:///{demo / 'kostra.sqlite3'}")
    with Session(engine) as session:
        snapshot = load_snapshot(session, 2024)
    engine.dispose()
    checks = year_over_year_checks(2024)
    fast = run_year_over_year(checks, snapshot)
    slow = {(o.check.name, o.unit): o.outcome for o in run_statistical_checks(checks, snapshot)}
    assert fast.height == len(slow) > 10_000
    assert {(r, u): o for r, u, o in fast.select("rule", "unit_code", "outcome").iter_rows()} == slow
