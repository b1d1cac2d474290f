"""Compile rules once, confront data with them many times, and query the result.

``evaluate`` works on all units at once: aggregates are computed with one ``group_by`` per source,
then every rule is one expression over the joined frame. A rule that fails to evaluate is recorded
with outcome ``error`` and its message; the other rules still run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import polars as pl

from kostra.controls.filecheck.model import Severity
from kostra.controls.language.compiler import Aggregate, AggregateRegistry, Compiler
from kostra.controls.language.data import ControlData
from kostra.controls.language.grammar import parse
from kostra.controls.language.rule import Case, Outcome, Rule
from kostra.controls.language.syntax import Node
from kostra.controls.language.types import Kind, Schema, check
from kostra.errors import DefinitionError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["CompiledRule", "CompiledRules", "Confrontation", "compile_rule", "compile_rules", "evaluate",
           "run_case"]

# Polars reports some invalid operations as a Rust panic, which is not an ``Exception``.
_RULE_FAILURES = (Exception, pl.exceptions.PanicException)
_NULL_TYPES = {Kind.NUMBER: pl.Float64, Kind.BOOL: pl.Boolean, Kind.STRING: pl.String, Kind.CODE: pl.String}


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A rule with its tree, its Polars expression and what it reads."""

    rule: Rule
    tree: Node
    expr: pl.Expr
    fields: dict[str, Kind]          # unit-level columns read (values shown in results)
    aggregates: tuple[Aggregate, ...]
    forms: frozenset[str]            # forms whose nil return makes the rule not applicable


@dataclass(frozen=True)
class CompiledRules:
    """A compiled rule set; build with :func:`compile_rules`, use with :func:`evaluate`."""

    rules: tuple[CompiledRule, ...]
    schema: Schema

    def __len__(self) -> int:
        return len(self.rules)


def compile_rule(rule: Rule, schema: Schema, registry: AggregateRegistry | None = None) -> CompiledRule:
    """Parse, type-check and compile one rule.

    Raises DefinitionError with the rule's file, name and the line of the problem.
    """
    try:
        tree = parse(rule.expr)
        checker = check(tree, schema, rule.form)
        compiler = Compiler(checker, rule.tolerance, registry or AggregateRegistry())
        expr = compiler.compile(tree)
    except DefinitionError as exc:
        line = _line_of(rule, str(exc))
        raise DefinitionError(str(exc), file=rule.file, item=rule.name, line=line) from None
    kinds = {column: checker.schema.fields.get(column, Kind.ANY) for column in compiler.fields}
    return CompiledRule(rule, tree, expr, kinds, tuple(compiler.aggregates), frozenset(checker.forms))


def _line_of(rule: Rule, message: str) -> int | None:
    if rule.expr_line is None:
        return rule.line
    marker = "expression line "
    if marker not in message:
        return rule.expr_line
    return rule.expr_line + int(message.split(marker, 1)[1].split(",", 1)[0]) - 1


def compile_rules(rules: Iterable[Rule], schema: Schema) -> CompiledRules:
    """Compile a rule set; raises DefinitionError for the first invalid rule."""
    registry = AggregateRegistry()
    return CompiledRules(tuple(compile_rule(rule, schema, registry) for rule in rules), schema)


def _with_known_columns(frame: pl.DataFrame, source: str, schema: Schema) -> pl.DataFrame:
    """A table without rows may lack its columns; the schema's columns are then all missing."""
    known = schema.tables.get(source.removeprefix("table:"), {}) if source.startswith("table:") else {}
    absent = [pl.lit(None, dtype=_NULL_TYPES.get(kind, pl.Null)).alias(column)
              for column, kind in known.items() if column not in frame.columns]
    return frame.with_columns(absent) if absent else frame


def _with_aggregates(data: ControlData, base: pl.DataFrame, aggregates: Iterable[Aggregate],
                     schema: Schema) -> tuple[pl.DataFrame, dict[str, str]]:
    """Join every aggregate onto ``base``; returns the frame and the failures (alias → message)."""
    groups: dict[tuple[str, bool], list[Aggregate]] = {}
    for aggregate in aggregates:
        groups.setdefault((aggregate.source, aggregate.previous), []).append(aggregate)
    failures: dict[str, str] = {}
    for (source, previous), members in groups.items():
        owner = data.previous if previous else data
        if previous and (owner is None or not _has_source(owner, source)):
            # No data last year (the first year, or a unit new this year): prev() is missing, not broken.
            base = base.with_columns([pl.lit(None).alias(a.alias) for a in members])
            continue
        try:
            assert owner is not None
            frame = _with_known_columns(owner.source(source), source, schema)
        except Exception as exc:  # a broken source breaks only the rules that read it
            failures.update({a.alias: f"{a.label}: {exc}" for a in members})
            continue
        grouped = [a for a in members if a.per_unit is None]
        if grouped:
            try:
                base = base.join(frame.group_by("unit").agg([a.expr for a in grouped]), on="unit", how="left")
            except Exception as exc:  # a broken aggregate breaks only the rules that read it
                failures.update({a.alias: f"{a.label}: {exc}" for a in grouped})
        for aggregate in members:
            if aggregate.per_unit is not None:
                base, failure = _with_per_unit(base, frame, aggregate)
                failures.update(failure)
    return base, failures


def _with_per_unit(base: pl.DataFrame, frame: pl.DataFrame, aggregate: Aggregate) -> tuple[pl.DataFrame,
                                                                                          dict[str, str]]:
    """Join one aggregate computed outside Polars (the accounts engine) onto ``base``."""
    assert aggregate.per_unit is not None
    try:
        values = aggregate.per_unit(frame).select("unit", pl.col("value").alias(aggregate.alias))
        return base.join(values, on="unit", how="left"), {}
    except Exception as exc:  # a broken aggregate breaks only the rules that read it
        return base, {aggregate.alias: f"{aggregate.label}: {exc}"}


def _has_source(data: ControlData, source: str) -> bool:
    try:
        data.source(source)
    except LookupError:
        return False
    return True


def _outcome(compiled: CompiledRule, columns: set[str]) -> pl.Expr:
    value = compiled.expr
    nil_columns = [f"{form}.__nil" for form in compiled.forms if f"{form}.__nil" in columns]
    result = pl.when(value.is_null()).then(pl.lit(Outcome.NOT_APPLICABLE.value)).when(value).then(
        pl.lit(Outcome.PASS.value)).otherwise(pl.lit(Outcome.FAIL.value))
    if nil_columns and compiled.rule.on_nil == "not_applicable":
        nil = pl.any_horizontal([pl.col(c).fill_null(False) for c in nil_columns])
        result = pl.when(nil).then(pl.lit(Outcome.NOT_APPLICABLE.value)).otherwise(result)
    return result


def _values(compiled: CompiledRule) -> pl.Expr:
    shown = [pl.col(c).alias(c) for c in compiled.fields] + [
        pl.col(a.alias).alias(a.label) for a in compiled.aggregates]
    return pl.struct(shown).struct.json_encode() if shown else pl.lit("{}")


def _rule_columns(index: int, compiled: CompiledRule, columns: set[str]) -> list[pl.Expr]:
    return [_outcome(compiled, columns).alias(f"__o{index}"), _values(compiled).alias(f"__v{index}")]


def _long(wide: pl.DataFrame, ready: Sequence[CompiledRule]) -> pl.DataFrame:
    """The wide frame (unit, __o<i>, __v<i> per rule) as the long result: one row per rule × unit."""
    index = {f"__o{i}": i for i in range(len(ready))}
    outcomes = wide.select("unit", *index).unpivot(index="unit", variable_name="column", value_name="outcome")
    values = wide.select([pl.col(f"__v{i}") for i in range(len(ready))]).unpivot(value_name="values")
    position = outcomes["column"].replace_strict(index, return_dtype=pl.Int64)
    names = pl.Series([r.rule.name for r in ready], dtype=pl.String)
    severities = pl.Series([r.rule.severity.name for r in ready], dtype=pl.String)
    return pl.DataFrame({
        "rule": names.gather(position), "unit": outcomes["unit"].cast(pl.String), "outcome": outcomes["outcome"],
        "severity": severities.gather(position), "values": values["values"],
        "message": pl.Series([None] * outcomes.height, dtype=pl.String)})


def _evaluate_ready(frame: pl.DataFrame, ready: Sequence[CompiledRule], columns: set[str]) -> list[pl.DataFrame]:
    """All rules in one query (one pass over the units); if that fails, rule by rule, so that a
    broken rule is recorded with its message and the others still count."""
    if not ready:
        return []
    lazy = frame.lazy()
    try:
        wide = lazy.select("unit", *[e for i, r in enumerate(ready) for e in _rule_columns(i, r, columns)]).collect()
        return [_long(wide, ready)]
    except _RULE_FAILURES:  # isolate the broken rule below
        parts = []
        for rule in ready:
            try:
                wide = lazy.select("unit", *_rule_columns(0, rule, columns)).collect()
                parts.append(_long(wide, [rule]))
            except _RULE_FAILURES as exc:  # any failure of a rule is that rule's error
                parts.append(_error_frame(rule.rule, frame["unit"], f"{type(exc).__name__}: {exc}"))
        return parts


def _error_frame(rule: Rule, units: pl.Series, message: str) -> pl.DataFrame:
    return pl.DataFrame({
        "rule": rule.name, "unit": units.cast(pl.String), "outcome": Outcome.ERROR.value,
        "severity": rule.severity.name, "values": "{}", "message": message})


def _missing_fields(compiled: CompiledRules, frame: pl.DataFrame) -> pl.DataFrame:
    """Fields known to the rules but absent from the data are missing values, not errors."""
    wanted: dict[str, Kind] = {}
    for rule in compiled.rules:
        wanted.update(rule.fields)
    # A column of nothing but missing values has no type (Null); give it the field's type so that
    # ``not``, comparisons and arithmetic on it are "missing", not a Polars error.
    absent = [pl.lit(None, dtype=_NULL_TYPES.get(kind, pl.Null)).alias(column)
              for column, kind in wanted.items()
              if column not in frame.columns or (frame.schema[column] == pl.Null and kind in _NULL_TYPES)]
    return frame.with_columns(absent) if absent else frame


def evaluate(compiled: CompiledRules, data: ControlData, *, units: Sequence[str] | None = None,
             ) -> Confrontation:
    """Confront ``data`` with every compiled rule; one row per rule × unit in the result.

    Example: ``evaluate(compile_rules(rules, schema), ControlData.for_unit({...}, form="skjema5"))``.
    """
    base = data.units if units is None else data.units.filter(pl.col("unit").is_in(list(units)))
    base = _missing_fields(compiled, base)
    aggregates = {a.alias: a for rule in compiled.rules for a in rule.aggregates}
    frame, failures = _with_aggregates(data, base, aggregates.values(), compiled.schema)
    columns = set(frame.columns)
    ready = [r for r in compiled.rules if not any(a.alias in failures for a in r.aggregates)]
    parts = [_error_frame(r.rule, frame["unit"], "; ".join(failures[a.alias] for a in r.aggregates
                                                             if a.alias in failures))
             for r in compiled.rules if r not in ready]
    parts.extend(_evaluate_ready(frame, ready, columns))
    order = {r.rule.name: i for i, r in enumerate(compiled.rules)}
    results = pl.concat(parts, how="vertical") if parts else _error_frame(
        Rule("", "", ""), pl.Series([], dtype=pl.String), "").clear()
    return Confrontation(results.sort(pl.col("rule").replace_strict(order, default=len(order)), "unit"))


@dataclass(frozen=True)
class Confrontation:
    """The result of confronting data with rules: a long frame (rule, unit, outcome, severity,
    values as JSON, message), queried through the methods below, never printed into."""

    results: pl.DataFrame

    def summary(self) -> pl.DataFrame:
        """Per rule: items, passes, fails, not_applicable, errors (in rule order)."""
        return self.results.group_by("rule", "severity", maintain_order=True).agg(
            pl.len().alias("items"),
            *[(pl.col("outcome") == o.value).sum().alias(name) for o, name in (
                (Outcome.PASS, "passes"), (Outcome.FAIL, "fails"),
                (Outcome.NOT_APPLICABLE, "not_applicable"), (Outcome.ERROR, "errors"))])

    def failures(self, min_severity: Severity = Severity.INFO) -> pl.DataFrame:
        """Failed rows whose severity is at least ``min_severity``."""
        names = [s.name for s in Severity if s >= min_severity]
        return self.results.filter((pl.col("outcome") == Outcome.FAIL.value) & pl.col("severity").is_in(names))

    def errors(self) -> pl.DataFrame:
        """Rules that could not be evaluated, with their message."""
        return self.results.filter(pl.col("outcome") == Outcome.ERROR.value)

    def by_unit(self, unit: str) -> pl.DataFrame:
        """All outcomes of one unit."""
        return self.results.filter(pl.col("unit") == unit)

    def outcome(self, rule: str, unit: str) -> Outcome:
        """The outcome of one rule for one unit; raises KeyError if it was not evaluated."""
        found = self.results.filter((pl.col("rule") == rule) & (pl.col("unit") == unit))
        if found.height == 0:
            raise KeyError(f"no result for rule {rule!r} and unit {unit!r}")
        return Outcome(found["outcome"][0])

    def values(self, rule: str, unit: str) -> dict[str, object]:
        """The values the rule read for the unit (field or aggregate → value)."""
        found = self.results.filter((pl.col("rule") == rule) & (pl.col("unit") == unit))
        return json.loads(found["values"][0]) if found.height else {}

    def to_arrow(self) -> pa.Table:
        """The long result table as Arrow (for DuckDB, Parquet or the database)."""
        return self.results.to_arrow()


def run_case(rule: Rule, case: Case, schema: Schema) -> Outcome:
    """The outcome of ``rule`` on the unit described by one of its embedded cases."""
    data = ControlData.for_unit(case.given, form=rule.form, previous=case.previous, accounts=case.accounts,
                                population=case.population, registers=case.registers, nil=case.nil)
    if schema.open:
        schema = _with_case_kinds(schema, rule.form, {**(case.previous or {}), **case.given})
    return evaluate(compile_rules([rule], schema), data).outcome(rule.name, "0000")


def _kind_of(value: object) -> Kind:
    return Kind.BOOL if isinstance(value, bool) else Kind.NUMBER if isinstance(value, int | float) else (
        Kind.STRING if isinstance(value, str) else Kind.ANY)


def _with_case_kinds(schema: Schema, form: str, values: Mapping[str, object]) -> Schema:
    """An open schema that knows the kinds of a case's values (so tolerance applies to its numbers)."""
    fields, tables = dict(schema.fields), {k: dict(v) for k, v in schema.tables.items()}
    for name, value in values.items():
        key = name if "." in name else f"{form}.{name}"
        if isinstance(value, list):
            columns = tables.setdefault(key, {})
            for row in value:
                columns.update({c: _kind_of(v) for c, v in row.items() if v is not None})
        elif value is not None and key not in fields:
            fields[key] = _kind_of(value)
    return replace(schema, fields=fields, tables=tables)
