"""The form rules of the rule language, evaluated for one unit while a person fills in a form.

The schema comes from the form catalogue (every field of every form of the year, with its type), so
a rule that names an unknown field or mixes types is rejected when the definitions load. Values are
parsed by the catalogue's validation first; the rules see numbers, not what was typed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import Form, load_catalog
from kostra.catalog.validation import Problem, Unit
from kostra.controls.filecheck.model import Severity
from kostra.controls.language import ControlData, Rule, Schema, compile_rules, evaluate
from kostra.controls.language.evaluate import CompiledRule, CompiledRules
from kostra.controls.language.rule import Outcome
from kostra.controls.language.scalar import ScalarRule, Unsupported, compile_scalar
from kostra.controls.rule_definitions import find_rule_files, load_rules

__all__ = ["DEFINITIONS", "EntryRules", "entry_failures", "entry_rules", "form_rule_problems", "rules_of_year",
           "schema_of_year"]

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


@lru_cache(maxsize=8)
def schema_of_year(year: int) -> Schema:
    """Every field and table column of the year's forms, named as rules name them (``skjema5.enerom``),
    and the register measures of ``definitions/<year>/registers.yaml``."""
    return Schema.from_mapping(load_catalog(year).schema_mapping())


@lru_cache(maxsize=8)
def rules_of_year(year: int) -> tuple[Rule, ...]:
    """The form rules valid in ``year`` (definitions/<year>/rules/*.yaml), type-checked on load."""
    root = DEFINITIONS / str(year) / "rules"
    if not root.is_dir():
        return ()
    return load_rules(find_rule_files(root), schema_of_year(year), year=year)


@dataclass(frozen=True)
class EntryRules:
    """The rules checked while ``rule_form`` is typed in: in plain Python where they allow it, else Polars."""

    scalar: tuple[ScalarRule, ...]
    polars: CompiledRules
    order: tuple[str, ...]  # rule names in definition order: problems are listed in it

    def __len__(self) -> int:
        return len(self.scalar) + len(self.polars)


@lru_cache(maxsize=64)
def entry_rules(year: int, rule_form: str) -> EntryRules:
    """The rules of ``rule_form`` that read nothing but the form itself (fields and its own tables).

    Rules that read other forms, last year, accounts, population or registers cannot be decided while
    one form is typed in; leaving them out here keeps them silent (a missing input would otherwise
    count as zero under ``coalesce``) and keeps the hot path fast. The office's control runs have them.
    """
    schema = schema_of_year(year)
    compiled = compile_rules([r for r in rules_of_year(year) if r.form == rule_form], schema)
    own = [r for r in compiled.rules if _reads_only_form(r, rule_form)]
    scalar: list[ScalarRule] = []
    polars: list[CompiledRule] = []
    for rule in own:
        try:
            scalar.append(compile_scalar(rule, schema))
        except Unsupported:
            polars.append(rule)
    return EntryRules(tuple(scalar), CompiledRules(tuple(polars), schema), tuple(r.rule.name for r in own))


def _reads_only_form(compiled: CompiledRule, rule_form: str) -> bool:
    prefix = f"{rule_form}."
    return all(column.startswith(prefix) for column in compiled.fields) and all(
        not a.previous and a.source.startswith(f"table:{prefix}") for a in compiled.aggregates)


def entry_failures(rules: EntryRules, form: Form, values: Mapping[str, object],
                   unit_code: str = "0000") -> list[tuple[Rule, dict[str, object]]]:
    """The failed rules of one unit's answers, with the values each read, in rule order."""
    typed = _rule_values(form, values)
    for spec in form.fields():  # an untouched table has no rows (count 0, sums missing)
        if spec.type is FieldType.TABLE:
            typed.setdefault(spec.name, [])
    prefix = f"{form.rule_form}."
    fields = {prefix + k: v for k, v in typed.items() if not isinstance(v, list)}
    tables = {prefix + k: v for k, v in typed.items() if isinstance(v, list)}
    failed = {r.compiled.rule.name: (r.compiled.rule, r.values(fields, tables)) for r in rules.scalar
              if r.outcome(fields, tables) is Outcome.FAIL}
    if len(rules.polars):
        data = ControlData.for_unit(typed, form=form.rule_form, unit=unit_code)
        failures = evaluate(rules.polars, data).failures(Severity.INFO)
        by_name = {r.rule.name: r.rule for r in rules.polars.rules}
        for name, read in zip(failures["rule"].to_list(), failures["values"].to_list(), strict=True):
            failed[name] = (by_name[name], json.loads(read or "{}"))
    return [failed[name] for name in rules.order if name in failed]


def form_rule_problems(form: Form, values: Mapping[str, object], unit: Unit, year: int,
                       lang: str) -> list[Problem]:
    """Failed form rules for one unit's answers, as problems at the first field each rule reads.

    Rules whose inputs are missing (another form, last year) are not applicable here and stay silent;
    the office's control runs evaluate them with all data.
    """
    rules = entry_rules(year, form.rule_form)
    if not len(rules):
        return []
    problems = []
    for rule, read in entry_failures(rules, form, values, unit.code):
        field_name = _first_field([*rule.fields, *read], form)
        field_id = next((f.id for f in form.fields() if f.name == field_name), field_name)
        text = rule.label.get(lang) or rule.label.get("nb", rule.name)
        detail = rule.description.get(lang) or rule.description.get("nb", "")
        problems.append(Problem(field_id, field_name, f"rule:{rule.name}", rule.severity,
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
