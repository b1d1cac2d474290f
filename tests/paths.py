"""Where the tests' own data lives: ``tests/data`` inside the repository (see ``tests/data/README.md``).

Nothing in the test suite reads outside the repository; ``tests/test_self_contained.py`` checks it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["KLASS", "LAYOUTS", "ORACLE", "POPULATION", "SAMPLES", "TEST_DATA", "package_layout"]

TEST_DATA = Path(__file__).parent / "data"
SAMPLES = TEST_DATA / "kontrollprogram" / "samples"
ORACLE = TEST_DATA / "oracle-kostra-r"
POPULATION = TEST_DATA / "population"
KLASS = TEST_DATA / "klass"
# The record layouts are shipped in the package as unchanged copies of SSB's files;
# tests/data/kontrollprogram/layouts.sha256 holds the upstream checksums that prove it.
LAYOUTS = Path(str(files("kostra.intake").joinpath("layouts")))


def package_layout(form: str, year: int) -> Path:
    """The shipped copy of SSB's ``file_description_<form>_<year>.yaml``."""
    return LAYOUTS / str(year) / f"{form}.yaml"
