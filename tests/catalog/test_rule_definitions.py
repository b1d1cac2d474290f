"""Form rules shipped as YAML: well-formed, unique names, every field name exists, every case holds."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import DEFINITIONS_ROOT, Catalog, load_catalog

YEARS = (2024, 2025)
WEB_FORMS = ("1", "4", "5", "7", "13", "PSYK")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEYWORDS = frozenset({"and", "or", "not", "implies", "in", "true", "false", "null", "True", "False"})


def rule_files(year: int) -> list[Path]:
    return sorted((DEFINITIONS_ROOT / str(year) / "rules").glob("*.yaml"))


def names_in(expr: str) -> set[str]:
    """Field names an expression reads: identifiers that are not keywords, functions, a function's keyword
    arguments (``accounts(function='265')``) or inside quotes."""
    text = _STRING.sub("''", expr)
    found = set()
    for match in _NAME.finditer(text):
        after = text[match.end():].lstrip()
        keyword_argument = after.startswith("=") and not after.startswith("==")
        if match.group() in _KEYWORDS or after.startswith("(") or keyword_argument:
            continue
        found.add(match.group())
    return found


def known(catalog: Catalog, name: str, default_form: str) -> bool:
    """Whether ``name`` (bare, form.field, table.column or form.table.column) exists in the catalogue."""
    forms = {f.rule_form: f for f in catalog.forms()}
    parts = name.split(".")
    form_name = parts[0] if parts[0] in forms and len(parts) > 1 else default_form
    rest = parts[1:] if parts[0] in forms and len(parts) > 1 else parts
    fields = {f.name: f for f in forms[form_name].fields()}
    if len(rest) == 1:
        return rest[0] in fields
    table = fields.get(rest[0])
    return len(rest) == 2 and table is not None and table.type is FieldType.TABLE and \
        rest[1] in {c.name for c in table.columns or ()}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


@pytest.mark.parametrize("year", YEARS)
def test_rule_files_are_well_formed_and_cover_every_web_form(year: int) -> None:
    catalog = load_catalog(year)
    stems = {p.stem for p in rule_files(year)}
    assert set(WEB_FORMS) <= stems and "cross" in stems
    names: Counter[str] = Counter()
    for path in rule_files(year):
        data = load(path)
        assert (data["kind"], data["version"]) == ("rules", 1), path
        assert data["form"] in {f.rule_form for f in catalog.forms()}, path
        if path.stem in WEB_FORMS:
            assert data["form"] == catalog.form(path.stem).rule_form
            assert 3 <= len(data["rules"]) <= 10, path
        for rule in data["rules"]:
            names[rule["name"]] += 1
            assert rule["severity"] in {"FATAL", "ERROR", "WARNING", "INFO"}
            assert rule["label"]["nb"] and rule["label"]["en"] and rule["description"]["nb"]
            assert rule["years"]["from"] <= year and (rule["years"]["to"] is None or rule["years"]["to"] >= year)
            assert {c["expect"] for c in rule["cases"]} >= {"pass", "fail"}, rule["name"]
    assert [n for n, count in names.items() if count > 1] == []
    severities = Counter(r["severity"] for p in rule_files(year) for r in load(p)["rules"])
    assert severities["WARNING"] >= 5 and severities["ERROR"] >= 10
    assert sum("prev(" in r["expr"] for p in rule_files(year) for r in load(p)["rules"]) >= 2


@pytest.mark.parametrize("year", YEARS)
def test_every_name_in_expressions_and_cases_exists(year: int) -> None:
    catalog = load_catalog(year)
    unknown = []
    for path in rule_files(year):
        data = load(path)
        for rule in data["rules"]:
            form = rule.get("form", data["form"])
            used = names_in(rule["expr"])
            for case in rule["cases"]:
                used |= set(case["given"]) | set(case.get("previous") or {})
            unknown += [f"{path.name}:{rule['name']}:{n}" for n in sorted(used) if not known(catalog, n, form)]
    assert unknown == []


def test_name_scanner_skips_functions_keywords_and_strings() -> None:
    expr = "coalesce(a, 0) + sum(t.c) <= skjema4.b and not is_missing(x) implies y in ('z', 2)"
    assert names_in(expr) == {"a", "t.c", "skjema4.b", "x", "y"}
    assert names_in("n > 0 implies accounts(function='265', art = 'AGD9') > 0 and m == 1") == {"n", "m"}
    catalog = load_catalog(2025)
    assert known(catalog, "skjema4.beboere_heldogn.menn", "skjema5")
    assert known(catalog, "kjopende_kommuner.plasser", "skjema5")
    assert not known(catalog, "kjopende_kommuner.senger", "skjema5")
    assert not known(catalog, "rom_i_alt", "skjema4")


@pytest.mark.parametrize("year", YEARS)
def test_rules_compile_and_cases_hold_in_the_rule_language(year: int) -> None:
    """Type-check every rule against the real form fields (a closed schema) and run its cases."""
    from kostra.controls.language import Schema, run_case
    from kostra.controls.rule_definitions import load_rule_file

    schema = Schema.from_mapping(load_catalog(year).schema_mapping())
    wrong = []
    for path in rule_files(year):
        for rule in load_rule_file(path, schema):
            wrong += [f"{path.name}:{rule.name}:{i}" for i, case in enumerate(rule.cases)
                      if run_case(rule, case, schema) != case.expect]
    assert wrong == []
