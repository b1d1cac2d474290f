"""Full-release benchmark: one cold ``kostra publish`` process that makes a release of every table (suppression
and the joint LP audit included) and writes every table in every format (JSON-stat, PX, CSV, XLSX in both
languages, statbank files).

Run (after ``KOSTRA_HOME=/tmp/issue14-publish-home kostra demo --no-serve``):

    KOSTRA_HOME=/tmp/issue14-publish-home python benchmarks/bench_release.py [--runs 3] [--year 2025]

Target (issue 14, point 9): a full release ≤ 10 s, whole process, cold, on 2 cores.

What is timed: ``kostra publish --year Y --release correction --export DIR --timings`` on a copy of KOSTRA_HOME
(the demo's own home is not changed); a correction is the heaviest release (a new snapshot, every table,
suppression, audit, and the corrections log against the release before). When the copy has no final release
yet, one is made first, untimed. Each run is a new process (Python start and imports included) and a new
correction. Printed per run: wall and CPU time (user + system, ``os.wait4``), peak RSS, the load average, and
the phases the command reports (``--timings``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kostra.cli", *args]


def _timed(args: list[str], env: dict[str, str], folder: Path) -> tuple[float, float, float, str, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MB), stdout and stderr of one process."""
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own resource use
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{err.read_text()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read_text(), err.read_text()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold processes to time (default 3)")
    parser.add_argument("--year", type=int, default=2025, help="the demo's year (default 2025)")
    args = parser.parse_args()
    home = Path(os.environ.get("KOSTRA_HOME", ""))
    if not (home / "kostra.sqlite3").is_file():
        raise SystemExit("set KOSTRA_HOME to a home built by `kostra demo --no-serve` (kostra.sqlite3 missing)")
    print(f"{os.cpu_count()} CPUs, load average before: {_load()}")
    with tempfile.TemporaryDirectory(prefix="kostra-bench-release-") as folder:
        copy = Path(folder) / "home"
        shutil.copytree(home, copy)
        env = {**os.environ, "KOSTRA_HOME": str(copy), "KOSTRA_DATABASE_URL": f"sqlite:///{copy / 'kostra.sqlite3'}"}
        year = str(args.year)
        listed = subprocess.run(_command("publish", "--year", year, "--list", "--format", "csv"), env=env,
                                capture_output=True, text=True, check=True).stdout
        if ",final," not in listed:
            print("making the final release first (untimed) …")
            subprocess.run(_command("publish", "--year", year, "--release", "final", "--by", "bench"), env=env,
                           check=True, capture_output=True)
        for run in range(1, args.runs + 1):
            out_dir = Path(folder) / f"out-{run}"
            wall, cpu, rss, out, err = _timed(
                _command("publish", "--year", year, "--release", "correction", "--export", str(out_dir),
                         "--timings", "--by", "bench"), env, Path(folder))
            files = len(list(out_dir.iterdir()))
            verdict = "OK" if wall <= TARGET_SECONDS else "OVER TARGET"
            print(f"run {run}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB, {files} files written; "
                  f"≤ {TARGET_SECONDS:.0f} s: {verdict} (load average {_load()})")
            for line in out.strip().splitlines()[:1] + [x for x in err.splitlines() if " s wall " in x]:
                print("    " + line)


if __name__ == "__main__":
    main()
