"""The plain-Python path for one unit gives the same outcome as the Polars path, rule by rule.

Every shipped form rule that the portal evaluates while typing is run on its embedded cases and on
random answers (missing values, zeros, values at the tolerance, table rows with gaps) through both
paths; tricky expressions of the language are checked the same way.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kostra.controls.form_rules import entry_rules, schema_of_year
from kostra.controls.language import ControlData, Outcome, Rule, Schema, compile_rules, evaluate
from kostra.controls.language.scalar import ScalarRule, Unsupported, compile_scalar
from kostra.controls.language.types import Kind


def _entry(year: int) -> list[ScalarRule]:
    schema = schema_of_year(year)
    found = []
    for form in sorted(schema.forms):
        found.extend(entry_rules(year, form).scalar)
    return found


SHIPPED = [pytest.param(year, rule, id=f"{year}-{rule.compiled.rule.name}") for year in (2024, 2025)
           for rule in _entry(year)]


def _polars_outcome(rule: ScalarRule, schema: Schema, values: dict[str, Any]) -> Outcome:
    compiled = compile_rules([rule.compiled.rule], schema)
    data = ControlData.for_unit(values, form=rule.compiled.rule.form)
    return evaluate(compiled, data).outcome(rule.compiled.rule.name, "0000")


def _scalar_outcome(rule: ScalarRule, values: dict[str, Any]) -> Outcome:
    form = rule.compiled.rule.form
    keyed = {(k if "." in k else f"{form}.{k}"): v for k, v in values.items()}
    fields = {k: v for k, v in keyed.items() if not isinstance(v, list)}
    tables = {k: v for k, v in keyed.items() if isinstance(v, list)}
    return rule.outcome(fields, tables)


def test_the_portal_has_rules_on_the_fast_path() -> None:
    assert len(SHIPPED) >= 40  # every shipped form rule of 2024 and 2025 reads only its own form


@pytest.mark.parametrize(("year", "rule"), SHIPPED)
def test_embedded_cases_agree(year: int, rule: ScalarRule) -> None:
    schema = schema_of_year(year)
    for case in rule.compiled.rule.cases:
        if case.previous or case.accounts or case.population or case.registers or case.nil:
            continue
        given = dict(case.given)
        for table in schema.tables:  # the portal passes untouched tables as no rows
            form, _, name = table.partition(".")
            if form == rule.compiled.rule.form:
                given.setdefault(name, [])
        assert _scalar_outcome(rule, given) == _polars_outcome(rule, schema, given) == case.expect


def _value(kind: Kind) -> st.SearchStrategy[Any]:
    if kind is Kind.BOOL:
        return st.sampled_from([True, False, None])
    if kind in (Kind.STRING, Kind.CODE):
        return st.sampled_from(["ja", "nei", "sykehjem", "", None])
    return st.one_of(st.none(), st.sampled_from([0, 1, 2, 10, 0.5, 1e-9, 100]),
                     st.integers(-5, 500), st.floats(0, 1000, allow_nan=False))


def _answers(rule: ScalarRule, schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    form = rule.compiled.rule.form
    strategies: dict[str, st.SearchStrategy[Any]] = {
        column.split(".", 1)[1]: _value(kind) for column, kind in schema.fields.items()
        if column.startswith(f"{form}.") and column in rule.compiled.fields}
    for table, columns in schema.tables.items():
        if table.startswith(f"{form}."):
            row = st.fixed_dictionaries({c: _value(k) for c, k in columns.items()})
            strategies[table.split(".", 1)[1]] = st.lists(row, max_size=4)
    return st.fixed_dictionaries(strategies)


@pytest.mark.parametrize(("year", "rule"), SHIPPED)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_answers_agree(year: int, rule: ScalarRule, data: st.DataObject) -> None:
    schema = schema_of_year(year)
    values = data.draw(_answers(rule, schema))
    assert _scalar_outcome(rule, values) == _polars_outcome(rule, schema, values)


SCHEMA = Schema.from_mapping({"forms": {"skjema5": {
    "fields": {"a": "integer", "b": "decimal", "c": "integer", "s": "text", "j": "yes_no"},
    "tables": {"rows": {"n": "integer", "k": "text"}}}}})
EXPRESSIONS = [
    "a == b", "a != b", "a <= b", "a >= b", "a < b", "a > b", "a + b * c == 10", "a / c > 1", "ratio(a, c) <= 2",
    "-a < b", "not (a > b)", "a > 0 and b > 0", "a > 0 or b > 0", "a > 0 implies b > 0", "a in (1, 2, 3)",
    "a not in (1, 2)", "s in ('ja', 'nei')", "is_missing(a) or a > 0", "coalesce(a, b, 0) > 1",
    "between(a, b, c)", "max(a, b) > c", "min(a, b) <= c", "abs(a - b) <= 1", "sum(rows.n) == a",
    "mean(rows.n) >= b", "max(rows.n) > 2", "min(rows.n) < 1", "count(rows) == c", "count(rows, rows.n > 1) >= 1",
    "count(rows, rows.k == 'x') == 0", "j == true implies a > 0",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_language_constructs_agree(expr: str, data: st.DataObject) -> None:
    rule = Rule("r", expr, "skjema5", tolerance=0.5)
    [compiled] = compile_rules([rule], SCHEMA).rules
    scalar = compile_scalar(compiled, SCHEMA)
    row = st.fixed_dictionaries({"n": _value(Kind.NUMBER), "k": st.sampled_from(["x", "y", None])})
    values = data.draw(st.fixed_dictionaries({
        "a": _value(Kind.NUMBER), "b": _value(Kind.NUMBER), "c": _value(Kind.NUMBER),
        "s": _value(Kind.STRING), "j": _value(Kind.BOOL), "rows": st.lists(row, max_size=4)}))
    assert _scalar_outcome(scalar, values) == _polars_outcome(scalar, SCHEMA, values)


def test_rules_beyond_one_form_stay_on_the_polars_path() -> None:
    schema = Schema.from_mapping({"forms": {"skjema5": {"fields": {"a": "integer"}},
                                            "skjema4": {"fields": {"x": "integer"}}}})
    for expr in ("prev(a) > 0", "a <= skjema4.x", "round(a, 0) == 1"):
        [compiled] = compile_rules([Rule("r", expr, "skjema5")], schema).rules
        with pytest.raises(Unsupported):
            compile_scalar(compiled, schema)
