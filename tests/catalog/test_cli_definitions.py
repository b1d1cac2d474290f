"""``kostra definitions``: invoked on the click group directly (it works before registration)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kostra.catalog.forms import load_catalog
from kostra.cli.definitions import definitions
from tests.catalog.conftest import MINIMAL_FORM, line_of, write_form


def test_check_all_years() -> None:
    result = CliRunner().invoke(definitions, ["check"])
    assert result.exit_code == 0, result.output
    forms = len(load_catalog(2025).forms())
    assert f"2025: {forms} forms" in result.output and "2024:" in result.output
    assert " 0 rules" not in result.output


def test_check_runs_the_rule_cases(tmp_path: Path) -> None:
    write_form(tmp_path, MINIMAL_FORM)
    rules = tmp_path / "2025" / "rules"
    rules.mkdir()
    text = """kind: rules
version: 1
form: skjema9
rules:
  - name: t_plasser
    label: {nb: "Plasser", en: "Places"}
    expr: "har_tilbud implies plasser > 0"
    cases:
      - given: {har_tilbud: true, plasser: 0}
        expect: pass
"""
    (rules / "9.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(definitions, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert f"line {line_of(text, '- given')}, rule 't_plasser': case expects pass, the rule gives fail" \
        in result.output
    (rules / "9.yaml").write_text(text.replace("plasser > 0", "plasser >= 0"), encoding="utf-8")
    result = CliRunner().invoke(definitions, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 0 and "2025: 1 forms (1 web), 4 fields, 1 rules: OK" in result.output
    (rules / "9.yaml").write_text(text.replace("plasser > 0", "senger > 0"), encoding="utf-8")
    result = CliRunner().invoke(definitions, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "senger" in result.output


def test_check_reports_file_item_and_line(tmp_path: Path) -> None:
    text = MINIMAL_FORM.replace('id: "1.2"', 'id: "1.1"')
    path = write_form(tmp_path, text)
    result = CliRunner().invoke(definitions, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2
    line = line_of(text, "name: plasser") - 1
    assert f"{path}, line {line}, item '1.1': duplicate field id '1.1'" in result.output
    assert "Traceback" not in result.output


def test_check_unknown_year() -> None:
    result = CliRunner().invoke(definitions, ["check", "--year", "1999"])
    assert result.exit_code == 2 and "unknown year 1999" in result.output


def test_forms_as_json() -> None:
    result = CliRunner().invoke(definitions, ["forms", "--year", "2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["form"]: row for row in json.loads(result.output)}
    assert rows["5"]["deadline"] == "2026-01-15" and rows["PSYK"]["deadline"] == "2026-02-16"
    assert rows["5"]["fields"] == len(load_catalog(2025).form("5").fields())
    assert rows["0A"]["delivery"] == "accounts" and rows["0A"]["minutes_per_unit"] > 0


def test_fields_of_one_form_as_csv() -> None:
    result = CliRunner().invoke(definitions, ["fields", "--year", "2025", "--form", "5", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("id,name,label,type")
    assert any(line.startswith("3.2,rom_i_alt,Rom i alt,integer,antall") for line in lines)
    assert "3.1 in (sykehjem, aldershjem)" in result.output


def test_fields_of_unknown_form() -> None:
    result = CliRunner().invoke(definitions, ["fields", "--year", "2025", "--form", "99"])
    assert result.exit_code == 2 and "no form '99' in 2025" in result.output
