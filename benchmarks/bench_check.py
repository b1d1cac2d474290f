"""Benchmark ``kostra check`` on large files as a user runs it: wall time and peak memory of the whole process.

Run: ``python benchmarks/bench_check.py [--records 500000] [--sosial 150000] [--runs 3]``.

- accounts: the real 0A sample (``benchmarks/data``, 1 644 records) repeated to ``--records`` records and
  checked as ``kostra check --form 0AK4 --year 2019 --region 040200 --quarter 4`` (a report of ≈ 3 400 entries);
- 11F: ``--sosial`` records from the demo generator (no real 11F file of that size is public).

Each run starts ``<python> <bin>/kostra check … --format json FILE`` cold, stdout to a file, and measures the
child's own peak RSS (``os.wait4``). The files are written by a helper process, so that this process stays
small: a child's peak RSS includes what it inherited from its parent before ``exec``. Prints every run, then
min and median against the targets, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "data" / "0A_V2019_K4_R040200_OK.dat"
# (seconds, MB) per file kind: issue 10
TARGETS: dict[str, tuple[float, float]] = {"accounts": (1.5, 400.0), "11F": (2.0, 400.0)}


ARGUMENTS: dict[str, list[str]] = {
    "accounts": ["--form", "0AK4", "--year", "2019", "--region", "040200", "--quarter", "4"],
    "11F": ["--form", "11F", "--year", "2025", "--region", "110300"],
}


def file_data(kind: str, n: int) -> bytes:
    """accounts: the real sample's records repeated (and cut) to ``n``; 11F: ``n`` generated records."""
    if kind == "accounts":
        records = [line + b"\n" for line in SAMPLE.read_bytes().splitlines() if line]
        return b"".join((records * -(-n // len(records)))[:n])
    from kostra.demo.generate_sosial import generate

    return generate("11F", 2025, "110300", n, seed=1)


def write_file(kind: str, n: int, path: Path) -> None:
    """Write the file in a helper process (see the module docstring)."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); from bench_check import file_data; "
            f"open({str(path)!r}, 'wb').write(file_data({kind!r}, {n}))")
    subprocess.run([sys.executable, "-c", code], check=True)


def launcher() -> list[str]:
    """The console script a user runs (``-m kostra.cli`` when it is not installed beside the interpreter)."""
    script = Path(sys.executable).with_name("kostra")
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "kostra.cli"]


def run_once(path: Path, args: list[str], out: Path) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MB, exit code and CPU seconds (user + system) of one cold ``kostra check``."""
    with out.open("wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen([*launcher(), "check", *args, "--format", "json", str(path)], stdout=sink)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, child.returncode, usage.ru_utime + usage.ru_stime


def _entries(out: Path) -> int:
    return out.read_bytes().count(b'"ruleName"')  # without parsing: this process stays small


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500_000, help="Accounts records.")
    parser.add_argument("--sosial", type=int, default=150_000, help="11F records.")
    parser.add_argument("--runs", type=int, default=3, help="Cold runs per file.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind, n in (("accounts", options.records), ("11F", options.sosial)):
            path, out, args = Path(folder) / f"{kind}.dat", Path(folder) / f"{kind}.json", ARGUMENTS[kind]
            write_file(kind, n, path)
            size = path.stat().st_size
            target_s, target_mb = TARGETS[kind]
            walls, peaks = [], []
            for run in range(1, options.runs + 1):
                wall, peak, code, cpu = run_once(path, args, out)
                walls.append(wall)
                peaks.append(peak)
                print(f"{kind:<9} run {run}: wall {wall:5.2f} s  cpu {cpu:5.2f} s  peak {peak:4.0f} MB  exit {code}  "
                      f"entries {_entries(out)}  load {_load()}")
            verdict = "OK" if min(walls) <= target_s and max(peaks) <= target_mb else "OVER TARGET"
            print(f"{kind:<9} {n:>8} records {size / 1e6:5.1f} MB: wall min "
                  f"{min(walls):.2f} s median {statistics.median(walls):.2f} s (≤ {target_s} s), peak min "
                  f"{min(peaks):.0f} MB median {statistics.median(peaks):.0f} MB max {max(peaks):.0f} MB "
                  f"(≤ {target_mb:.0f} MB)  {verdict}  [cpus {os.cpu_count()}, load {_load()}]")


if __name__ == "__main__":
    main()
