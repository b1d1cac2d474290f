"""Benchmark ``kostra demo --no-serve`` as a user runs it: the whole process, cold, on a new database.

Run: ``python benchmarks/bench_demo.py [--runs 1] [--home DIR] [--units N]``.

Each run starts ``<python> <bin>/kostra demo --no-serve`` in a fresh ``KOSTRA_HOME`` (a temporary folder, or
``--home``/run-<i>, emptied first) and measures the child's wall time, its CPU time (user + system, all threads,
``os.wait4``) and peak RSS. The command prints its own wall and CPU time per step at the end (stderr); the
benchmark repeats that table and the load average before and after, since the machine may be shared.

Target (issue 10): ≤ 60 s for the whole process on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
_STEP = re.compile(r"^  (?P<label>.+?)\s+(?P<wall>[0-9.]+) s\s+(?P<cpu>[0-9.]+) s$")


def launcher() -> list[str]:
    """The console script a user runs (``-m kostra.cli`` when it is not installed beside the interpreter)."""
    script = Path(sys.executable).with_name("kostra")
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "kostra.cli"]


def run_once(home: Path, units: int | None) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stderr) of one cold ``kostra demo --no-serve`` in ``home``."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {**os.environ, "KOSTRA_HOME": str(home)}
    env.pop("KOSTRA_DATABASE_URL", None)
    command = [*launcher(), "demo", "--no-serve", *(["--units", str(units)] if units else [])]
    started = time.perf_counter()
    with (home / "stderr.txt").open("w+") as err:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        text = err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kostra demo failed:\n{text}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def step_lines(stderr: str) -> list[str]:
    """The per-step table the command printed (label, wall, CPU)."""
    return [line for line in stderr.splitlines() if _STEP.match(line)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--home", type=Path, default=None, help="folder for the runs' KOSTRA_HOME (default: temporary)")
    parser.add_argument("--units", type=int, default=None, help="only this many municipalities (a quick build)")
    options = parser.parse_args()
    base = options.home or Path(tempfile.mkdtemp(prefix="bench-demo-"))
    for run in range(1, options.runs + 1):
        load_before = os.getloadavg()
        wall, cpu, rss, stderr = run_once(base / f"run-{run}", options.units)
        load_after = os.getloadavg()
        verdict = "met" if wall <= TARGET_SECONDS else "NOT met"
        print(f"run {run}: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MB; target ≤ {TARGET_SECONDS:.0f} s "
              f"wall: {verdict}; load average {load_before[0]:.1f} → {load_after[0]:.1f}")
        for line in step_lines(stderr):
            print(line)
    if options.home is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
