"""``kostra demo --no-serve`` builds the database and the start page shows what it holds."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.factories import TEST_BASE_URL

from kostra.cli import cli
from kostra.demo.builder import RELEASE_STEP, STEPS
from kostra.settings import Settings
from kostra.web.app import create_app


def test_demo_no_serve_builds_and_the_start_page_shows_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--units", "2", "--seed", "7"],
                                env={"KOSTRA_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "demo-3401" in result.stderr and "statistiker" in result.stderr
    # Every step is timed at the end, also a step added later: the table is built from the steps that ran
    table = result.stderr[result.stderr.index("Time per step:"):].splitlines()
    # the CLI also publishes the preliminary release
    assert [line.split("  ")[1] for line in table[1:-1]] == [step.label for step in [*STEPS, RELEASE_STEP]]
    assert table[-1].split()[0] == "total"
    assert (tmp_path / "kostra.sqlite3").exists()
    with TestClient(create_app(Settings(home=tmp_path, base_url=TEST_BASE_URL))) as client:
        years = {y["year"]: y for y in client.get("/index.json").json()["years"]}
    assert years[2024]["municipalities"] == 357 and years[2024]["population"] == 5_550_203


def test_demo_refuses_a_year_without_reference_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--year", "1999"], env={"KOSTRA_HOME": str(tmp_path)})
    assert result.exit_code == 2 and "1999" in result.stderr and "Traceback" not in result.output
