"""A web app on a fresh SQLite database with the factory units and users (reporters, statistician, admin)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import TEST_BASE_URL, add_units_and_users
from tests.web.browser import CHROMIUM_ARGS, TIMEOUT_MS, BrowserErrors, absent, chromium_path

from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    with TestClient(create_app(Settings(home=tmp_path, database_url=url, base_url=TEST_BASE_URL))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        absent("the playwright Python package is not installed")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def errors() -> BrowserErrors:
    return BrowserErrors(allowed=[])
