"""``kostra check`` end to end through click: outputs and exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kostra.cli import cli
from kostra.demo.generate_famvern import generate
from tests.paths import SAMPLES

BASE = ["check", "--form", "52AF", "--year", "2025", "--region", "667200"]


def test_clean_file_exits_0() -> None:
    result = CliRunner().invoke(cli, [*BASE, str(SAMPLES / "52AF_ok.dat")])
    assert result.exit_code == 0, result.output
    assert "Ingen feil funnet!" in result.output


def test_json_from_stdin_exits_2_with_official_fields() -> None:
    data = (SAMPLES / "52AF.dat").read_bytes()
    result = CliRunner().invoke(cli, [*BASE, "--format", "json", "-"], input=data)
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["validationSummary"]["numErrors"] == 14
    assert report["validationSummary"]["severity"] == 2


def test_warnings_exit_1_and_html_is_norwegian() -> None:
    data = generate("52AF", 2025, "667200", 4, seed=1, errors=["duplicate"])
    result = CliRunner().invoke(cli, [*BASE, "--format", "html"], input=data)
    assert result.exit_code == 1
    assert "Kontroll 006 : Dubletter har funnet 1 advarsler" in result.stdout
    assert "<style>" in result.stdout


def test_bad_region_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["check", "--form", "52AF", "--year", "2025", "--region", "66"], input=b"")
    assert result.exit_code == 2
    assert "invalid region '66'" in result.output
    assert "Traceback" not in result.output
