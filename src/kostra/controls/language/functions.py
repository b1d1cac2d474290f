"""The built-in functions of the rule language: one registry, one docstring line each.

Each :class:`Function` type-checks its call at load time and compiles it to Polars. Aggregates over
table rows, accounts and population are computed per unit; a unit without any rows in the source
gets null (missing), so a rule on it is not applicable — except ``count``, which counts 0 rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kostra.controls.language.accounts import ARGUMENTS, DEFAULTS, AccountsQuery, accounts_names
from kostra.controls.language.compiler import Compiler, divide
from kostra.controls.language.syntax import Call, ListLit, Node, Number, String
from kostra.controls.language.types import Checker, Kind, Type, error_at
from kostra.errors import KostraError

__all__ = ["FUNCTIONS", "Function"]


@dataclass(frozen=True)
class Function:
    """A built-in: its signature as documented, one line of help, a type rule and a compiler."""

    name: str
    signature: str
    doc: str
    check: Callable[[Checker, Call], Type]
    compile: Callable[[Compiler, Call], pl.Expr]


def _arity(call: Call, low: int, high: int, keywords: tuple[str, ...] = ()) -> None:
    if not low <= len(call.args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise error_at(call.pos, f"{call.func}() takes {wanted} positional arguments, got {len(call.args)}")
    for key, value in call.kwargs:
        if key not in keywords:
            allowed = ", ".join(keywords) or "none"
            raise error_at(value.pos, f"{call.func}() has no argument {key!r}; allowed: {allowed}")


def _unit_number(checker: Checker, node: Node) -> Type:
    found = checker.expect(node, Kind.NUMBER)
    return found


def _literal_number(call: Call, node: Node) -> float:
    if not isinstance(node, Number):
        raise error_at(node.pos, f"{call.func}() needs a number literal here")
    return node.value


# --- scalar functions -------------------------------------------------------------------------

def _check_numbers(count: int) -> Callable[[Checker, Call], Type]:
    def check(checker: Checker, call: Call) -> Type:
        _arity(call, count, count)
        types = [checker.expect(arg, Kind.NUMBER) for arg in call.args]
        return Type(Kind.NUMBER, checker.level(call, *types))
    return check


def _check_is_missing(checker: Checker, call: Call) -> Type:
    _arity(call, 1, 1)
    found = checker.expect(call.args[0], Kind.NUMBER, Kind.STRING, Kind.CODE, Kind.BOOL)
    return Type(Kind.BOOL, found.table)


def _check_coalesce(checker: Checker, call: Call) -> Type:
    _arity(call, 2, 8)
    types = [checker.expect(arg, Kind.NUMBER, Kind.STRING, Kind.CODE, Kind.BOOL) for arg in call.args]
    kinds = {t.kind for t in types} - {Kind.ANY}
    if len(kinds - {Kind.CODE, Kind.STRING}) > 1 or (kinds & {Kind.CODE, Kind.STRING} and len(kinds) > 1
                                                     and not kinds <= {Kind.CODE, Kind.STRING}):
        raise error_at(call.pos, f"coalesce() arguments must have one type, got {', '.join(sorted(kinds))}")
    return Type(kinds.pop() if len(kinds) == 1 else Kind.ANY, checker.level(call, *types))


def _check_between(checker: Checker, call: Call) -> Type:
    _arity(call, 3, 3)
    types = [checker.expect(arg, Kind.NUMBER) for arg in call.args]
    return Type(Kind.BOOL, checker.level(call, *types))


def _compile_between(cp: Compiler, call: Call) -> pl.Expr:
    value, low, high = (cp.compile(arg) for arg in call.args)
    tol = pl.lit(cp.tolerance, dtype=pl.Float64)
    return (low - value <= tol) & (value - high <= tol)


def _compile_extreme(largest: bool) -> Callable[[Compiler, Call], pl.Expr]:
    def compile_(cp: Compiler, call: Call) -> pl.Expr:
        if len(call.args) == 1:
            return _row_aggregate(cp, call, lambda e: e.max() if largest else e.min())
        values = [cp.compile(arg) for arg in call.args]
        any_missing = pl.any_horizontal([v.is_null() for v in values])
        both = pl.max_horizontal(values) if largest else pl.min_horizontal(values)
        return pl.when(any_missing).then(pl.lit(None, dtype=pl.Float64)).otherwise(both)
    return compile_


def _check_extreme(checker: Checker, call: Call) -> Type:
    if len(call.args) == 1:
        return _check_rows(checker, call)
    _arity(call, 2, 8)
    types = [checker.expect(arg, Kind.NUMBER) for arg in call.args]
    return Type(Kind.NUMBER, checker.level(call, *types))


# --- prev -------------------------------------------------------------------------------------

def _check_prev(checker: Checker, call: Call) -> Type:
    _arity(call, 1, 1)
    if checker.in_prev:
        raise error_at(call.pos, "prev() cannot be nested")
    checker.in_prev = True
    try:
        return checker.type_of(call.args[0])
    finally:
        checker.in_prev = False


def _compile_prev(cp: Compiler, call: Call) -> pl.Expr:
    cp.previous = True
    try:
        return cp.compile(call.args[0])
    finally:
        cp.previous = False


# --- table aggregates -------------------------------------------------------------------------

def _check_rows(checker: Checker, call: Call) -> Type:
    _arity(call, 1, 1)
    found = checker.expect(call.args[0], Kind.NUMBER)
    if found.table is None:
        raise error_at(call.args[0].pos, f"{call.func}() takes a table column such as "
                                         "skjema5.institusjoner.plasser, not a single value")
    return Type(Kind.NUMBER)


def _row_aggregate(cp: Compiler, call: Call, reduce: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    table = cp.checker.types[id(call.args[0])].table
    values = cp.compile(call.args[0])
    # Null when no row has a value: "missing" must not turn into 0.
    expr = pl.when(values.count() > 0).then(reduce(values))
    return cp.aggregate(f"table:{table}", expr, cp.label(call))


def _check_count(checker: Checker, call: Call) -> Type:
    _arity(call, 1, 2)
    table = checker.table(call.args[0])
    if table.kind != Kind.TABLE:
        raise error_at(call.args[0].pos, "count() takes a table field such as skjema5.institusjoner")
    if len(call.args) == 2:
        condition = checker.expect(call.args[1], Kind.BOOL)
        if condition.table not in (table.table, None):
            raise error_at(call.args[1].pos, f"the condition must be about rows of {table.table}")
    return Type(Kind.NUMBER)


def _compile_count(cp: Compiler, call: Call) -> pl.Expr:
    table = cp.checker.types[id(call.args[0])].table
    expr = pl.len() if len(call.args) == 1 else cp.compile(call.args[1]).fill_null(False).sum()
    return cp.aggregate(f"table:{table}", expr.cast(pl.Float64), cp.label(call), fill=0.0)


# --- accounts, population, registers ----------------------------------------------------------

def _accounts_query(call: Call, year: int | None, previous: bool) -> AccountsQuery:
    """The call's cell, every name checked against the year's accounts definitions (last year's in prev())."""
    if year is None:
        raise error_at(call.pos, "accounts() names codes of a year's accounts definitions, but these rules are "
                                 "loaded without a reporting year (Schema(year=...))")
    year = year - 1 if previous else year
    try:
        names = accounts_names(year)
    except KostraError as exc:
        raise error_at(call.pos, f"accounts() in {year}: {exc}") from None
    chosen: dict[str, str] = dict(DEFAULTS)
    for key, value in call.kwargs:
        if isinstance(value, ListLit):
            raise error_at(value.pos, "accounts() takes one code, group or range per argument; add two calls "
                                      "(accounts(...) + accounts(...)) or use a group of the hierarchy")
        if not isinstance(value, String):
            raise error_at(value.pos, f"accounts() {key} is a string in quotes, e.g. {key}='{_EXAMPLES[key]}'")
        problem = names.problem(key, value.value)
        if problem:
            raise error_at(value.pos, f"accounts(): {problem}")
        chosen[key] = value.value
    return AccountsQuery(year, chosen.get("function"), chosen.get("art"), chosen["kontoklasse"], chosen["scope"])


_EXAMPLES = {"function": "FGK11", "art": "AGD1", "kontoklasse": "investering", "scope": "konsern"}


def _check_accounts(checker: Checker, call: Call) -> Type:
    _arity(call, 0, 0, ARGUMENTS)
    _accounts_query(call, checker.schema.year, checker.in_prev)
    return Type(Kind.NUMBER)


def _compile_accounts(cp: Compiler, call: Call) -> pl.Expr:
    query = _accounts_query(call, cp.checker.schema.year, cp.previous)
    return cp.aggregate("accounts", None, cp.label(call), per_unit=query.values)


def _check_population(checker: Checker, call: Call) -> Type:
    _arity(call, 0, 2, ("sex",))
    for arg in (*call.args, *(value for _, value in call.kwargs)):
        _literal_number(call, arg)
    return Type(Kind.NUMBER)


def _compile_population(cp: Compiler, call: Call) -> pl.Expr:
    low = _literal_number(call, call.args[0]) if call.args else 0
    high = _literal_number(call, call.args[1]) if len(call.args) > 1 else 1000
    keep = pl.col("age").is_between(low, high)
    for _, value in call.kwargs:
        keep = keep & (pl.col("sex").cast(pl.Int64) == int(_literal_number(call, value)))
    return cp.aggregate("population", pl.col("persons").filter(keep).sum().cast(pl.Float64), cp.label(call))


def _check_register(checker: Checker, call: Call) -> Type:
    _arity(call, 1, 1)
    name = call.args[0]
    if not isinstance(name, String):
        raise error_at(name.pos, "register() takes the measure's name in quotes, e.g. register('midwife_fte')")
    if name.value in checker.schema.registers:
        return Type(checker.schema.registers[name.value])
    if checker.schema.open:
        return Type(Kind.ANY)
    known = ", ".join(sorted(checker.schema.registers)) or "none"
    raise error_at(name.pos, f"unknown register measure {name.value!r}; known: {known}")


def _compile_register(cp: Compiler, call: Call) -> pl.Expr:
    name = call.args[0]
    assert isinstance(name, String)
    return cp.aggregate("registers", pl.col(name.value).first(), cp.label(call))


def _fn(name: str, signature: str, doc: str, check: Callable[[Checker, Call], Type],
        compile_: Callable[[Compiler, Call], pl.Expr]) -> tuple[str, Function]:
    return name, Function(name, signature, doc, check, compile_)


FUNCTIONS: dict[str, Function] = dict([
    _fn("abs", "abs(x: number) -> number", "Absolute value.",
        _check_numbers(1), lambda cp, c: cp.compile(c.args[0]).abs()),
    _fn("round", "round(x: number, digits: number) -> number", "Round half away from zero to digits.",
        _check_numbers(2), lambda cp, c: cp.compile(c.args[0]).round(int(_literal_number(c, c.args[1])))),
    _fn("ratio", "ratio(a: number, b: number) -> number", "a / b; missing when b is 0.",
        _check_numbers(2), lambda cp, c: divide(cp.compile(c.args[0]), cp.compile(c.args[1]))),
    _fn("is_missing", "is_missing(x) -> bool", "True when x has no value; never missing itself.",
        _check_is_missing, lambda cp, c: cp.compile(c.args[0]).is_null()),
    _fn("coalesce", "coalesce(x, y, ...) -> type of x", "The first argument that has a value.",
        _check_coalesce, lambda cp, c: pl.coalesce([cp.compile(a) for a in c.args])),
    _fn("between", "between(x, lo, hi: number) -> bool", "lo <= x <= hi, both ends with the rule's tolerance.",
        _check_between, _compile_between),
    _fn("max", "max(table.column) | max(a, b, ...) -> number",
        "Largest value over table rows, or of the arguments (missing if any is).",
        _check_extreme, _compile_extreme(True)),
    _fn("min", "min(table.column) | min(a, b, ...) -> number",
        "Smallest value over table rows, or of the arguments (missing if any is).",
        _check_extreme, _compile_extreme(False)),
    _fn("sum", "sum(table.column) -> number", "Sum over the unit's table rows, ignoring missing cells.",
        _check_rows, lambda cp, c: _row_aggregate(cp, c, lambda e: e.sum())),
    _fn("mean", "mean(table.column) -> number", "Mean over the unit's table rows, ignoring missing cells.",
        _check_rows, lambda cp, c: _row_aggregate(cp, c, lambda e: e.mean())),
    _fn("count", "count(table[, condition]) -> number", "Number of rows (meeting the condition); 0 if none.",
        _check_count, _compile_count),
    _fn("prev", "prev(expr) -> type of expr", "expr evaluated on the previous year's data of the unit.",
        _check_prev, _compile_prev),
    _fn("accounts", "accounts(function=, art=, kontoklasse='drift', scope='kasse') -> number",
        "The accounts engine's value (1000 NOK) of a function and art of the year's definitions (FGK11, AGD9).",
        _check_accounts, _compile_accounts),
    _fn("population", "population(age_from=0, age_to=1000, sex=) -> number",
        "Persons in the unit aged age_from..age_to (inclusive); sex 1 male, 2 female.",
        _check_population, _compile_population),
    _fn("register", "register(name: string) -> number", "A register-derived measure of the unit.",
        _check_register, _compile_register),
])
