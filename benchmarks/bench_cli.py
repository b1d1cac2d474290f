"""Benchmark ``kostra --help`` and every group's and command's ``--help``, each a cold process.

Run: ``python benchmarks/bench_cli.py [--runs 5] [--target 0.3]``. Every command path is found by walking
the click tree (so a new command is timed without editing this file), then started ``--runs`` times as
``<python> <bin>/kostra <path> --help`` (the console script a user runs; ``-m kostra.cli`` when it is not
installed beside the interpreter). Prints min and median wall time per command against the target,
the slowest commands first, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

from kostra.cli import cli


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path below ``command``: (), ("check",), ("controls",), ("controls", "run") …"""
    paths = [path]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                paths.extend(command_paths(sub, (*path, name)))
    return paths


def launcher() -> list[str]:
    """How a user starts the command: the installed console script, run by this interpreter."""
    script = Path(sys.executable).with_name("kostra")
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "kostra.cli"]


def time_help(start_command: list[str], path: tuple[str, ...], runs: int) -> list[float]:
    """Wall seconds of ``runs`` cold ``kostra PATH --help`` processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*start_command, *path, "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def baseline(runs: int) -> float:
    """Median wall seconds of a bare interpreter start, for comparison."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Cold starts per command.")
    parser.add_argument("--target", type=float, default=0.3, help="Target wall seconds per --help.")
    options = parser.parse_args()
    start_command = launcher()
    paths = command_paths(cli)
    print(f"load average before: {_load()}", file=sys.stderr)
    results = []
    for index, path in enumerate(paths, 1):
        print(f"[{index}/{len(paths)}] {' '.join(('kostra', *path, '--help'))}", file=sys.stderr)
        times = time_help(start_command, path, options.runs)
        results.append((path, min(times), statistics.median(times)))
    over = [r for r in results if r[2] > options.target]
    print(f"{'command':<40} {'min':>7} {'median':>7}  target ≤ {options.target} s")
    for path, low, middle in sorted(results, key=lambda r: -r[2]):
        verdict = "OK" if middle <= options.target else "OVER"
        print(f"{' '.join(('kostra', *path, '--help')):<40} {low:6.3f}s {middle:6.3f}s  {verdict}")
    medians = [r[2] for r in results]
    print(f"\n{len(results)} commands × {options.runs} runs: median of medians {statistics.median(medians):.3f} s, "
          f"slowest median {max(medians):.3f} s, fastest min {min(r[1] for r in results):.3f} s; "
          f"bare interpreter {baseline(options.runs):.3f} s; {len(over)} over target; "
          f"load average {_load()}; "
          f"cpus {os.cpu_count()}; launcher {' '.join(start_command)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
