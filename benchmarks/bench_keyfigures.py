"""Key-figure benchmark: every key figure for every unit and every aggregate, each demo year, cold process.

``python benchmarks/bench_keyfigures.py [--home DIR] [--years 2023 2024 2025] [--runs 3] [--clear-cache]``. Without
``--home`` a demo is built in a temporary folder (``kostra demo --no-serve``, about a minute); with
``--home`` an existing demo there (KOSTRA_HOME) is reused. Each run is the whole process started from the
command line: ``kostra keyfigures compute --year Y --format parquet --output FILE`` (interpreter start,
imports, reading the year's dataset, 11F/11CF records, accounts through the engine, population, every
figure for every municipality, district and aggregate). Prints per run the wall time, the CPU time of the
process (user + system), the load average of the machine, and the figure count and phases the command
reports. Asserts nothing.

The command keeps derived data in KOSTRA_HOME/cache (the year's values, the accounts engine's output, the cut
11F/11CF records), each under a key over what it is derived from. ``--clear-cache`` deletes that folder before
each year's first run, so run 1 shows a process that must derive everything (as after new submissions) and
the later runs one that finds it; the ``cache`` column says which.

Target (issue 12, point 9): ≤ 2 s per year on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "KOSTRA_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}


def _demo(home: Path) -> None:
    if (home / "kostra.sqlite3").exists():
        return
    print(f"building the demo in {home} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "kostra.cli", "demo", "--no-serve"], env=_env(home), check=True,
                   stdout=subprocess.DEVNULL)


def _run(home: Path, year: int, output: Path) -> tuple[float, float, str, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kostra.cli", "keyfigures", "compute", "--year", str(year),
                           "--format", "parquet", "--output", str(output), "--population-stand-in"],
                          env=_env(home), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "", done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="KOSTRA_HOME with a demo to reuse (or build).")
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024, 2025])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clear-cache", action="store_true",
                        help="Delete KOSTRA_HOME/cache (derived data) before each year's first run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch) / "demo"
        home.mkdir(parents=True, exist_ok=True)
        _demo(home)
        print(f"{'year':>4}  {'run':>3}  {'cache':<7}  {'wall s':>7}  {'cpu s':>6}  {'load avg (1, 5, 15 min)':<24}  "
              "exit  figures and phases (from the command)")
        for year in args.years:
            for run in range(1, args.runs + 1):
                cleared = args.clear_cache and run == 1
                if cleared:
                    shutil.rmtree(home / "cache", ignore_errors=True)
                wall, cpu, summary, code = _run(home, year, Path(scratch) / f"kf_{year}.parquet")
                load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
                mark = "ok" if wall <= TARGET else "over"
                cache = "cleared" if cleared else "kept"
                print(f"{year:>4}  {run:>3}  {cache:<7}  {wall:7.2f}  {cpu:6.2f}  {load:<24}  {code:>4}  [{mark}] "
                      f"{summary}")
    print(f"target: ≤ {TARGET:.0f} s wall per year on 2 cores (whole process, cold)")


if __name__ == "__main__":
    main()
