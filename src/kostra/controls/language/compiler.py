"""Compile a type-checked rule tree to one Polars expression over the wide units frame.

Plain fields of the current year are columns ``form.field`` of ``ControlData.units``. Everything
else (previous-year values, table rows, accounts, population, registers) becomes an
:class:`Aggregate`: a per-unit expression over another frame, computed once for all rules with one
``group_by("unit")`` per source and joined onto the units frame under an alias.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from kostra.controls.language.syntax import (
    Binary,
    Bool,
    Call,
    InList,
    ListLit,
    Name,
    Node,
    Number,
    String,
    Unary,
    to_source,
)
from kostra.controls.language.types import Checker, ColumnRef, FieldRef, Kind, TableRef, error_at

__all__ = ["Aggregate", "AggregateRegistry", "Compiler"]


@dataclass(frozen=True, eq=False)
class Aggregate:
    """One per-unit value from another frame: ``source`` is ``units``, ``table:<form.table>``,
    ``accounts``, ``population`` or ``registers``; ``previous`` selects the previous year's data.

    ``expr`` is aggregated per unit (``group_by("unit")``); an aggregate that is not a Polars expression
    (``accounts()``: the accounts engine) has ``per_unit`` instead, which maps the whole source frame to
    ``unit``, ``value`` (units it leaves out are missing)."""

    source: str
    previous: bool
    expr: pl.Expr | None
    alias: str
    label: str
    fill: float | None = None
    per_unit: Callable[[pl.DataFrame], pl.DataFrame] | None = None


@dataclass
class AggregateRegistry:
    """Aggregates shared by all rules of one compilation, deduplicated by their source text."""

    by_key: dict[tuple[str, bool, str], Aggregate] = field(default_factory=dict)

    def add(self, source: str, previous: bool, expr: pl.Expr | None, label: str, *, scope: str = "",
            fill: float | None = None, per_unit: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
            ) -> Aggregate:
        # Bare names resolve against the rule's form, so the same text in two forms differs.
        key = (source, previous, f"{scope}|{label}")
        if key not in self.by_key:
            alias = f"__agg{len(self.by_key)}"
            aliased = None if expr is None else expr.alias(alias)
            self.by_key[key] = Aggregate(source, previous, aliased, alias, label, fill, per_unit)
        return self.by_key[key]


class Compiler:
    """Turns one rule's checked tree into a Polars expression; functions call back into it."""

    def __init__(self, checker: Checker, tolerance: float, registry: AggregateRegistry) -> None:
        self.checker = checker
        self.tolerance = tolerance
        self.registry = registry
        self.previous = False
        self.fields: dict[str, str] = {}  # column → label of the values involved
        self.aggregates: list[Aggregate] = []

    def kind(self, node: Node) -> Kind:
        return self.checker.types[id(node)].kind

    def aggregate(self, source: str, expr: pl.Expr | None, label: str, fill: float | None = None, *,
                  per_unit: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> pl.Expr:
        """Register a per-unit aggregate (``expr`` or ``per_unit``) and return the column that will hold it."""
        shown = f"prev({label})" if self.previous else label
        found = self.registry.add(source, self.previous, expr, shown, scope=self.checker.form, fill=fill,
                                  per_unit=per_unit)
        if found not in self.aggregates:
            self.aggregates.append(found)
        column = pl.col(found.alias)
        return column.fill_null(found.fill) if found.fill is not None else column

    def compile(self, node: Node) -> pl.Expr:
        """The Polars expression of ``node``."""
        match node:
            case Number(value=value):
                return pl.lit(value, dtype=pl.Float64)
            case String(value=value):
                return pl.lit(value, dtype=pl.String)
            case Bool(value=value):
                return pl.lit(value, dtype=pl.Boolean)
            case Name():
                return self._name(node)
            case Unary(op=op, operand=operand):
                inner = self.compile(operand)
                return ~inner if op == "not" else -inner
            case Binary():
                return self._binary(node)
            case InList():
                return self._in_list(node)
            case Call():
                from kostra.controls.language.functions import FUNCTIONS

                return FUNCTIONS[node.func].compile(self, node)
            case ListLit():
                raise error_at(node.pos, "a list is only allowed after 'in' or as a function argument")
        raise TypeError(f"not a syntax node: {node!r}")

    def _name(self, node: Name) -> pl.Expr:
        ref = self.checker.refs[id(node)]
        if isinstance(ref, ColumnRef):
            return pl.col(ref.column)
        if isinstance(ref, TableRef):
            raise error_at(node.pos, f"table {ref.table} is not a value")
        assert isinstance(ref, FieldRef)
        if self.previous:
            return self.aggregate("units", pl.col(ref.column).first(), ref.column)
        self.fields[ref.column] = ref.column
        return pl.col(ref.column)

    def numeric(self, node: Binary) -> bool:
        kinds = {self.kind(node.left), self.kind(node.right)}
        return Kind.NUMBER in kinds and kinds <= {Kind.NUMBER, Kind.ANY}

    def _binary(self, node: Binary) -> pl.Expr:
        left, right = self.compile(node.left), self.compile(node.right)
        match node.op:
            case "and":
                return left & right
            case "or":
                return left | right
            case "implies":
                return ~left | right
            case "+":
                return left + right
            case "-":
                return left - right
            case "*":
                return left * right
            case "/":
                return divide(left, right)
        if self.numeric(node):
            return self._tolerant(node.op, left, right)
        return _COMPARE[node.op](left, right)

    def _tolerant(self, op: str, left: pl.Expr, right: pl.Expr) -> pl.Expr:
        tol = pl.lit(self.tolerance, dtype=pl.Float64)
        diff = left.cast(pl.Float64) - right.cast(pl.Float64)
        match op:
            case "==":
                return diff.abs() <= tol
            case "!=":
                return diff.abs() > tol
            case "<=":
                return diff <= tol
            case ">=":
                return -diff <= tol
        return _COMPARE[op](left, right)

    def _in_list(self, node: InList) -> pl.Expr:
        operand = self.compile(node.operand)
        found: pl.Expr | None = None
        for item in node.items:
            equal = operand == self.compile(item)
            found = equal if found is None else found | equal
        assert found is not None
        return ~found if node.negated else found

    def label(self, node: Node) -> str:
        return to_source(node)


_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def divide(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """``left / right``, null when ``right`` is zero (so the rule is not applicable, never infinite)."""
    return pl.when(right == 0).then(pl.lit(None, dtype=pl.Float64)).otherwise(left / right)
