"""Schemas and the load-time type checker of the rule language.

A :class:`Schema` lists the known fields per form, the columns of table fields and the register
measures. :class:`Checker` resolves every name of a tree against it and infers a :class:`Type` for
every node; it raises :class:`kostra.errors.DefinitionError` with the position of the first unknown
field, type mismatch, unknown function or wrong arity. A type carries the table whose rows it
ranges over (``table``), so row values can only reach a rule's result through an aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kostra.controls.language.syntax import (
    Binary,
    Bool,
    Call,
    InList,
    ListLit,
    Name,
    Node,
    Number,
    Position,
    String,
    Unary,
)
from kostra.errors import DefinitionError

__all__ = ["Checker", "ColumnRef", "FieldRef", "Kind", "Schema", "TableRef", "Type", "check"]


class Kind(StrEnum):
    """Value kinds of the language; ``any`` is a field of an open schema whose type is unknown."""

    NUMBER = "number"
    BOOL = "bool"
    STRING = "string"
    CODE = "code"
    ANY = "any"
    TABLE = "table"
    LIST = "list"


# Form-definition field types (catalog.form_models.FieldType values) and our own kind names.
_KIND_NAMES = {
    "integer": Kind.NUMBER, "amount": Kind.NUMBER, "decimal": Kind.NUMBER, "number": Kind.NUMBER,
    "yes_no": Kind.BOOL, "bool": Kind.BOOL, "single_choice": Kind.CODE, "code": Kind.CODE,
    "text": Kind.STRING, "string": Kind.STRING, "orgnr": Kind.STRING, "multiple_choice": Kind.STRING,
}
_TEXTUAL = frozenset({Kind.STRING, Kind.CODE})


def _kind(name: str) -> Kind:
    if name not in _KIND_NAMES:
        raise DefinitionError(f"unknown field type {name!r}; expected one of {sorted(_KIND_NAMES)}")
    return _KIND_NAMES[name]


@dataclass(frozen=True, slots=True)
class Type:
    """A node's kind, and the table key (``form.table``) when it is a value per table row."""

    kind: Kind
    table: str | None = None


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A scalar field of a form: column ``form.field`` of the units frame."""

    column: str
    kind: Kind

    @property
    def form(self) -> str:
        return self.column.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table field: the frame ``form.table`` with one row per table row."""

    table: str


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A column of a table field."""

    table: str
    column: str
    kind: Kind


Ref = FieldRef | TableRef | ColumnRef


@dataclass(frozen=True)
class Schema:
    """Known fields (``form.field`` → kind), tables (``form.table`` → column → kind) and registers.

    An open schema accepts unknown names with kind ``any`` (used when no form definitions are at hand,
    e.g. to run the embedded cases of a rule file on its own). ``year`` is the reporting year: the names
    ``accounts()`` takes are those of that year's accounts definitions (a schema without a year has none).
    """

    fields: Mapping[str, Kind] = field(default_factory=dict)
    tables: Mapping[str, Mapping[str, Kind]] = field(default_factory=dict)
    registers: Mapping[str, Kind] = field(default_factory=dict)
    open: bool = False
    year: int | None = None

    @property
    def forms(self) -> frozenset[str]:
        return frozenset(key.split(".", 1)[0] for key in (*self.fields, *self.tables))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Schema:
        """Build from ``{"forms": {form: {"fields": {name: type}, "tables": {t: {col: type}}}},
        "registers": {name: type}, "year": 2025}``; types are form field types (integer, amount, yes_no, …)."""
        fields: dict[str, Kind] = {}
        tables: dict[str, dict[str, Kind]] = {}
        for form, spec in (data.get("forms") or {}).items():
            for name, type_name in (spec.get("fields") or {}).items():
                fields[f"{form}.{name}"] = _kind(type_name)
            for table, columns in (spec.get("tables") or {}).items():
                tables[f"{form}.{table}"] = {col: _kind(t) for col, t in columns.items()}
        registers = {name: _kind(t) for name, t in (data.get("registers") or {}).items()}
        year = data.get("year")
        return cls(fields, tables, registers, bool(data.get("open", False)), None if year is None else int(year))

    def is_form(self, name: str) -> bool:
        return name in self.forms or (self.open and name.startswith("skjema"))

    def resolve(self, parts: tuple[str, ...], form: str) -> Ref:
        """Resolve a dotted name seen in a rule of ``form``; raises LookupError with the reason."""
        if len(parts) == 1:
            return self._in_form(form, parts[0])
        if len(parts) == 2 and self.is_form(parts[0]):
            return self._in_form(parts[0], parts[1])
        if len(parts) == 2:
            return self._column(f"{form}.{parts[0]}", parts[1])
        if len(parts) == 3:
            return self._column(f"{parts[0]}.{parts[1]}", parts[2])
        raise LookupError("a name has at most three parts: form.table.column")

    def _in_form(self, form: str, name: str) -> Ref:
        key = f"{form}.{name}"
        if key in self.fields:
            return FieldRef(key, self.fields[key])
        if key in self.tables:
            return TableRef(key)
        if self.open:
            return FieldRef(key, Kind.ANY)
        known = sorted(k.split(".", 1)[1] for k in (*self.fields, *self.tables) if k.startswith(form + "."))
        hint = f"; known: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}" if known else ""
        raise LookupError(f"unknown field {name!r} in form {form}{hint}")

    def _column(self, table: str, column: str) -> Ref:
        if table in self.tables and column in self.tables[table]:
            return ColumnRef(table, column, self.tables[table][column])
        if table in self.tables and not self.open:
            raise LookupError(f"table {table} has no column {column!r}; columns: "
                              f"{', '.join(sorted(self.tables[table]))}")
        if self.open:
            return ColumnRef(table, column, Kind.ANY)
        raise LookupError(f"unknown table {table!r}")


def error_at(pos: Position, message: str) -> DefinitionError:
    """A DefinitionError for a problem at ``pos`` of the expression."""
    return DefinitionError(f"expression {pos}: {message}")


class Checker:
    """Infers the type of every node of one rule's tree; see :func:`check`."""

    def __init__(self, schema: Schema, form: str) -> None:
        self.schema = schema
        self.form = form
        self.types: dict[int, Type] = {}
        self.refs: dict[int, Ref] = {}
        self.in_prev = False
        self.forms: set[str] = {form}

    def type_of(self, node: Node) -> Type:
        found = self._infer(node)
        self.types[id(node)] = found
        return found

    def _infer(self, node: Node) -> Type:
        match node:
            case Number():
                return Type(Kind.NUMBER)
            case String():
                return Type(Kind.STRING)
            case Bool():
                return Type(Kind.BOOL)
            case Name():
                return self._name(node)
            case ListLit():
                raise error_at(node.pos, "a list is only allowed after 'in' or as a function argument")
            case Unary():
                return self._unary(node)
            case Binary():
                return self._binary(node)
            case InList():
                return self._in_list(node)
            case Call():
                from kostra.controls.language.functions import FUNCTIONS

                if node.func not in FUNCTIONS:
                    raise error_at(node.pos, f"unknown function {node.func!r}; known: {', '.join(sorted(FUNCTIONS))}")
                return FUNCTIONS[node.func].check(self, node)
        raise TypeError(f"not a syntax node: {node!r}")

    def _name(self, node: Name) -> Type:
        try:
            ref = self.schema.resolve(node.parts, self.form)
        except LookupError as exc:
            raise error_at(node.pos, str(exc)) from None
        self.refs[id(node)] = ref
        if isinstance(ref, FieldRef):
            self.forms.add(ref.form)
            return Type(ref.kind)
        if isinstance(ref, TableRef):
            return Type(Kind.TABLE, ref.table)
        return Type(ref.kind, ref.table)

    def expect(self, node: Node, *kinds: Kind) -> Type:
        """Type of ``node``, which must be one of ``kinds`` (``any`` always fits)."""
        found = self.type_of(node)
        if found.kind == Kind.TABLE and Kind.TABLE not in kinds:
            raise error_at(node.pos, f"table {found.table} is not a value; use count({found.table}) "
                                     f"or sum({found.table}.column)")
        if found.kind not in (*kinds, Kind.ANY):
            raise error_at(node.pos, f"expected {' or '.join(kinds)} but {_describe(node)} is {found.kind}")
        return found

    def table(self, node: Node) -> Type:
        """Type of a node that must name a table field (an open schema takes any name as one)."""
        found = self.expect(node, Kind.TABLE)
        ref = self.refs.get(id(node))
        if isinstance(node, Name) and isinstance(ref, FieldRef) and self.schema.open:
            table = TableRef(ref.column)
            self.refs[id(node)] = table
            found = self.types[id(node)] = Type(Kind.TABLE, table.table)
        return found

    def level(self, node: Node, *types: Type) -> str | None:
        tables = {t.table for t in types if t.table is not None}
        if len(tables) > 1:
            raise error_at(node.pos, f"cannot combine rows of different tables: {', '.join(sorted(tables))}")
        return tables.pop() if tables else None

    def _unary(self, node: Unary) -> Type:
        kind = Kind.BOOL if node.op == "not" else Kind.NUMBER
        return Type(kind, self.expect(node.operand, kind).table)

    def _binary(self, node: Binary) -> Type:
        if node.op in ("and", "or", "implies"):
            left, right = self.expect(node.left, Kind.BOOL), self.expect(node.right, Kind.BOOL)
            return Type(Kind.BOOL, self.level(node, left, right))
        if node.op in "+-*/":
            left, right = self.expect(node.left, Kind.NUMBER), self.expect(node.right, Kind.NUMBER)
            return Type(Kind.NUMBER, self.level(node, left, right))
        ordered = node.op not in ("==", "!=")
        allowed = (Kind.NUMBER, Kind.STRING, Kind.CODE) if ordered else (
            Kind.NUMBER, Kind.STRING, Kind.CODE, Kind.BOOL)
        left, right = self.expect(node.left, *allowed), self.expect(node.right, *allowed)
        if not _comparable(left.kind, right.kind):
            raise error_at(node.pos, f"cannot compare {left.kind} {_describe(node.left)} with "
                                     f"{right.kind} {_describe(node.right)}")
        return Type(Kind.BOOL, self.level(node, left, right))

    def _in_list(self, node: InList) -> Type:
        operand = self.expect(node.operand, Kind.NUMBER, Kind.STRING, Kind.CODE, Kind.BOOL)
        for item in node.items:
            if not isinstance(item, Number | String | Bool) and not (
                    isinstance(item, Unary) and item.op == "-" and isinstance(item.operand, Number)):
                raise error_at(item.pos, "the list after 'in' may only hold literal values")
            kind = self.type_of(item).kind
            if not _comparable(operand.kind, kind):
                raise error_at(item.pos, f"{_describe(item)} is {kind} but {_describe(node.operand)} "
                                         f"is {operand.kind}")
        return Type(Kind.BOOL, operand.table)


def _comparable(left: Kind, right: Kind) -> bool:
    return Kind.ANY in (left, right) or left == right or {left, right} <= _TEXTUAL


def _describe(node: Node) -> str:
    from kostra.controls.language.syntax import to_source

    text = to_source(node)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def check(tree: Node, schema: Schema, form: str) -> Checker:
    """Type-check a rule's tree; the result holds every node's type and every name's reference.

    Raises DefinitionError (with the expression position) unless the rule is a boolean per unit.
    """
    checker = Checker(schema, form)
    found = checker.type_of(tree)
    if found.table is not None:
        raise error_at(tree.pos, f"the rule yields one value per row of {found.table}; aggregate the rows "
                                 "with sum, count, min or max")
    if found.kind not in (Kind.BOOL, Kind.ANY):
        raise error_at(tree.pos, f"a rule must be true or false, but this expression is {found.kind}")
    return checker
