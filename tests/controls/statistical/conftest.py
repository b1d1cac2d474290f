"""Fixture locating the oracle outputs of R ``Kostra::Hb/ThError/Quartile`` (``tests/data/oracle-kostra-r``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.paths import ORACLE


@pytest.fixture(scope="session")
def oracle_dir() -> Path:
    return ORACLE
