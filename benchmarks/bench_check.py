"""Benchmark ``kostra check`` on large files: wall time and peak memory of the subprocess vs the targets.

Run: ``python benchmarks/bench_check.py [--records 500000] [--sosial 150000]``. Uses the demo generators
(``kostra.demo.generate_accounts`` / ``generate_sosial``) when importable, else a minimal record builder.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kostra.intake.layouts import Layout, load_layout

# The targets: time and memory for the accounts file, time only for 11F (None = no target).
TARGETS: dict[str, tuple[float, float | None]] = {"accounts": (1.5, 400.0), "11F": (2.0, None)}


def _minimal(layout: Layout, n: int) -> bytes:
    """Records that pass the layout: first code, right-justified 1 for integers, a valid date, else digits."""
    parts = []
    for field in layout.fields:
        if field.code_list:
            parts.append(field.code_list[0].code)
        elif field.data_type == "INTEGER_TYPE":
            parts.append("1".rjust(field.size))
        elif field.data_type == "DATE_TYPE":
            parts.append("01012025"[: field.size])
        else:
            parts.append("1" * field.size)
    return ("".join(parts) + "\n").encode("latin-1") * n


def _build(kind: str, n: int) -> tuple[bytes, list[str]]:
    if kind == "accounts":
        args = ["--form", "0A", "--year", "2025", "--region", "030100"]
        try:
            from kostra.demo.generate_accounts import generate

            return generate("0A", 2025, "030100", n, seed=1), args
        except Exception as error:  # generator missing or failing: fall back
            print(f"(accounts generator unavailable: {error}; using minimal records)", file=sys.stderr)
            return _minimal(load_layout("0A", 2025), n), args
    args = ["--form", "11F", "--year", "2025", "--region", "110300"]
    try:
        from kostra.demo.generate_sosial import generate as generate_sosial

        return generate_sosial("11F", 2025, "110300", n, seed=1), args
    except Exception as error:
        print(f"(11F generator unavailable: {error}; using minimal records)", file=sys.stderr)
        return _minimal(load_layout("11F", 2025), n), args


def _run(path: Path, args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one ``kostra check`` subprocess."""
    command = [sys.executable, "-m", "kostra.cli", "check", *args, "--format", "json", str(path)]
    code = (f"import sys; from kostra.cli import main; sys.argv={command[2:]!r}; main(sys.argv[1:])")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return wall, peak, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=500_000, help="Accounts records.")
    parser.add_argument("--sosial", type=int, default=150_000, help="11F records.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind, n in (("accounts", options.records), ("11F", options.sosial)):
            data, args = _build(kind, n)
            path = Path(folder) / f"{kind}.dat"
            path.write_bytes(data)
            wall, peak, code = _run(path, args)
            target_s, target_mb = TARGETS[kind]
            verdict = "OK" if wall <= target_s and (target_mb is None or peak <= target_mb) else "OVER TARGET"
            memory_target = f"≤ {target_mb:.0f} MB" if target_mb is not None else "no target"
            print(f"{kind:<9} {n:>8} records {len(data) / 1e6:7.1f} MB  wall {wall:5.2f} s (≤ {target_s} s)  "
                  f"peak {peak:6.0f} MB ({memory_target})  exit {code}  {verdict}  [cpus {os.cpu_count()}]")


if __name__ == "__main__":
    main()
