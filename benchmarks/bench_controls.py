"""Benchmark: a full-year control run on the demo year, and one unit's form re-validated as the portal does it.

Usage: ``python benchmarks/bench_controls.py [--home DIR] [--units N] [--runs 3]``. Without ``--home`` a demo is
built in a temporary folder with ``kostra demo --no-serve`` (all units take about 1 minute; ``--units N`` builds
a smaller one). With ``--home`` an existing demo there (KOSTRA_HOME) is reused when it has a database; it should
be as ``kostra demo --no-serve`` left it, and it stays so: the command-line runs work on a copy.

Prints, with the load average:

* ``kostra controls run --year 2025`` as a user starts it (a cold process, wall and CPU = user + system): the
  first run right after the demo (its last steps, edits and approvals, came after the demo's own control run,
  so the cached year is brought up to date), then the following runs (the cache as the first run left it),
  from a fresh copy of the demo's KOSTRA_HOME each attempt;
* in-process phases of ``run_controls`` and one unit's form re-validated.

Asserts nothing. Targets (issue 5, issue 9 point 8): full run ≤ 3 s on 2 cores, also the first one after the
demo; one form re-validated ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
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
from kostra.followup.values import latest_submissions
from kostra.settings import Settings
from kostra.store.models import Unit as UnitRow

YEAR = 2025


ROOT = Path(__file__).resolve().parent.parent
# The console script ``kostra`` does exactly this; started through the interpreter so PYTHONPATH=src counts.
KOSTRA = [sys.executable, "-c", "import sys; from kostra.cli import main; sys.exit(main())"]


def _env(home: Path) -> dict[str, str]:
    source = str(ROOT / "src")
    path = os.environ.get("PYTHONPATH")
    return {**{k: v for k, v in os.environ.items() if k != "KOSTRA_DATABASE_URL"}, "KOSTRA_HOME": str(home),
            "PYTHONPATH": source if not path else f"{source}{os.pathsep}{path}"}


def _prepare(home: Path, units: int | None) -> Settings:
    if not (home / "kostra.sqlite3").exists():
        started = time.perf_counter()
        subprocess.run([*KOSTRA, "demo", "--no-serve", *(["--units", str(units)] if units else [])], check=True,
                       env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"demo built in {time.perf_counter() - started:.1f} s (kostra demo --no-serve)")
    return Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # Exit code 2 after a control run means ERROR findings in the data, which the demo has on purpose.
    done = subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1, 2) or b"internal error" in done.stderr:
        raise RuntimeError(done.stderr.decode())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cli_runs(home: Path, runs: int, following: int = 2) -> None:
    """``kostra controls run`` from the command line: first after the demo, then the following runs."""
    command = [*KOSTRA, "controls", "run", "--year", str(YEAR)]
    for attempt in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "home"
            shutil.copytree(home, copy, symlinks=True)
            figures = [_timed(command, _env(copy)) for _ in range(1 + following)]
        shown = "; ".join(f"{wall:.2f} s wall, {cpu:.2f} s CPU" for wall, cpu in figures[1:])
        print(f"cli {attempt}: kostra controls run, first after the demo {figures[0][0]:.2f} s wall, "
              f"{figures[0][1]:.2f} s CPU; following runs {shown} (target ≤ 3 s; load {_load()})")


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
        print(f"load average {_load()} (2 cores)")
        _cli_runs(home, args.runs)
        _full_runs(settings, args.runs)
        _one_form(settings)


if __name__ == "__main__":
    main()
