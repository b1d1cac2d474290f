"""Accounts aggregation benchmark: every municipality's accounts for one year, kasse and konsern.

``python benchmarks/bench_accounts.py [--records 5000] [--saer 1000] [--runs 3]`` builds (once, cached in
``benchmarks/out/``) a kasse file with ``--records`` records for each of the year's 357 municipalities and a
særbedrift file with ``--saer`` records each (demo generator ``kostra.demo.generate_accounts``, forms 0A and
0M), then times the whole process ``kostra methods accounts --fun KostraRegnskap`` with the 2024 definitions
(function and art hierarchies, nettinger, formulas): konsern (A) and kasse (B) for every function group and
brutto/netto driftsutgifter (AGD9, AGD1), both kontoklasser, every municipality. Prints the wall time of each
run, the load average, and the phases of one run in-process (read, prepare, matrices, values, write).

Target (issue 11, point 5): ≤ 3 s for the whole process on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
YEAR = 2024
DEFINITIONS = ROOT / "src" / "kostra" / "definitions" / str(YEAR) / "accounts"


def _records(form: str, regions: list[str], n: int, seed: int) -> pl.DataFrame:
    from kostra.accounts.submitted import KASSE_FORMS, KONSERN_FORMS, to_engine_rows
    from kostra.demo.generate_accounts import generate
    from kostra.intake.fixedwidth import parse_records, read_lines
    from kostra.intake.layouts import load_layout

    layout = load_layout(form, YEAR)
    parts = []
    for i, region in enumerate(regions):
        content = generate(form, YEAR, f"{region}00", n, seed + i, scale=3.0)
        rows = to_engine_rows(parse_records(read_lines(content).frame, layout), {**KASSE_FORMS, **KONSERN_FORMS}[form])
        parts.append(rows.select(pl.lit(str(YEAR)).alias("periode"), pl.lit(region).alias("region"),
                                 "kontoklasse", "funksjon", "art", "belop"))
    return pl.concat(parts)


def inputs(records: int, saer: int) -> tuple[Path, Path, list[str]]:
    from kostra.reference.regions import regions

    OUT.mkdir(parents=True, exist_ok=True)
    municipalities = [r.code for r in regions(YEAR, "kommune")]
    kasse, saer_path = OUT / f"kasse_{YEAR}_{records}.csv", OUT / f"saer_{YEAR}_{saer}.csv"
    if not kasse.exists():
        print(f"building {kasse.name}: {len(municipalities)} municipalities × {records} records …", file=sys.stderr)
        _records("0A", municipalities, records, 11).write_csv(kasse)
    if not saer_path.exists():
        _records("0M", municipalities, saer, 7).write_csv(saer_path)
    return kasse, saer_path, municipalities


def _with_periode(name: str) -> Path:
    """The definition table with a periode column, as KostraRegnskap wants it."""
    target = OUT / f"def_{YEAR}_{name}"
    if not target.exists():
        frame = pl.read_csv(DEFINITIONS / name, infer_schema=False)
        frame.select(pl.lit(str(YEAR)).alias("periode"), pl.all()).write_csv(target)
    return target


def command(kasse: Path, saer: Path, out: Path) -> list[str]:
    from kostra.accounts.definitions import load_year

    groups = ",".join(load_year(YEAR).function_groups())
    args = [sys.executable, "-c", "from kostra.cli import main; main()", "methods", "accounts", "--fun",
            "KostraRegnskap",
            "--data", str(kasse), "--data_saer", str(saer), "--funksjoner", groups, "--arter", "AGD9,AGD1",
            "--out", str(out)]
    for name in ("funksjonshierarki", "artshierarki", "artshierarki_nettinger", "artshierarki_nettinger_kasse",
                 "formler"):
        args += [f"--{name}", str(_with_periode(f"{name}.csv"))]
    return args


def phases(args: list[str]) -> None:
    from kostra.accounts.codes import Warnings
    from kostra.accounts.engine import compute
    from kostra.accounts.prepare import PeriodTables, prepare
    from kostra.accounts.tables import read_csv

    def arg(name: str) -> Path:
        return Path(args[args.index(f"--{name}") + 1])

    t0 = time.perf_counter()
    tables = PeriodTables(read_csv(arg("data")), read_csv(arg("funksjonshierarki")), read_csv(arg("artshierarki")),
                          read_csv(arg("data_saer")), read_csv(arg("artshierarki_nettinger")),
                          read_csv(arg("artshierarki_nettinger_kasse")), None, read_csv(arg("formler")))
    t1 = time.perf_counter()
    prepared = prepare(tables, str(YEAR), Warnings())
    t2 = time.perf_counter()
    groups = args[args.index("--funksjoner") + 1].split(",")
    cells = [(k, f, a) for k in ("D", "I") for f in groups for a in ("AGD9", "AGD1")]
    regions = sorted(set(prepared.data.get_column("region")))
    computation = compute(prepared.definitions, prepared.data, prepared.data_saer, cells, regions)
    t3 = time.perf_counter()
    konsern, kasse = computation.values("konsern"), computation.values("kasse")
    t4 = time.perf_counter()
    print(f"phases (in-process): read CSV {t1 - t0:.2f} s · prepare (codes, hierarchies, checks) {t2 - t1:.2f} s"
          f" · matrices {t3 - t2:.2f} s · values {t4 - t3:.2f} s  ({konsern.size + kasse.size:,} cells,"
          f" {prepared.data.height:,} + {prepared.data_saer.height if prepared.data_saer is not None else 0:,}"
          " input rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--saer", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    kasse, saer, municipalities = inputs(options.records, options.saer)
    out = OUT / "accounts_out.csv"
    args = command(kasse, saer, out)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times, cpu = [], []
    for _ in range(options.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"kostra methods accounts failed: {done.stderr.strip().splitlines()[-1]}")
    rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    load = os.getloadavg()
    print(f"{len(municipalities)} municipalities × {options.records} kasse + {options.saer} særbedrift records "
          f"→ {rows:,} output rows (A and B)")
    print(f"whole process: {', '.join(f'{t:.2f}' for t in times)} s (median {statistics.median(times):.2f} s; "
          f"target ≤ 3 s); CPU (user + sys) {', '.join(f'{t:.2f}' for t in cpu)} s; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    phases(args)


if __name__ == "__main__":
    main()
