"""Rule files: loading, rejection with file/rule/line, duplicates, and every embedded case."""

from __future__ import annotations

from pathlib import Path

import pytest

import kostra
from kostra.controls.language import Rule, Schema, run_case
from kostra.controls.rule_definitions import find_rule_files, load_rule_file, load_rules, schema_from_yaml
from kostra.errors import DefinitionError

HERE = Path(__file__).parent / "rules"
SCHEMA = schema_from_yaml(HERE / "schema.yaml")
DEFINITIONS = Path(kostra.__file__).parent / "definitions"


def _cases() -> list[object]:
    found = []
    for path, schema in [*((p, SCHEMA) for p in find_rule_files(HERE)),
                         *((p, Schema(open=True, year=int(p.parent.parent.name)))
                           for p in sorted(DEFINITIONS.glob("*/rules/*.yaml")))]:
        for rule in load_rule_file(path, schema):
            for index, case in enumerate(rule.cases):
                found.append(pytest.param(rule, case, schema, id=f"{path.name}:{rule.name}:{index}"))
    return found


@pytest.mark.parametrize(("rule", "case", "schema"), _cases())
def test_every_embedded_case(rule: Rule, case: object, schema: Schema) -> None:
    assert run_case(rule, case, schema) == case.expect, f"{rule.file} line {case.line}"


def test_loader_keeps_file_line_and_metadata() -> None:
    rules = {r.name: r for r in load_rules([HERE], SCHEMA, year=2025)}
    rule = rules["s5_enerom_le_rom"]
    assert rule.file.endswith("skjema5.yaml") and rule.line == 5 and rule.expr_line == 10
    assert rule.label["en"] == "Single rooms cannot exceed rooms" and rule.year_from == 2024
    assert rules["s5_plasser_institusjoner"].expr_line == 37
    assert "s5_enerom_le_rom" not in {r.name for r in load_rules([HERE], SCHEMA, year=2023)}


def _write(tmp_path: Path, name: str, rules: str, form: str = "skjema5") -> Path:
    path = tmp_path / name
    path.write_text(f"kind: rules\nversion: 1\nform: {form}\nrules:\n{rules}", encoding="utf-8")
    return path


@pytest.mark.parametrize(("rules", "line", "what"), [
    ("  - name: a\n    label: {nb: x}\n    expr: 'rom_i_alt >'\n", 7, "expected a value"),
    ("  - name: a\n    label: {nb: x}\n    expr: |\n      rom_i_alt > 0\n       and nope > 1\n", 9,
     "unknown field 'nope'"),
    ("  - name: a\n    label: {nb: x}\n    expr: 'true + 1 > 0'\n", 7, "expected number"),
    ("  - name: ok\n    label: {nb: x}\n    expr: 'rom_i_alt > 0'\n  - name: a\n    label: {nb: x}\n"
     "    expr: 'rom_i_alt > 0'\n    severity: HUGE\n", 8, "severity"),
    ("  - name: a\n    label: {nb: x}\n    expr: 'rom_i_alt > 0'\n    colour: red\n", 5, "colour"),
    ("  - name: a\n    label: {nb: x}\n    expr: \"accounts(function='FGX', art='AGD9') > 0\"\n", 7,
     "column 19: accounts(): unknown function 'FGX' in the 2025 accounts definitions"),
])
def test_invalid_rule_files_are_rejected_with_file_rule_and_line(
        tmp_path: Path, rules: str, line: int, what: str) -> None:
    path = _write(tmp_path, "bad.yaml", rules)
    with pytest.raises(DefinitionError) as caught:
        load_rule_file(path, SCHEMA)
    assert what in str(caught.value)
    assert caught.value.file == str(path) and caught.value.line == line


def test_duplicate_rule_names_in_a_year_name_both_files(tmp_path: Path) -> None:
    rule = "  - name: same\n    label: {nb: x}\n    years: {from: 2024}\n    expr: 'rom_i_alt > 0'\n"
    first, second = _write(tmp_path, "a.yaml", rule), _write(tmp_path, "b.yaml", rule)
    with pytest.raises(DefinitionError) as caught:
        load_rules([tmp_path], SCHEMA)
    assert str(first) in str(caught.value) and str(second) in str(caught.value)
    second.write_text(second.read_text().replace("{from: 2024}", "{from: 2020, to: 2023}"))
    assert len(load_rules([tmp_path], SCHEMA)) == 2
