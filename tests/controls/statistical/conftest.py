"""Fixture locating the oracle outputs of R ``Kostra::Hb/ThError/Quartile`` (shared data folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.shared import ORACLE


@pytest.fixture(scope="session")
def oracle_dir() -> Path:
    if not ORACLE.is_dir():
        pytest.skip(f"oracle folder not found at {ORACLE}")
    return ORACLE
