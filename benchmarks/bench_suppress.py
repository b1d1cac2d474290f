"""Benchmark ``kostra methods suppress --audit``: a frequency table over the full region hierarchy.

Run: ``python benchmarks/bench_suppress.py [--year 2024] [--sizes 5 11 23 47] [--repeat 3]``.

Data: every municipality (Oslo as its districts) × N categories, counts Poisson(population × rate) with a
fixed seed, so small municipalities give small counts as real KOSTRA tables do. The region hierarchy of the
year (district → municipality → county → country, plus KOSTRA groups) comes from ``kostra.reference``.
Each size is run as a whole process from the command line (interpreter start, imports, reading,
suppression, audit, writing); the best of ``--repeat`` runs is reported as wall time and as the child's CPU
time (user + system), which a loaded machine disturbs less. With N = 5 the table has about 400 × 6 cells:
the issue's target is ≤ 2 s on 2 cores. N = 5, 11, 23, 47 gives 1×, 2×, 4×, 8× the cells.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kostra.disclosure.regions import region_links
from kostra.reference.population import population
from kostra.reference.regions import regions

TARGET_SECONDS = 2.0


def _write_inputs(folder: Path, year: int, categories: int) -> tuple[Path, Path, int]:
    rng = np.random.default_rng(2025)
    units = [r.code for r in regions(year, "kommune") if r.code != "0301"] + [r.code for r in regions(year, "bydel")]
    # five kinds of service from common (2 % of the population) to rare, repeated for bigger tables, so that
    # every size has the same share of small counts
    rates = 0.02 * 0.6 ** (np.arange(categories) % 5)
    data = folder / f"data_{categories}.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["region", "kategori", "antall"])
        for unit in units:
            try:
                people = population(year, unit)
            except Exception:  # a district without population figures: a typical district size
                people = 20000
            for k, rate in enumerate(rates):
                writer.writerow([unit, f"K{k + 1:02d}", int(rng.poisson(people * rate))])
    hierarchy = folder / "h_region.csv"
    with hierarchy.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mapsFrom", "mapsTo", "sign"])
        for link in region_links(year):
            writer.writerow([link.child, link.parent, link.sign])
    return data, hierarchy, len(units) * categories


def _run(data: Path, hierarchy: Path, output: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and the command's summary lines."""
    command = [sys.executable, "-c", "import sys; from kostra.cli import main; main(sys.argv[1:])",
               "methods", "suppress", "--fun", "SuppressSmallCounts", "--data", str(data),
               "--hierarchies", f"region={hierarchy}", "--hierarchies", "kategori=Total", "--freqVar", "antall",
               "--maxN", "3", "--audit", "--output", str(output)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"kostra methods suppress failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    summary = [line for line in done.stderr.splitlines() if " cells: " in line or line.startswith("audit ")]
    return elapsed, cpu, "; ".join(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 11, 23, 47], help="categories per table")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'categories':>10} {'inner':>6} {'cells':>6} {'wall s':>7} {'cpu s':>6} {'all runs wall (s)':<20} summary")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for categories in args.sizes:
            data, hierarchy, inner = _write_inputs(folder, args.year, categories)
            output = folder / "out.csv"
            times, cpus, summary = [], [], ""
            for _ in range(args.repeat):
                elapsed, cpu, summary = _run(data, hierarchy, output)
                times.append(elapsed)
                cpus.append(cpu)
            cells = sum(1 for _ in output.open(encoding="utf-8")) - 1
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{categories:>10} {inner:>6} {cells:>6} {min(times):>7.2f} {min(cpus):>6.2f} {runs:<20} {summary}")
            if categories == args.sizes[0]:
                verdict = "within" if min(times) <= TARGET_SECONDS else "over"
                print(f"{'':>10} target ≤ {TARGET_SECONDS:.0f} s for the first size: {verdict}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
