"""Benchmark the reporting portal: saving a field with validation, 100 concurrent users, on SQLite.

Run: ``python benchmarks/bench_portal.py [--users 100] [--seconds 20] [--workers 1 2] [--profile]``.

Target (issue 4, point 8): p95 ≤ 50 ms per save with 100 concurrent users on SQLite.

Load model
  * One temporary SQLite database (WAL) with ``--users`` municipalities, one institution each and one
    reporter per municipality (fast password hash: logging in is not what is measured).
  * uvicorn serves the real app in a subprocess (``--workers`` processes each), so the load generator
    does not share an interpreter with the server. Both run on the same machine.
  * Each simulated user has its own ``httpx.AsyncClient`` (own cookie jar), logs in through the login
    page, opens form 5 of its institution and takes the CSRF token from the page.
  * "paced": each user does what htmx does on every ``change`` event, POST the whole form to
    ``/portal/2025/5/<institution>/save`` with ``HX-Request: true`` and ``X-CSRF-Token``, then waits
    1 s ± 0.3 s (uniform) like a person moving to the next field. Users start spread over the first
    second. One unmeasured warm-up save per user comes first.
  * "burst": the same users save back to back with no wait (a closed loop of 100 outstanding requests):
    the worst case, not a realistic one.
  Latency is measured in the client, from sending the request to reading the whole response.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy.orm import Session

from kostra.access import Role, create_user
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.store.models import Unit

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_P95_MS = 50.0
LOGIN_CONCURRENCY = 8
PASSWORD = "bench-password"
FORM_ENCODED = "application/x-www-form-urlencoded"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- the server -------------------------------------------------------------------------------------


def app_factory() -> object:
    """The app for uvicorn's ``--factory``: database and home come from the environment."""
    from kostra.web.app import create_app

    url = os.environ["KOSTRA_BENCH_DB"]
    app = create_app(Settings(home=Path(os.environ["KOSTRA_BENCH_HOME"]), database_url=url,
                              secret_key="bench-secret"))
    pool = int(os.environ.get("KOSTRA_BENCH_POOL", "0"))
    if pool:  # try the proposed fix without touching the package: more connections than threads
        from sqlalchemy import create_engine, event

        from kostra.store import session_factory
        from kostra.store.database import _sqlite_pragmas

        app.state.engine.dispose()
        app.state.engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                         pool_size=pool, max_overflow=pool)
        event.listen(app.state.engine, "connect", _sqlite_pragmas)
        app.state.sessions = session_factory(app.state.engine)
    return app


def _orgnr(base: int) -> str:
    """A valid organisation number (mod 11) built from an 8-digit ``base``."""
    digits = [int(c) for c in f"{base:08d}"]
    remainder = sum(d * w for d, w in zip(digits, (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    check = (11 - remainder) % 11
    return f"{base:08d}{check}" if check != 10 else _orgnr(base + 1)


def seed(url: str, users: int) -> list[tuple[str, str]]:
    """Municipalities with one institution and one reporter each; returns (username, institution)."""
    upgrade(url)
    engine = create_engine_for(url)
    accounts: list[tuple[str, str]] = []
    with Session(engine) as session:
        for i in range(users):
            municipality = f"{5000 + i}"
            institution = _orgnr(91000000 + i * 7)
            session.add_all([
                Unit(code=municipality, kind="municipality", name=f"Testkommune {i}", population=10_000),
                Unit(code=institution, kind="institution", name=f"Testheimen {i}", orgnr=institution,
                     municipality_code=municipality),
            ])
            session.flush()
            create_user(session, username=f"bench-{municipality}", password=PASSWORD, role=Role.REPORTER,
                        unit_code=municipality, fast_hash=True)
            accounts.append((f"bench-{municipality}", institution))
        session.commit()
    engine.dispose()
    return accounts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(home: Path, url: str, workers: int, profile: Path | None,
                 pool: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn in a subprocess (optionally under cProfile); returns it once it answers."""
    port = _free_port()
    profiler = ["-m", "cProfile", "-o", str(profile)] if profile else []
    command = [sys.executable, *profiler, "-m", "uvicorn", "--factory", "bench_portal:app_factory",
               "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log"]
    env = {**os.environ, "KOSTRA_BENCH_HOME": str(home), "KOSTRA_BENCH_DB": url, "KOSTRA_BENCH_POOL": str(pool),
           "KOSTRA_BASE_URL": f"http://127.0.0.1:{port}"}
    OUT.mkdir(exist_ok=True)
    log = (OUT / "server.log").open("ab")  # server errors (e.g. pool time-outs) go here, not on screen
    server = subprocess.Popen(command, env=env, stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"uvicorn did not answer on {base} within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)  # graceful: cProfile writes its file on the way out
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


# --- the users --------------------------------------------------------------------------------------


@dataclass
class User:
    client: httpx.AsyncClient
    institution: str
    csrf: str = ""
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def save_url(self) -> str:
        return f"/portal/2025/5/{self.institution}/save"


def form_body(user: User, demens: int) -> list[tuple[str, str]]:
    """The whole form as the page posts it on a change: every field, empty ones included."""
    body = [("csrf_token", user.csrf), ("institusjonsnavn", f"Testheimen {user.institution}"),
            ("orgnr", user.institution), ("naeringskode", "87.102"), ("naeringskode_sn2025", "87.10"),
            ("tilbud__present", "1"), ("tilbud", "sykehjem")]
    numbers = {"rom_i_alt": 60, "enerom": 56, "rom_for_flere": 4, "brukertilpassede_enerom": 50,
               "plasser_i_alt": 64, "plasser_demens": demens, "plasser_psykiatri": 2, "plasser_rus": 0,
               "plasser_langtid": 50, "plasser_tidsbegrenset": 14, "plasser_rehabilitering": 6,
               "plasser_utredning": 4, "plasser_avlastning": 2, "plasser_kad": 1, "plasser_rus_behandling": 0,
               "plasser_lindrende": 1}
    body += [(name, str(value)) for name, value in numbers.items()]
    body += [("plasser_andre_kommuner_ja", "nei"), ("plasser_andre_kommuner", "")]
    body += [(f"kjopende_kommuner[{row}][{column}]", "") for row in range(2) for column in ("kommunenr", "plasser")]
    body += [("brukerundersokelse", "ja"), ("kontaktperson", "Kari Nordmann"),
             ("kontakt_epost", "kari@example.kommune.no"), ("merknad", "")]
    return body


async def log_in(base: str, username: str, institution: str) -> User:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/login")
    token = CSRF_INPUT.search(page.text)
    if token is None:
        raise RuntimeError("no csrf_token on the login page")
    answer = await client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                               "csrf_token": token[1]})
    if answer.status_code != 303:
        raise RuntimeError(f"login of {username} failed: HTTP {answer.status_code}")
    user = User(client=client, institution=institution)
    form = await client.get(f"/portal/2025/5/{institution}")
    token = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"form 5 of {institution} did not open for {username}: HTTP {form.status_code}")
    user.csrf = token[1]
    return user


async def save(user: User, demens: int, measure: bool = True) -> None:
    headers = {"HX-Request": "true", "X-CSRF-Token": user.csrf, "Content-Type": FORM_ENCODED}
    content = urlencode(form_body(user, demens))
    started = time.perf_counter()
    try:
        response = await user.client.post(user.save_url, content=content, headers=headers)
        ok = response.status_code == 200 and 'id="feedback"' in response.text
    except httpx.TransportError:  # e.g. a time-out: a failed save, counted with its waiting time
        ok = False
    elapsed = (time.perf_counter() - started) * 1000
    if measure:
        user.latencies_ms.append(elapsed)
        user.failures += 0 if ok else 1


async def user_loop(user: User, until: float, pace: bool, rng: random.Random) -> None:
    if pace:
        await asyncio.sleep(rng.uniform(0, 1))
    demens = 20
    while time.perf_counter() < until:
        demens = 41 - demens  # alternate 20/21: every save really changes a value
        await save(user, demens)
        if pace:
            await asyncio.sleep(rng.uniform(0.7, 1.3))


# --- running and reporting --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(label: str, users: list[User], seconds: float) -> dict[str, float]:
    latencies = [ms for u in users for ms in u.latencies_ms]
    failures = sum(u.failures for u in users)
    figures = {"count": len(latencies), "failed": failures, "per_s": len(latencies) / seconds,
               "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
               "p99": percentile(latencies, 99), "max": max(latencies), "mean": statistics.fmean(latencies)}
    verdict = "OK" if figures["p95"] <= TARGET_P95_MS else "OVER TARGET"
    print(f"{label:<28} n={figures['count']:>6} failed={failures:<3} {figures['per_s']:7.1f}/s  "
          f"p50={figures['p50']:7.1f}  p95={figures['p95']:7.1f}  p99={figures['p99']:7.1f}  "
          f"max={figures['max']:7.1f} ms  p95≤{TARGET_P95_MS:.0f} ms: {verdict}")
    return figures


async def scenario(base: str, accounts: list[tuple[str, str]], seconds: float, workers: int) -> None:
    # Logging in is not measured; 100 simultaneous page loads exhaust the connection pool (see README).
    gate = asyncio.Semaphore(LOGIN_CONCURRENCY)

    async def gated(name: str, institution: str) -> User:
        async with gate:
            return await log_in(base, name, institution)

    users = await asyncio.gather(*(gated(name, inst) for name, inst in accounts))
    await asyncio.gather(*(save(u, 20, measure=False) for u in users))  # warm-up, not measured
    rng = random.Random(2025)
    for pace, name in ((True, "paced 1 s ± 0.3 s"), (False, "burst (no wait)")):
        for u in users:
            u.latencies_ms.clear()
            u.failures = 0
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(user_loop(u, until, pace, rng) for u in users))
        report(f"{workers} worker(s), {name}", users, time.perf_counter() - started)
    await asyncio.gather(*(u.client.aclose() for u in users))


def print_profile(path: Path, top: int = 30) -> None:
    print(f"\ncProfile of the server's main thread (event loop), {path}:")
    stats = pstats.Stats(str(path))
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="concurrent users (default 100)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each scenario (default 20)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn workers to try")
    parser.add_argument("--profile", action="store_true", help="also run 1 worker under cProfile and print it")
    parser.add_argument("--pool", type=int, default=0,
                        help="override the SQLite connection pool (pool_size = max_overflow = N); 0 = as shipped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kostra-bench-") as folder:
        home = Path(folder)
        pool = f"pool {args.pool}+{args.pool}" if args.pool else "pool as shipped"
        print(f"{args.users} users, {args.seconds:.0f} s per scenario, SQLite ({pool}), {os.cpu_count()} CPUs; "
              f"latency in ms, measured in the client; server log: {OUT / 'server.log'}")
        for workers in args.workers:
            url = f"sqlite:///{home / f'portal-{workers}.sqlite3'}"
            accounts = seed(url, args.users)
            server, base = start_server(home, url, workers, profile=None, pool=args.pool)
            try:
                asyncio.run(scenario(base, accounts, args.seconds, workers))
            finally:
                stop_server(server)
        if args.profile:
            _profiled_run(home, args)


def _profiled_run(home: Path, args: argparse.Namespace) -> None:
    OUT.mkdir(exist_ok=True)
    profile = OUT / "portal.prof"
    url = f"sqlite:///{home / 'portal-profile.sqlite3'}"
    accounts = seed(url, args.users)
    server, base = start_server(home, url, 1, profile=profile, pool=args.pool)
    try:
        asyncio.run(scenario(base, accounts, args.seconds, 1))
    finally:
        stop_server(server)
    print_profile(profile)


if __name__ == "__main__":
    main()
