"""The test suite runs from a clone of the repository alone (issue 10, point 1).

Its data lives in ``tests/data`` with provenance and licence beside it; no test may read the project's
``shared`` folder, and CI may not skip what a developer's machine skips.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DATA = TESTS / "data"
# Spelled in pieces so that this file does not match itself.
_WORD = "sha" + "red"
_FORBIDDEN = re.compile("|".join([
    _WORD + "/",                      # the folder beside the repository, its data and specs
    "[\"']" + _WORD + "[\"']",        # Path(...) / "<word>"
    "KOSTRA_" + _WORD.upper() + "_DATA",
]))
_LICENCES = ("MIT", "CC BY")
_MAX_BYTES = 2_000_000  # about 1 MB today; a copy of a whole data set would not fit


def _offences(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _FORBIDDEN.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_test_refers_to_the_shared_folder() -> None:
    code = [*sorted(TESTS.rglob("*.py")), ROOT / ".ci" / "run", ROOT / "pyproject.toml"]
    assert _offences(code) == []


def test_the_readme_does_not_send_testers_to_the_shared_folder() -> None:
    assert _offences([ROOT / "README.md"]) == []


def test_the_forbidden_pattern_catches_what_it_should() -> None:
    assert _FORBIDDEN.search(f'ROOT.parent / "{_WORD}" / "data"')
    assert _FORBIDDEN.search(f"../{_WORD}/data/kontrollprogram")
    assert _FORBIDDEN.search(f"os.environ['KOSTRA_{_WORD.upper()}_DATA']")
    assert not _FORBIDDEN.search(f"two {_WORD} cores")


def test_every_data_folder_has_its_provenance_and_a_free_licence() -> None:
    index = (DATA / "README.md").read_text(encoding="utf-8")
    folders = sorted(p for p in DATA.iterdir() if p.is_dir())
    assert folders, "tests/data holds no data"
    for folder in folders:
        provenance = folder / "PROVENANCE.md"
        assert provenance.is_file(), f"{folder.name} has no PROVENANCE.md"
        text = provenance.read_text(encoding="utf-8")
        assert any(licence in text for licence in _LICENCES), f"{folder.name}: no MIT or CC BY licence named"
        assert f"`{folder.name}/`" in index, f"tests/data/README.md does not list {folder.name}/"


def test_test_data_stays_small() -> None:
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size < _MAX_BYTES, f"tests/data holds {size:,} bytes"


pytest_plugins = ["pytester"]


def test_ci_turns_a_skip_into_a_failure(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest((TESTS / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_skips="import pytest\n\ndef test_needs_a_browser():\n"
                                   "    pytest.skip('Chromium not found')\n")
    monkeypatch.setenv("KOSTRA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("CI", "true")
    in_ci = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    in_ci.assert_outcomes(failed=1)
    assert "skipped in CI" in in_ci.stdout.str() and "Chromium not found" in in_ci.stdout.str()
    monkeypatch.setenv("CI", "")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(skipped=1)
