"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured).

Database tests use the ``database_url`` fixture, parametrised over the available backends.
PostgreSQL runs when ``KOSTRA_TEST_POSTGRES_URL`` is set (CI sets it). On a machine without PostgreSQL
or Chromium those tests skip with the reason; under CI (``CI=true``) the URL must be set and any skip
is reported as a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kostra.store import create_engine_for, upgrade

POSTGRES_URL = os.environ.get("KOSTRA_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI must set KOSTRA_TEST_POSTGRES_URL: PostgreSQL tests may not be skipped in CI")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI nothing may skip: a missing PostgreSQL or Chromium there is a broken build, not a skip."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {reason}"


def _backends() -> list[object]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each backend; PostgreSQL gets its own throw-away database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kostra.sqlite3'}"
        upgrade(url)
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set KOSTRA_TEST_POSTGRES_URL (e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    yield from _postgres_database(POSTGRES_URL)


def _postgres_database(server_url: str) -> Iterator[str]:
    name = f"kostra_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
            ), {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on a fresh database of each backend holding the factory units and users
    (``tests.factories.add_units_and_users``); test modules may define their own ``session``."""
    from tests.factories import add_units_and_users

    engine = create_engine_for(database_url)
    with Session(engine) as db:
        add_units_and_users(db)
        yield db
    engine.dispose()
