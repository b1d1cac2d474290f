"""``kostra methods suppress`` as a user runs it: R's CSV on the reference cases, one-line errors on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.disclosure.oracle import DATA

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", "import sys; from kostra.cli import main; main(sys.argv[1:])",
                           "methods", "suppress", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False)


def test_reference_case_byte_for_byte_with_audit() -> None:
    done = _run("--data", str(DATA / "f05_oslo_bydel_pz_input.csv"),
                "--hierarchies", f"region={DATA / 'f05_oslo_bydel_pz_h_region.csv'}", "--hierarchies", "kjonn=Total",
                "--freqVar", "antall", "--maxN", "3", "--protectZeros", "TRUE", "--audit")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DATA / "f05_oslo_bydel_pz_output.csv").read_text(encoding="utf-8")
    assert "audit passed" in done.stderr
    assert "region=030101, kjonn=1" in done.stderr


def test_formula_case() -> None:
    done = _run("--fun", "SuppressDominantCells", "--data", str(DATA / "v_mg08_input.csv"), "--numVar", "value",
                "--formula", "~sector2 * geo + sector4 * eu", "--contributorVar", "company", "--n", "1,2",
                "--k", "80,99")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DATA / "v_mg08_output.csv").read_text(encoding="utf-8")


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("region,orgnr,antall,utgift\n1101,A,3,10\n1103,B,5,20\n1106,C,7,x\n", encoding="utf-8")
    return path


def _hierarchy(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "h_region.csv"
    path.write_text("mapsFrom,mapsTo,sign\n" + rows, encoding="utf-8")
    return path


def _one_line_error(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for part in parts:
        assert part in lines[0], lines[0]


def test_hierarchy_with_a_cycle(tmp_path: Path, table: Path) -> None:
    h = _hierarchy(tmp_path, "1101,EKA11,1\n1103,EKA11,1\n1106,EKA11,1\nEKA11,EAK,1\nEAK,EKA11,1\n")
    _one_line_error(_run("--data", str(table), "--hierarchies", f"region={h}", "--freqVar", "antall"),
                    "cycle", "EKA11", "region")


def test_data_code_missing_from_the_hierarchy(tmp_path: Path, table: Path) -> None:
    h = _hierarchy(tmp_path, "1101,EKA11,1\n1103,EKA11,1\n")
    _one_line_error(_run("--data", str(table), "--hierarchies", f"region={h}", "--freqVar", "antall"),
                    str(table), "column region", "'1106'")


def test_negative_count(tmp_path: Path) -> None:
    path = tmp_path / "neg.csv"
    path.write_text("region,antall\n1101,3\n1103,-2\n", encoding="utf-8")
    _one_line_error(_run("--data", str(path), "--hierarchies", "region=Total", "--freqVar", "antall"),
                    str(path), "line 3", "column antall", "negative")


def test_value_column_not_numeric(table: Path) -> None:
    _one_line_error(_run("--fun", "SuppressDominantCells", "--data", str(table), "--hierarchies", "region=Total",
                         "--numVar", "utgift", "--n", "1", "--k", "80"), str(table), "line 4", "column utgift", "'x'")


def test_contributor_variable_that_does_not_exist(table: Path) -> None:
    _one_line_error(_run("--fun", "SuppressDominantCells", "--data", str(table), "--hierarchies", "region=Total",
                         "--numVar", "antall", "--contributorVar", "foretak", "--n", "1", "--k", "80"),
                    str(table), "contributorVar 'foretak'")


def test_bad_formula(table: Path) -> None:
    _one_line_error(_run("--data", str(table), "--formula", "~region + __import__('os')", "--freqVar", "antall"),
                    "formula")


def test_table_from_a_definition(tmp_path: Path) -> None:
    data = tmp_path / "brukere.csv"
    data.write_text("region,tjeneste,antall\n1103,HJS,2\n1103,PRB,9\n1106,HJS,5\n1106,PRB,8\n", encoding="utf-8")
    done = _run("--table", "helse_omsorg_brukere", "--year", "2025", "--data", str(data))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == '"region","tjeneste","antall","primary","suppressed"'
    # 1103 HJS = 2 is primary; with 1106 HJS = 5 and the county total published it would be revealed
    assert '"1103","HJS",2,TRUE,TRUE' in lines
    assert '"EKA11","HJS",7,FALSE,FALSE' in lines
    assert '"1106","HJS",5,FALSE,TRUE' in lines
    _one_line_error(_run("--table", "nope", "--year", "2025", "--data", str(data)), "no such table definition")


def test_missing_code_in_a_dimension(tmp_path: Path) -> None:
    path = tmp_path / "na.csv"
    path.write_text("region,antall\n1101,3\nNA,5\n", encoding="utf-8")
    _one_line_error(_run("--data", str(path), "--hierarchies", "region=Total", "--freqVar", "antall"),
                    str(path), "line 3", "column region", "missing")
