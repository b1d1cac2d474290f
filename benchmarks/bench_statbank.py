"""Statbank API benchmark: data queries for one table, 50 concurrent clients, uvicorn in a subprocess.

Run: ``python benchmarks/bench_statbank.py [--clients 50] [--requests 40] [--workers 1 2]``.

Target (issue 14, point 9): p95 ≤ 100 ms for a statbank data query on one table with 50 concurrent clients.

Load model
  * The table: every region of the 2025 structure (municipalities, districts, counties, KOSTRA groups and
    the country's aggregates, ≈ 430) × 12 key figures × 5 years (2021–2025), ≈ 26 000 cells with a seeded
    random 3 % suppressed, held by the server as a published table (``app.state.statbank``).
  * uvicorn serves the real app in a subprocess on 127.0.0.1 (``--workers`` processes); the clients are
    ``httpx.AsyncClient`` in this process, on the same two cores.
  * Each client asks ``GET /api/v2/tables/BENCH1/data`` for one municipality with its KOSTRA group, county
    and the country, every key figure, ``Tid=top(5)``, as JSON-stat 2.0 (240 cells), then CSV every fifth
    query; a closed loop (the next query when the answer is in), ``--requests`` queries per client after
    one unmeasured warm-up each, and at most ``--seconds`` per scenario. Latency is measured in the client
    from sending to reading the whole answer; anything but 200 counts as failed.
  * "server CPU … ms/query": the CPU time of the uvicorn processes over the scenario divided by the queries
    answered (``/proc``): what a query costs the server, independent of the other load on the machine.
  * "paced": each client waits 1 s ± 0.3 s (uniform) between queries, like a person or a polite script
    (≈ 50 queries/s offered); "burst": no wait, 50 queries always outstanding (a stress test: its latency
    is mostly queueing behind the other 49, on two cores shared with the load generator).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_P95_MS = 100.0
YEAR = 2025
YEARS = tuple(str(y) for y in range(2021, 2026))
FIGURES = tuple(f"KF{i:02d}" for i in range(1, 13))


def bench_table() -> object:
    """The benchmark's published table (see the module's docstring)."""
    from kostra.reference.regions import regions
    from kostra.web.statbank_source import Cell, Dimension, ReleaseInfo, StatTable, Value

    rng = random.Random(14)
    codes = [(r.code, r.name) for r in regions(YEAR)]
    cells = {(code, figure, year): (Cell(None, ":") if rng.random() < 0.03 else Cell(round(rng.uniform(0, 1e5), 1)))
             for code, _ in codes for figure in FIGURES for year in YEARS}
    return StatTable(
        id="BENCH1", title={"nb": "Benchmark-tabell", "en": "Benchmark table"},
        dimensions=(
            Dimension("Region", {"nb": "Region", "en": "Region"},
                      tuple(Value(c, {"nb": n, "en": n}) for c, n in codes), "geo"),
            Dimension("ContentsCode", {"nb": "Statistikkvariabel", "en": "Contents"},
                      tuple(Value(f, {"nb": f, "en": f}) for f in FIGURES), "metric"),
            Dimension("Tid", {"nb": "År", "en": "Year"}, tuple(Value(y, {"nb": y, "en": y}) for y in YEARS), "time"),
        ),
        cells=cells, decimals=1,
        release=ReleaseInfo("bench", YEAR, "preliminary", "2026-03-15T08:00:00+01:00"),
    )


def app_factory() -> object:
    """The app for uvicorn's ``--factory``: an empty database, and the benchmark table as published."""
    from kostra.settings import Settings
    from kostra.store import upgrade
    from kostra.web.app import create_app
    from kostra.web.statbank_source import MemorySource

    home = Path(os.environ["KOSTRA_BENCH_HOME"])
    url = f"sqlite:///{home / f'statbank-{os.getpid()}.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(home=home, database_url=url, secret_key="bench-secret"))
    app.state.statbank = MemorySource([bench_table()])  # type: ignore[list-item]
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench_statbank:app_factory", "--app-dir", str(HERE),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
               "--no-access-log"]
    env = {**os.environ, "KOSTRA_BENCH_HOME": str(home), "KOSTRA_BASE_URL": f"http://127.0.0.1:{port}"}
    OUT.mkdir(exist_ok=True)
    log = (OUT / "statbank-server.log").open("ab")
    server = subprocess.Popen(command, env=env, stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v2/tables", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"uvicorn did not answer on {base} within 90 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def queries(municipalities: list[tuple[str, list[str]]]) -> list[str]:
    out = []
    for i, (code, compared) in enumerate(municipalities):
        region = ",".join([code, *compared])
        fmt = "csv" if i % 5 == 4 else "json-stat2"
        out.append(f"/api/v2/tables/BENCH1/data?valueCodes[Region]={region}&valueCodes[ContentsCode]=*"
                   f"&valueCodes[Tid]=top(5)&outputFormat={fmt}")
    return out


def _municipalities() -> list[tuple[str, list[str]]]:
    from kostra.reference.regions import aggregates_of, region, regions

    out = []
    for info in regions(YEAR, "kommune"):
        parents = aggregates_of(YEAR, info.code)
        levels = {region(YEAR, p).level: p for p in parents}
        out.append((info.code, [p for p in (levels.get("kostragruppe"), levels.get("fylke"), "EAK") if p]))
    return out


async def client_loop(base: str, paths: list[str], n: int, until: float, latencies: list[float],
                      failures: list[int], rng: random.Random | None) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await client.get(paths[0])  # warm-up, not measured
        if rng is not None:
            await asyncio.sleep(rng.uniform(0, 1))
        for i in range(n):
            if rng is not None and i:
                await asyncio.sleep(rng.uniform(0.7, 1.3))
            if time.perf_counter() > until:
                break
            started = time.perf_counter()
            try:
                ok = (await client.get(paths[i % len(paths)])).status_code == 200
            except httpx.TransportError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            failures[0] += 0 if ok else 1


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of process ``root`` and its descendants so far (Linux ``/proc``): the
    server's own cost, whatever else the machine runs."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid and child not in tree]
    return sum(times.get(pid, 0.0) for pid in tree)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def scenario(base: str, clients: int, requests: int, seconds: float, workers: int, paced: bool,
                   server: int) -> None:
    every = queries(_municipalities())
    rng = random.Random(9)
    pace = random.Random(10) if paced else None
    latencies: list[float] = []
    failures = [0]
    server_cpu = _tree_cpu(server)
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client_loop(base, rng.sample(every, 20), requests, until, latencies, failures, pace)
                           for _ in range(clients)))
    took = time.perf_counter() - started
    per_query = (_tree_cpu(server) - server_cpu) / max(1, len(latencies) + clients) * 1000  # warm-ups too
    p95 = percentile(latencies, 95)
    verdict = "OK" if p95 <= TARGET_P95_MS else "OVER TARGET"
    name = "paced" if paced else "burst"
    print(f"{workers} worker(s), {clients} clients, {name:<6} n={len(latencies):>5} failed={failures[0]:<3} "
          f"{len(latencies) / took:7.1f}/s  p50={percentile(latencies, 50):6.1f}  p95={p95:6.1f}  "
          f"p99={percentile(latencies, 99):6.1f}  max={max(latencies):6.1f}  mean={statistics.fmean(latencies):6.1f} ms"
          f"  p95≤{TARGET_P95_MS:.0f} ms: {verdict}  server CPU {per_query:.2f} ms/query"
          f"  (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--requests", type=int, default=40, help="queries per client (default 40)")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long per scenario (default 60)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn workers to try")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"latency in ms, measured in the client")
    with tempfile.TemporaryDirectory(prefix="kostra-bench-statbank-") as folder:
        for workers in args.workers:
            server, base = start_server(Path(folder), workers)
            try:
                for paced in (True, False):
                    asyncio.run(scenario(base, args.clients, args.requests, args.seconds, workers, paced,
                                         server.pid))
            finally:
                stop_server(server)


if __name__ == "__main__":
    main()
