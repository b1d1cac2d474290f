"""A small demo year, built once per test session and copied for each module (releases change it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kostra.demo.builder import DemoOptions, build_demo
from kostra.settings import Settings

# Kongsvinger, Oslo with Grünerløkka, and a few more municipalities with their institutions (form 5)
OPTIONS = DemoOptions(year=2025, seed=2025, limit_units=8, always_units=("0301", "3401", "030102"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("publish-demo")
    build_demo(Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}"), OPTIONS)
    return home


@pytest.fixture(scope="module")
def demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("publish") / "home"
    shutil.copytree(demo_template, home)
    return Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")


@pytest.fixture()
def session(demo: Settings) -> Iterator[Session]:
    with Session(create_engine(demo.effective_database_url)) as session:
        yield session
        session.commit()
