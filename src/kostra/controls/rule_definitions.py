"""Load rule files: YAML → frozen pydantic models (``extra="forbid"``) → type-checked rules.

A rule file (``kind: rules``, ``version: 1``) names the default form of its bare field names and
lists rules with name, label, description, severity, validity years, tolerance, expression and
embedded test cases. Every rule is parsed and type-checked against a schema when loaded; any
problem is a DefinitionError naming the file, the rule and the line. Each rule keeps its file and
line. Two rules with the same name valid in a common year are rejected, naming both files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kostra.controls.filecheck.model import Severity
from kostra.controls.language import Case, Outcome, Rule, Schema, compile_rule
from kostra.errors import DefinitionError

__all__ = ["RuleFileModel", "find_rule_files", "load_rule_file", "load_rules", "schema_from_yaml"]

# libyaml's safe loader (C) when installed, else PyYAML's own: both construct plain data only.
_SAFE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TextModel(_Frozen):
    nb: str
    en: str | None = None


class YearsModel(_Frozen):
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None


class CaseModel(_Frozen):
    given: dict[str, Any]
    expect: Literal["pass", "fail", "not_applicable"]
    previous: dict[str, Any] | None = None
    accounts: list[dict[str, Any]] | None = None
    population: list[dict[str, Any]] | None = None
    registers: dict[str, Any] | None = None
    nil: list[str] = []


class RuleModel(_Frozen):
    name: str = Field(pattern=r"^[A-Za-z0-9_æøåÆØÅ .:\-]+$")
    label: TextModel
    description: TextModel | None = None
    severity: Literal["FATAL", "ERROR", "WARNING", "INFO"] = "ERROR"
    form: str | None = None
    years: YearsModel = YearsModel()
    tolerance: float = Field(default=1e-8, ge=0)
    expr: str
    fields: list[str] | None = None
    on_nil: Literal["not_applicable", "evaluate"] = "not_applicable"
    cases: list[CaseModel] = []
    meta: dict[str, Any] = {}


class RuleFileModel(_Frozen):
    kind: Literal["rules"]
    version: Literal[1]
    form: str
    rules: list[RuleModel]


def _lines(text: str) -> tuple[list[int], list[int], list[list[int]]]:
    """1-based lines of each rule, of each rule's expression text, and of each rule's cases."""
    root = yaml.compose(text, Loader=_SAFE)
    rule_lines: list[int] = []
    expr_lines: list[int] = []
    case_lines: list[list[int]] = []
    if not isinstance(root, yaml.MappingNode):
        return rule_lines, expr_lines, case_lines
    for key, value in root.value:
        if key.value != "rules" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            rule_lines.append(item.start_mark.line + 1)
            fields = dict((k.value, v) for k, v in item.value) if isinstance(item, yaml.MappingNode) else {}
            expr = fields.get("expr")
            block = isinstance(expr, yaml.ScalarNode) and expr.style in ("|", ">")
            expr_lines.append(expr.start_mark.line + 1 + block if expr is not None else item.start_mark.line + 1)
            cases = fields.get("cases")
            case_lines.append([c.start_mark.line + 1 for c in cases.value]
                              if isinstance(cases, yaml.SequenceNode) else [])
    return rule_lines, expr_lines, case_lines


def _parse(path: Path) -> tuple[RuleFileModel, tuple[list[int], list[int], list[list[int]]]]:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_SAFE)  # a safe loader: no arbitrary objects
        lines = _lines(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DefinitionError(f"cannot read rule file: {exc}", file=str(path)) from None
    try:
        return RuleFileModel.model_validate(data), lines
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        index = loc[1] if len(loc) > 1 and loc[0] == "rules" and isinstance(loc[1], int) else None
        line = lines[0][index] if index is not None and index < len(lines[0]) else None
        where = ".".join(str(part) for part in loc)
        raise DefinitionError(f"{where}: {first['msg']} (got {first.get('input')!r})",
                              file=str(path), line=line) from None


def _case(model: CaseModel, line: int | None) -> Case:
    return Case(given=model.given, expect=Outcome(model.expect), previous=model.previous,
                accounts=None if model.accounts is None else tuple(model.accounts),
                population=None if model.population is None else tuple(model.population),
                registers=model.registers, nil=tuple(model.nil), line=line)


def _rule(path: Path, form: str, model: RuleModel, lines: tuple[int, int, list[int]]) -> Rule:
    rule_line, expr_line, case_lines = lines
    return Rule(
        name=model.name, expr=model.expr, form=model.form or form, severity=Severity[model.severity],
        tolerance=model.tolerance, label=model.label.model_dump(exclude_none=True),
        description=model.description.model_dump(exclude_none=True) if model.description else {},
        year_from=model.years.from_, year_to=model.years.to, on_nil=model.on_nil,
        fields=tuple(model.fields or ()),
        cases=tuple(_case(c, case_lines[i] if i < len(case_lines) else None) for i, c in enumerate(model.cases)),
        meta=model.meta, file=str(path), line=rule_line, expr_line=expr_line)


def load_rule_file(path: Path, schema: Schema) -> tuple[Rule, ...]:
    """Read, validate and type-check one rule file.

    Raises DefinitionError naming the file, the rule and the line of the first problem.
    Example: ``load_rule_file(Path("2025/rules/skjema5.yaml"), schema)``.
    """
    model, (rule_lines, expr_lines, case_lines) = _parse(path)
    rules = []
    for index, rule_model in enumerate(model.rules):
        rule = _rule(path, model.form, rule_model, (rule_lines[index], expr_lines[index], case_lines[index]))
        compiled = compile_rule(rule, schema)
        if rule.fields:
            _check_declared_fields(rule, set(compiled.fields))
        rules.append(rule)
    _check_duplicates(rules)
    return tuple(rules)


def _check_declared_fields(rule: Rule, read: set[str]) -> None:
    declared = {f if "." in f else f"{rule.form}.{f}" for f in rule.fields}
    if not declared <= read:
        missing = ", ".join(sorted(declared - read))
        raise DefinitionError(f"fields lists {missing} but the expression does not read them",
                              file=rule.file, item=rule.name, line=rule.line)


def _overlap(a: Rule, b: Rule) -> bool:
    low = max(a.year_from or 0, b.year_from or 0)
    high = min(a.year_to or 9999, b.year_to or 9999)
    return low <= high


def _check_duplicates(rules: Iterable[Rule]) -> None:
    seen: dict[str, list[Rule]] = {}
    for rule in rules:
        for other in seen.get(rule.name, []):
            if _overlap(rule, other):
                raise DefinitionError(
                    f"duplicate rule name {rule.name!r}: also defined in {other.file} line {other.line}; "
                    "rule names must be unique in a year", file=rule.file, item=rule.name, line=rule.line)
        seen.setdefault(rule.name, []).append(rule)


def find_rule_files(root: Path) -> list[Path]:
    """All ``*.yaml`` files under ``root`` that declare ``kind: rules``, sorted."""
    found = []
    for path in sorted(root.rglob("*.yaml")):
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        if any(line.strip() == "kind: rules" for line in head.splitlines()):
            found.append(path)
    return found


def load_rules(paths: Iterable[Path], schema: Schema, *, year: int | None = None) -> tuple[Rule, ...]:
    """Load several rule files (or folders of them), optionally keeping only rules valid in ``year``.

    Raises DefinitionError, also for a rule name defined in two files for a common year.
    """
    rules: list[Rule] = []
    for path in paths:
        for file in find_rule_files(path) if path.is_dir() else [path]:
            rules.extend(load_rule_file(file, schema))
    _check_duplicates(rules)
    return tuple(r for r in rules if year is None or r.valid_in(year))


def schema_from_yaml(path: Path) -> Schema:
    """A schema from a YAML file shaped like :meth:`Schema.from_mapping`'s argument."""
    data: Mapping[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE) or {}
    return Schema.from_mapping(data)
