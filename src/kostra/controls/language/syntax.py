"""The syntax tree of the rule language: frozen dataclasses with source positions, and a printer.

Positions (``pos``) are excluded from equality so that a tree printed with :func:`to_source` and
parsed again compares equal to the original (the round-trip property tested with hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Binary",
    "Bool",
    "Call",
    "InList",
    "ListLit",
    "Name",
    "Node",
    "Number",
    "Position",
    "String",
    "Unary",
    "to_source",
    "walk",
]


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column of a token inside the expression text."""

    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


_NOWHERE = Position()


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal (``12``, ``0.5``, ``1e-3``)."""

    value: float
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class String:
    """A string literal in single or double quotes."""

    value: str
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Bool:
    """``true`` or ``false``."""

    value: bool
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A field reference: ``field``, ``form.field``, ``table.column`` or ``form.table.column``."""

    parts: tuple[str, ...]
    pos: Position = field(default=_NOWHERE, compare=False)

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class ListLit:
    """A parenthesised list of literals: ``(1, 2, 3)`` or ``('253',)``."""

    items: tuple[Node, ...]
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``not x``."""

    op: str
    operand: Node
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic, comparison, ``and``, ``or`` and ``implies``."""

    op: str
    left: Node
    right: Node
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class InList:
    """``x in (a, b)`` or ``x not in (a, b)``."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False
    pos: Position = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A built-in function call with positional and keyword arguments."""

    func: str
    args: tuple[Node, ...] = ()
    kwargs: tuple[tuple[str, Node], ...] = ()
    pos: Position = field(default=_NOWHERE, compare=False)


Node = Number | String | Bool | Name | ListLit | Unary | Binary | InList | Call


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _items(items: tuple[Node, ...]) -> str:
    inner = ", ".join(to_source(item) for item in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def to_source(node: Node) -> str:
    """Print a tree as expression text that parses back to an equal tree.

    Operands that are operators are parenthesised, so precedence never needs to be reconstructed.
    Example: ``to_source(parse("a+b*2"))`` → ``'a + (b * 2)'``.
    """
    match node:
        case Number(value=value):
            return _number(value)
        case String(value=value):
            return _string(value)
        case Bool(value=value):
            return "true" if value else "false"
        case Name():
            return node.text
        case ListLit(items=items):
            return _items(items)
        case Unary(op=op, operand=operand):
            return f"{op} {_wrap(operand)}" if op == "not" else f"-{_wrap(operand)}"
        case Binary(op=op, left=left, right=right):
            return f"{_wrap(left)} {op} {_wrap(right)}"
        case InList(operand=operand, items=items, negated=negated):
            return f"{_wrap(operand)} {'not in' if negated else 'in'} {_items(items)}"
        case Call(func=func, args=args, kwargs=kwargs):
            parts = [to_source(arg) for arg in args] + [f"{key}={to_source(value)}" for key, value in kwargs]
            return f"{func}({', '.join(parts)})"
    raise TypeError(f"not a syntax node: {node!r}")


def _wrap(node: Node) -> str:
    text = to_source(node)
    return f"({text})" if isinstance(node, Unary | Binary | InList) else text


def walk(node: Node) -> list[Node]:
    """All nodes of a tree, parents before children."""
    found: list[Node] = [node]
    match node:
        case ListLit(items=items):
            children: tuple[Node, ...] = items
        case Unary(operand=operand):
            children = (operand,)
        case Binary(left=left, right=right):
            children = (left, right)
        case InList(operand=operand, items=items):
            children = (operand, *items)
        case Call(args=args, kwargs=kwargs):
            children = args + tuple(value for _, value in kwargs)
        case _:
            children = ()
    for child in children:
        found.extend(walk(child))
    return found
