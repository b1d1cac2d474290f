"""The same rules, evaluated for one unit in plain Python while a person types.

Building a Polars frame for a single form costs milliseconds, most of a save's time in the portal.
For rules that read only the form being filled in, this module turns the checked tree into Python
closures with exactly the semantics of the Polars compiler (``compiler.py``, ``functions.py``):
three-valued logic (None is "missing", ``and``/``or`` are Kleene), the rule's tolerance on numeric
``==``, ``!=``, ``<=``, ``>=`` and ``between``, division by zero is missing, sums over no values are
missing while ``count`` of no rows is 0. A rule using anything else (``prev``, accounts, population,
registers, ``round``) raises :class:`Unsupported` at compile time and stays on the Polars path.
``tests/controls/language/test_scalar_equivalence.py`` checks both paths agree on every shipped rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kostra.controls.language.evaluate import CompiledRule
from kostra.controls.language.rule import Outcome
from kostra.controls.language.syntax import Binary, Bool, Call, InList, Name, Node, Number, String, Unary, to_source
from kostra.controls.language.types import Checker, ColumnRef, FieldRef, Kind, Schema, check

__all__ = ["ScalarRule", "Unsupported", "compile_scalar"]


class Unsupported(Exception):
    """The rule needs data beyond one form (or a function not ported): evaluate it with Polars."""


@dataclass(frozen=True)
class _Env:
    fields: Mapping[str, Any]            # "form.field" -> value
    tables: Mapping[str, Sequence[Mapping[str, Any]]]  # "form.table" -> rows
    row: Mapping[str, Any] | None = None


Fn = Callable[[_Env], Any]


@dataclass(frozen=True)
class ScalarRule:
    """A compiled rule ready for one unit: ``outcome(values, tables)`` and the values it read."""

    compiled: CompiledRule
    fn: Fn
    shown: tuple[tuple[str, Fn], ...]    # label -> value, as the Polars path reports them

    def outcome(self, fields: Mapping[str, Any], tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Outcome:
        value = self.fn(_Env(fields, tables))
        if value is None:
            return Outcome.NOT_APPLICABLE
        return Outcome.PASS if value else Outcome.FAIL

    def values(self, fields: Mapping[str, Any], tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
        env = _Env(fields, tables)
        return {label: fn(env) for label, fn in self.shown}


def compile_scalar(compiled: CompiledRule, schema: Schema) -> ScalarRule:
    """The Python form of ``compiled``; raises Unsupported when it must stay on the Polars path."""
    if compiled.forms - {compiled.rule.form} or any(a.previous for a in compiled.aggregates):
        raise Unsupported(compiled.rule.name)
    builder = _Builder(check(compiled.tree, schema, compiled.rule.form), compiled.rule.tolerance)
    fn = builder.build(compiled.tree)
    shown = tuple((column, _field(column)) for column in compiled.fields) + tuple(builder.shown)
    return ScalarRule(compiled, fn, shown)


def _field(column: str) -> Fn:
    return lambda env: env.fields.get(column)


def _not(value: Any) -> Any:
    return None if value is None else not value


def _and(left: Any, right: Any) -> Any:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _or(left: Any, right: Any) -> Any:
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: None if a is None or b is None else op(a, b)


def _divide(a: Any, b: Any) -> Any:
    if b is None or a is None or b == 0:
        return None
    return a / b


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _nan_free(value: Any) -> Any:
    # Polars turns float NaN into a value that compares false; the forms never hold NaN, keep it missing.
    return None if isinstance(value, float) and math.isnan(value) else value


class _Builder:
    def __init__(self, checker: Checker, tolerance: float) -> None:
        self.checker = checker
        self.tolerance = tolerance
        self.shown: list[tuple[str, Fn]] = []

    def kind(self, node: Node) -> Kind:
        return self.checker.types[id(node)].kind

    def build(self, node: Node) -> Fn:
        match node:
            case Number(value=value):
                number = float(value)
                return lambda env: number
            case String(value=value):
                return lambda env: value
            case Bool(value=value):
                return lambda env: value
            case Name():
                return self._name(node)
            case Unary(op=op, operand=operand):
                inner = self.build(operand)
                if op == "not":
                    return lambda env: _not(inner(env))
                return lambda env: None if (v := inner(env)) is None else -v
            case Binary():
                return self._binary(node)
            case InList():
                return self._in_list(node)
            case Call():
                return self._call(node)
        raise Unsupported(f"no scalar form for {type(node).__name__}")

    def _name(self, node: Name) -> Fn:
        ref = self.checker.refs[id(node)]
        if isinstance(ref, FieldRef):
            return _field(ref.column)
        if isinstance(ref, ColumnRef):
            column = ref.column
            return lambda env: None if env.row is None else _nan_free(env.row.get(column))
        raise Unsupported("a table is not a value")

    def _binary(self, node: Binary) -> Fn:
        left, right = self.build(node.left), self.build(node.right)
        logic = {"and": _and, "or": _or, "implies": lambda a, b: _or(_not(a), b)}
        if node.op in logic:
            combine = logic[node.op]
            return lambda env: combine(left(env), right(env))
        arithmetic = {"+": _arith(lambda a, b: a + b), "-": _arith(lambda a, b: a - b),
                      "*": _arith(lambda a, b: a * b), "/": _divide}
        if node.op in arithmetic:
            op = arithmetic[node.op]
            return lambda env: op(left(env), right(env))
        kinds = {self.kind(node.left), self.kind(node.right)}
        numeric = Kind.NUMBER in kinds and kinds <= {Kind.NUMBER, Kind.ANY}
        compare = self._tolerant(node.op) if numeric and node.op in ("==", "!=", "<=", ">=") else _COMPARE[node.op]
        return lambda env: None if (a := left(env)) is None or (b := right(env)) is None else compare(a, b)

    def _tolerant(self, op: str) -> Callable[[Any, Any], bool]:
        tol = self.tolerance
        return {
            "==": lambda a, b: abs(float(a) - float(b)) <= tol,
            "!=": lambda a, b: abs(float(a) - float(b)) > tol,
            "<=": lambda a, b: float(a) - float(b) <= tol,
            ">=": lambda a, b: -(float(a) - float(b)) <= tol,
        }[op]

    def _in_list(self, node: InList) -> Fn:
        operand = self.build(node.operand)
        items = [self.build(item) for item in node.items]

        def member(env: _Env) -> Any:
            value = operand(env)
            found: Any = False
            for item in items:
                other = item(env)
                found = _or(found, None if value is None or other is None else value == other)
            return _not(found) if node.negated else found
        return member

    def _call(self, call: Call) -> Fn:
        builders: dict[str, Callable[[Call], Fn]] = {
            "abs": lambda c: self._unary_number(c, abs), "ratio": self._ratio, "is_missing": self._is_missing,
            "coalesce": self._coalesce, "between": self._between, "max": lambda c: self._extreme(c, max),
            "min": lambda c: self._extreme(c, min), "sum": lambda c: self._rows(c, sum),
            "mean": lambda c: self._rows(c, lambda v: sum(v) / len(v)), "count": self._count,
        }
        if call.func not in builders:
            raise Unsupported(f"{call.func}() has no scalar form")
        return builders[call.func](call)

    def _unary_number(self, call: Call, op: Callable[[Any], Any]) -> Fn:
        inner = self.build(call.args[0])
        return lambda env: None if (v := inner(env)) is None else op(v)

    def _ratio(self, call: Call) -> Fn:
        a, b = self.build(call.args[0]), self.build(call.args[1])
        return lambda env: _divide(a(env), b(env))

    def _is_missing(self, call: Call) -> Fn:
        inner = self.build(call.args[0])
        return lambda env: inner(env) is None

    def _coalesce(self, call: Call) -> Fn:
        parts = [self.build(arg) for arg in call.args]
        return lambda env: next((v for p in parts if (v := p(env)) is not None), None)

    def _between(self, call: Call) -> Fn:
        value, low, high = (self.build(arg) for arg in call.args)
        tol = self.tolerance

        def inside(env: _Env) -> Any:
            v, lo, hi = value(env), low(env), high(env)
            lower = None if v is None or lo is None else lo - v <= tol
            upper = None if v is None or hi is None else v - hi <= tol
            return _and(lower, upper)
        return inside

    def _extreme(self, call: Call, pick: Callable[[list[Any]], Any]) -> Fn:
        if len(call.args) == 1:
            return self._rows(call, pick)
        parts = [self.build(arg) for arg in call.args]

        def extreme(env: _Env) -> Any:
            values = [p(env) for p in parts]
            return None if any(v is None for v in values) else pick(values)
        return extreme

    def _table_of(self, node: Node) -> str:
        table = self.checker.types[id(node)].table
        if table is None:
            raise Unsupported("not a table column")
        return table

    def _rows(self, call: Call, reduce: Callable[[list[Any]], Any]) -> Fn:
        table = self._table_of(call.args[0])
        cell = self.build(call.args[0])

        def aggregate(env: _Env) -> Any:
            values = [v for row in env.tables.get(table, ()) if (v := cell(_Env(env.fields, env.tables, row)))
                      is not None]
            return reduce(values) if values else None
        self.shown.append((to_source(call), aggregate))
        return aggregate

    def _count(self, call: Call) -> Fn:
        table = self._table_of(call.args[0])
        condition = self.build(call.args[1]) if len(call.args) == 2 else None

        def count(env: _Env) -> Any:
            rows = env.tables.get(table, ())
            if condition is None:
                return float(len(rows))
            return float(sum(1 for row in rows if condition(_Env(env.fields, env.tables, row)) is True))
        self.shown.append((to_source(call), count))
        return count
