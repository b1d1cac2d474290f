"""Benchmark: the year's values and a full control run, each as a user runs it (a cold process per command).

Usage: ``python benchmarks/bench_dataset.py [--home DIR] [--runs 3]``. ``--home`` is a KOSTRA_HOME holding the
full demo (``PYTHONPATH=src KOSTRA_HOME=/tmp/kdemo-dataset kostra demo --no-serve``; built there when missing).
Each run copies the demo database first, so every control run stores into the same database.

Prints, per run: the wall time of ``kostra controls run --year 2025`` and of ``kostra dataset export --year 2025
--format parquet`` (whole process, from the command line), and the phases of a control run measured inside a
fresh process (imports, the year's values, last year's values, accounts, population and registers, rules and
checks, storing). Targets (issue 9 point 8): control run ≤ 3 s, export ≤ 2 s, on 2 cores. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2025
ROOT = Path(__file__).resolve().parent.parent

PHASES = r'''
import json, sys, time
clock = time.process_time  # CPU seconds: comparable on a shared machine; the wall times are measured outside
started = clock()
from sqlalchemy.orm import Session
from kostra.controls import snapshot as snap
from kostra.controls.runs import run_outcomes, store_results, with_submissions
from kostra.controls.form_rules import schema_of_year
from kostra.controls.language import ControlData
from kostra.controls.wide import tables_frames, units_frame
from kostra.dataset import year_values
from kostra.store import create_engine_for
from kostra.store.models import ControlRun
phases = {"imports": clock() - started}
from pathlib import Path
year, url, cache = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
engine = create_engine_for(url)
with Session(engine) as session:
    def timed(name, work):
        begun = clock()
        value = work()
        phases[name] = phases.get(name, 0.0) + clock() - begun
        return value
    units = timed("units and groups", lambda: snap._units(session, year, None))
    schema = timed("definitions", lambda: schema_of_year(year))
    current = timed("this year's values", lambda: year_values(session, year, expected=False, cache_dir=cache))
    frames = timed("this year's values", lambda: (units_frame(current, units, schema),
                                                  tables_frames(current, units, schema)))
    previous = timed("last year's values", lambda: snap._previous(session, year, units, schema, cache))
    accounts = timed("accounts (submitted files)", lambda: snap.accounts_frame(session, year, units, cache))
    population = timed("population and registers", lambda: snap._population(session, year))
    registers = timed("population and registers", lambda: snap._registers(session, year, units))
    data = ControlData(units=frames[0], tables=frames[1], previous=previous, accounts=accounts,
                       population=population[0], registers=registers)
    import polars as pl
    judged = current.filter(pl.col("submission_id").is_not_null()).select(
        "unit_code", "form_id", "submission_id", "version", (pl.col("status") == "nil").alias("nil")
    ).unique(["unit_code", "form_id"])
    submissions = {(u, f): (s, v) for u, f, s, v, _ in judged.iter_rows()}
    nil = frozenset((u, f) for u, f, _, _, n in judged.iter_rows() if n)
    snapshot = snap.Snapshot(year, data, units, frozenset(submissions), nil, population[1], submissions)
    outcome = timed("rules, checks and scores", lambda: run_outcomes(snapshot))
    def store():
        run = ControlRun(year=year, started_by="bench")
        session.add(run)
        session.flush()
        store_results(session, run, with_submissions(outcome.results, snapshot))
        session.commit()
    timed("storing results", store)
    phases["results"] = outcome.results.height
print(json.dumps(phases))
'''


def _demo(home: Path) -> Path:
    database = home / "kostra.sqlite3"
    if not database.exists():
        print(f"building the demo in {home} …", file=sys.stderr)
        subprocess.run([*_kostra(), "demo", "--no-serve"], check=True,
                       env={**os.environ, "KOSTRA_HOME": str(home), "PYTHONPATH": str(ROOT / "src")})
    return database


def _env(home: Path) -> dict[str, str]:
    source = str(ROOT / "src")
    return {**os.environ, "KOSTRA_HOME": str(home), "PYTHONPATH": source,
            "KOSTRA_DATABASE_URL": f"sqlite:///{home / 'kostra.sqlite3'}"}


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # Exit code 2 after a control run means ERROR findings in the data, which the demo has on purpose.
    done = subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1, 2) or b"internal error" in done.stderr:
        raise RuntimeError(done.stderr.decode())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _kostra() -> list[str]:
    found = shutil.which("kostra")
    return [found] if found else [sys.executable, "-c", "from kostra.cli import main; main()"]


SCENARIOS = (
    ("empty cache (first run in a new KOSTRA_HOME)", "empty"),
    ("cache kept, this year changed (last year and parsed accounts reused)", "this_year_changed"),
    ("cache kept, nothing changed", "unchanged"),
)


def _prepare_cache(cache: Path, scenario: str) -> None:
    if scenario == "empty":
        for path in cache.iterdir():
            path.unlink()
    elif scenario == "this_year_changed":
        for path in cache.glob(f"values-{YEAR}-*.parquet"):
            path.unlink()


def _one(database: Path, cache: Path, scenario: str) -> tuple[float, float, float, float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        shutil.copy(database, home / "kostra.sqlite3")
        (home / "cache").symlink_to(cache, target_is_directory=True)
        env = _env(home)
        _prepare_cache(cache, scenario)
        run_wall, run_cpu = _timed([*_kostra(), "controls", "run", "--year", str(YEAR)], env)
        export_wall, export_cpu = _timed([*_kostra(), "dataset", "export", "--year", str(YEAR), "--format",
                                          "parquet", "--output", str(home / "values.parquet")], env)
        shutil.copy(database, home / "kostra.sqlite3")
        _prepare_cache(cache, scenario)
        phases = json.loads(subprocess.run(
            [sys.executable, "-c", PHASES, str(YEAR), env["KOSTRA_DATABASE_URL"], str(cache)],
            check=True, env=env, capture_output=True, text=True).stdout)
    return run_wall, run_cpu, export_wall, export_cpu, phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=Path("/tmp/kdemo-dataset"))
    parser.add_argument("--runs", type=int, default=2, help="Runs of each scenario.")
    args = parser.parse_args()
    database = _demo(args.home)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    with tempfile.TemporaryDirectory() as kept:
        cache = Path(kept)
        for title, scenario in SCENARIOS:
            print(title)
            for attempt in range(1, args.runs + 1):
                run_wall, run_cpu, export_wall, export_cpu, phases = _one(database, cache, scenario)
                results = phases.pop("results")
                shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in phases.items())
                print(f"  run {attempt}: kostra controls run {run_wall:.2f} s wall ({run_cpu:.2f} s CPU; target "
                      f"≤ 3 s), kostra dataset export parquet {export_wall:.2f} s wall ({export_cpu:.2f} s CPU; "
                      "target ≤ 2 s)")
                print(f"    phases of a control run, CPU s in a fresh process: {shown}; {results} results stored")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
