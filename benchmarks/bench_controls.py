"""Benchmark: a full-year control run on the demo year, and one unit's form re-validated as the portal does it.

Usage: ``python benchmarks/bench_controls.py [--home DIR] [--units N] [--runs 3]``. Without ``--home`` a demo is
built in a temporary folder (all units take about 1.5 minutes; ``--units N`` builds a smaller one). With
``--home`` an existing demo there (KOSTRA_HOME) is reused when it has a database. Prints figures, asserts nothing.
Targets (issue 5): full run ≤ 3 s on 2 cores; one form re-validated ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kostra.catalog.forms import load_catalog
from kostra.catalog.validation import Unit, validate_values
from kostra.controls.form_rules import form_rule_problems
from kostra.controls.runs import run_controls, run_outcomes
from kostra.controls.snapshot import load_snapshot
from kostra.demo.builder import DemoOptions, build_demo
from kostra.demo.registers import registers_step
from kostra.followup.values import latest_submissions
from kostra.settings import Settings
from kostra.store.models import Unit as UnitRow

YEAR = 2025


def _prepare(home: Path, units: int | None) -> Settings:
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    if not (home / "kostra.sqlite3").exists():
        started = time.perf_counter()
        build_demo(settings, DemoOptions(year=YEAR, limit_units=units))
        print(f"demo built in {time.perf_counter() - started:.1f} s")
        with Session(create_engine(settings.effective_database_url)) as session:
            registers_step(session, DemoOptions(year=YEAR, limit_units=units, home=home), lambda d, t: None)
            session.commit()
    return settings


def _full_runs(settings: Settings, runs: int) -> None:
    engine = create_engine(settings.effective_database_url)
    for attempt in range(1, runs + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            snapshot = load_snapshot(session, YEAR)
            loaded = time.perf_counter()
            outcome = run_outcomes(snapshot)
            evaluated = time.perf_counter()
            session.rollback()
            total_started = time.perf_counter()
            run = run_controls(session, YEAR, actor="bench")
            session.commit()
            total = time.perf_counter() - total_started
            hits, rules, units = run.hits, run.rules, run.units
        print(f"run {attempt}: load {loaded - started:.2f} s, rules + checks + scores {evaluated - loaded:.2f} s "
              f"({outcome.results.height} results, {hits} hits, {rules} rules and checks, "
              f"{units} units); run_controls end to end incl. storing {total:.2f} s")
    engine.dispose()


def _one_form(settings: Settings, repeats: int = 200) -> None:
    engine = create_engine(settings.effective_database_url)
    with Session(engine) as session:
        submission = next(s for s in latest_submissions(session, YEAR, "5") if s.state != "nil")
        row = session.get(UnitRow, submission.unit_code)
        assert row is not None
        raw = json.loads(submission.values_json)
    form = load_catalog(YEAR).form("5")
    unit = Unit(code=row.code, kind=row.kind, population=row.population)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        validated = validate_values(form, raw, unit=unit)
        form_rule_problems(form, validated.values, unit, YEAR, "nb")
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"one unit's form 5 re-validated ({repeats} runs): median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(0.95 * len(timings)) - 1]:.1f} ms")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="KOSTRA_HOME with a demo to reuse (or build).")
    parser.add_argument("--units", type=int, default=None, help="Build only this many municipalities.")
    parser.add_argument("--runs", type=int, default=3, help="Full runs to time (the first is cold).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        home.mkdir(parents=True, exist_ok=True)
        settings = _prepare(home, args.units)
        _full_runs(settings, args.runs)
        _one_form(settings)


if __name__ == "__main__":
    main()
