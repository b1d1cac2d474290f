"""A real HTTP server for browser tests: uvicorn in a background thread on a free local port.

The database is a temporary SQLite file seeded by the test factories (two municipalities, one
institution each, their reporters and a statistician), so a browser can log in as ``demo-3401``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users

from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app

__all__ = ["free_port", "live_server", "seeded_sqlite"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seeded_sqlite(folder: Path) -> str:
    """A migrated SQLite database in ``folder`` holding the factories' units and users."""
    url = f"sqlite:///{folder / 'kostra.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    try:
        with Session(engine) as session:
            add_units_and_users(session)
    finally:
        engine.dispose()
    return url


@contextmanager
def live_server(home: Path, *, startup_timeout: float = 20.0,
                prepare: Callable[[FastAPI], None] | None = None) -> Iterator[str]:
    """Serve the app on a free port for the duration of the block; yields the base URL.

    ``prepare`` may set up the app before it serves (e.g. hand the statbank its published tables).
    """
    url = seeded_sqlite(home)
    port = free_port()
    app = create_app(Settings(home=home, database_url=url, secret_key="browser-test-secret",
                              base_url=f"http://127.0.0.1:{port}"))
    if prepare is not None:
        prepare(app)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port} within {startup_timeout} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
