"""``kostra reference`` through the real click group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kostra.cli import cli


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KOSTRA groups are read from the configured database: give every test an empty one of its own."""
    monkeypatch.setenv("KOSTRA_HOME", str(tmp_path))
    monkeypatch.delenv("KOSTRA_DATABASE_URL", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["reference", *args])
    return result.exit_code, result.stdout, result.stderr


def test_population_json() -> None:
    code, out, _ = run("population", "--year", "2024", "--region", "EAK", "--format", "json")
    assert code == 0
    assert json.loads(out)[0]["persons"] == 5_550_203


def test_population_band_and_sex_csv() -> None:
    code, out, _ = run("population", "--year", "2024", "--region", "0301", "--age-from", "0",
                       "--age-to", "5", "--sex", "f", "--format", "csv")
    assert code == 0
    header, row = out.strip().splitlines()
    assert header.split(",")[-1] == "persons" and row.split(",")[5] == "f"


def test_regions_table_with_group_footnote() -> None:
    code, out, err = run("regions", "--year", "2024", "--level", "kostragruppe")
    assert code == 0
    assert "EKG17" in out and "APPROXIMATION" in err


def test_regions_csv_count() -> None:
    code, out, _ = run("regions", "--year", "2023", "--level", "kommune", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 1 + 356


def test_changes() -> None:
    code, out, _ = run("changes", "--from", "2023", "--to", "2024", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert {r["new_code"] for r in rows if r["kind"] == "split"} == {"1508", "1580"}


@pytest.mark.parametrize(("args", "message"), [
    (["population", "--year", "2030", "--region", "EAK"], "2020–2024"),
    (["population", "--year", "2024", "--region", "XYZ"], "unknown region 'XYZ'"),
    (["population", "--year", "2024", "--region", "0301", "--age-from", "9", "--age-to", "3"], "--age-to"),
    (["population", "--year", "2024", "--region", "0301", "--age-to", "200"], "0<=x<=105"),
    (["population", "--year", "2020", "--region", "EAB"], "2021–2024"),
    (["regions", "--year", "2019"], "2020–2026"),
    (["regions", "--year", "abc"], "not a valid integer"),
    (["changes", "--from", "2023", "--to", "2031"], "2020–2026"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""
