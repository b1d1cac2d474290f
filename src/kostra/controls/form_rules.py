"""The form rules of the rule language, evaluated for one unit while a person fills in a form.

The schema comes from the form catalogue (every field of every form of the year, with its type), so
a rule that names an unknown field or mixes types is rejected when the definitions load. Values are
parsed by the catalogue's validation first; the rules see numbers, not what was typed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.rules import find_rule_files, load_rules
from kostra.catalog.validation import Problem, Unit
from kostra.controls.filecheck.model import Severity
from kostra.controls.language import ControlData, Rule, Schema, compile_rules, evaluate
from kostra.controls.language.evaluate import CompiledRules

__all__ = ["DEFINITIONS", "form_rule_problems", "rules_of_year", "schema_of_year"]

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


@lru_cache(maxsize=8)
def schema_of_year(year: int) -> Schema:
    """Every field and table column of the year's forms, named as rules name them (``skjema5.enerom``)."""
    forms: dict[str, dict[str, dict[str, object]]] = {}
    for form in load_catalog(year).forms():
        fields: dict[str, object] = {}
        tables: dict[str, object] = {}
        for spec in form.fields():
            if spec.type is FieldType.TABLE:
                tables[spec.name] = {c.name: c.type.value for c in spec.columns or ()}
            else:
                fields[spec.name] = spec.type.value
        forms[form.rule_form] = {"fields": fields, "tables": tables}
    return Schema.from_mapping({"forms": forms})


@lru_cache(maxsize=8)
def rules_of_year(year: int) -> tuple[Rule, ...]:
    """The form rules valid in ``year`` (definitions/<year>/rules/*.yaml), type-checked on load."""
    root = DEFINITIONS / str(year) / "rules"
    if not root.is_dir():
        return ()
    return load_rules(find_rule_files(root), schema_of_year(year), year=year)


@lru_cache(maxsize=64)
def _compiled_for_form(year: int, rule_form: str) -> CompiledRules:
    rules = [r for r in rules_of_year(year) if r.form == rule_form]
    return compile_rules(rules, schema_of_year(year))


def form_rule_problems(form: Form, values: Mapping[str, object], unit: Unit, year: int,
                       lang: str) -> list[Problem]:
    """Failed form rules for one unit's answers, as problems at the first field each rule reads.

    Rules whose inputs are missing (another form, last year) are not applicable here and stay silent;
    the office's control runs evaluate them with all data.
    """
    compiled = _compiled_for_form(year, form.rule_form)
    if not len(compiled):
        return []
    data = ControlData.for_unit(_rule_values(form, values), form=form.rule_form, unit=unit.code)
    failures = evaluate(compiled, data).failures(Severity.INFO)
    by_name = {r.rule.name: r.rule for r in compiled.rules}
    problems = []
    for name, read in zip(failures["rule"].to_list(), failures["values"].to_list(), strict=True):
        rule = by_name[name]
        field_name = _first_field([*rule.fields, *json.loads(read or "{}")], form)
        field_id = next((f.id for f in form.fields() if f.name == field_name), field_name)
        text = rule.label.get(lang) or rule.label.get("nb", name)
        detail = rule.description.get(lang) or rule.description.get("nb", "")
        problems.append(Problem(field_id, field_name, f"rule:{name}", rule.severity,
                                f"{text}. {detail}".strip() if detail else text))
    return problems


def _rule_values(form: Form, values: Mapping[str, object]) -> dict[str, object]:
    """Parsed answers as the rules read them: tables as row lists, choices as comma-joined codes."""
    result: dict[str, object] = {}
    for spec in form.fields():
        value = values.get(spec.name)
        if value is None:
            continue
        if spec.type is FieldType.TABLE:
            result[spec.name] = [dict(row) for row in value if isinstance(row, Mapping)]  # type: ignore[union-attr]
        elif isinstance(value, list | tuple):
            result[spec.name] = ",".join(str(v) for v in value)
        elif isinstance(value, Decimal):
            result[spec.name] = float(value)
        else:
            result[spec.name] = value
    return result


def _first_field(read: list[str], form: Form) -> str:
    """The first field of ``form`` among the names a rule reads (its message goes there)."""
    names = {f.name for f in form.fields()}
    for name in read:
        bare = name.split(".")[-1]
        if bare in names:
            return bare
    return ""
