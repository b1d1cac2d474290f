"""Tokenizer and Pratt parser of the rule language (no ``eval``: the text is only ever tokenized).

Grammar, lowest binding first::

    expr     := expr 'implies' expr            (right-associative)
              | expr 'or' expr | expr 'and' expr | 'not' expr
              | sum CMP sum | sum ['not'] 'in' list
    sum      := sum ('+'|'-') product | product
    product  := product ('*'|'/') unary | unary
    unary    := '-' unary | primary
    primary  := NUMBER | STRING | 'true' | 'false' | NAME ('.' NAME)*
              | NAME '(' [arg (',' arg)*] ')' | '(' expr ')' | list
    list     := '(' expr ',' [expr (',' expr)*] [','] ')'
    arg      := expr | NAME '=' expr

Every syntax error is a :class:`kostra.errors.DefinitionError` whose message gives the position.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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

__all__ = ["KEYWORDS", "Token", "parse", "tokenize"]

KEYWORDS = frozenset({"and", "or", "not", "implies", "in", "true", "false"})
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_BINDING = {"implies": 10, "or": 20, "and": 30, **dict.fromkeys(_COMPARISONS, 50), "in": 50,
            "+": 60, "-": 60, "*": 70, "/": 70}
_MAX_DEPTH = 60
_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", ",", ".", "=")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: kind is NUMBER, STRING, NAME, KEYWORD, OP or END."""

    kind: str
    text: str
    pos: Position
    value: object = None


def _error(message: str, pos: Position) -> DefinitionError:
    return DefinitionError(f"expression {pos}: {message}")


class _Cursor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.line = 1
        self.line_start = 0

    @property
    def pos(self) -> Position:
        return Position(self.line, self.index - self.line_start + 1)

    def advance(self, count: int) -> None:
        for _ in range(count):
            if self.text[self.index] == "\n":
                self.line += 1
                self.line_start = self.index + 1
            self.index += 1


def _read_string(cursor: _Cursor) -> Token:
    start = cursor.pos
    quote = cursor.text[cursor.index]
    cursor.advance(1)
    chars: list[str] = []
    while cursor.index < len(cursor.text):
        char = cursor.text[cursor.index]
        if char == quote:
            cursor.advance(1)
            return Token("STRING", quote + "".join(chars) + quote, start, "".join(chars))
        if char == "\\" and cursor.index + 1 < len(cursor.text):
            cursor.advance(1)
            char = cursor.text[cursor.index]
        chars.append(char)
        cursor.advance(1)
    raise _error(f"string starting with {quote!r} is not closed", start)


def _read_name(cursor: _Cursor) -> Token:
    start, begin = cursor.pos, cursor.index
    while cursor.index < len(cursor.text) and (
            cursor.text[cursor.index].isalnum() or cursor.text[cursor.index] == "_"):
        cursor.advance(1)
    word = cursor.text[begin:cursor.index]
    return Token("KEYWORD" if word in KEYWORDS else "NAME", word, start, word)


def _read_number(cursor: _Cursor, match: re.Match[str]) -> Token:
    start, text = cursor.pos, match.group()
    value = float(text)
    if not math.isfinite(value):
        raise _error(f"number {text!r} is too large", start)
    cursor.advance(len(text))
    return Token("NUMBER", text, start, value)


def tokenize(text: str) -> list[Token]:
    """Split expression text into tokens, ending with an END token.

    Raises DefinitionError for a character that cannot start a token or an unclosed string.
    """
    cursor, tokens = _Cursor(text), []
    while cursor.index < len(text):
        char = text[cursor.index]
        if char.isspace():
            cursor.advance(1)
        elif char in "'\"":
            tokens.append(_read_string(cursor))
        elif match := _NUMBER.match(text, cursor.index):
            tokens.append(_read_number(cursor, match))
        elif char.isalpha() or char == "_":
            tokens.append(_read_name(cursor))
        else:
            operator = next((op for op in _OPERATORS if text.startswith(op, cursor.index)), None)
            if operator is None:
                raise _error(f"unexpected character {char!r}", cursor.pos)
            tokens.append(Token("OP", operator, cursor.pos))
            cursor.advance(len(operator))
    tokens.append(Token("END", "", cursor.pos))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, text: str) -> bool:
        return self.current.kind in ("OP", "KEYWORD") and self.current.text == text

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise _error(f"expected {text!r} but found {self._describe(self.current)}", self.current.pos)
        return self.take()

    @staticmethod
    def _describe(token: Token) -> str:
        return "the end of the expression" if token.kind == "END" else repr(token.text)

    def expression(self, min_binding: int = 0) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _error(f"expression nested deeper than {_MAX_DEPTH} levels", self.current.pos)
        left = self.prefix()
        while True:
            operator = self._infix_operator()
            if operator is None or _BINDING[operator] <= min_binding - (operator == "implies"):
                break
            left = self.infix(left, operator)
        self.depth -= 1
        return left

    def _infix_operator(self) -> str | None:
        token = self.current
        if token.kind == "KEYWORD" and token.text == "not" and self.tokens[self.index + 1].text == "in":
            return "in"
        if token.kind in ("OP", "KEYWORD") and token.text in _BINDING:
            return token.text
        return None

    def infix(self, left: Node, operator: str) -> Node:
        token = self.take()
        if operator == "in":
            negated = token.text == "not"
            if negated:
                self.take()
            return InList(left, self.in_items(), negated, token.pos)
        right = self.expression(_BINDING[operator])
        if operator in _COMPARISONS and (self._infix_operator() in _COMPARISONS | {"in"}):
            raise _error("comparisons cannot be chained; join them with 'and'", self.current.pos)
        return Binary(operator, left, right, token.pos)

    def in_items(self) -> tuple[Node, ...]:
        start = self.expect("(")
        items = self.comma_list(")")
        if not items:
            raise _error("'in' needs at least one value in the list", start.pos)
        return tuple(items)

    def comma_list(self, closing: str) -> list[Node]:
        items: list[Node] = []
        while not self.at(closing):
            items.append(self.expression())
            if not self.at(closing):
                self.expect(",")
        self.take()
        return items

    def prefix(self) -> Node:
        token = self.take()
        if token.kind == "NUMBER":
            return Number(float(token.value), token.pos)  # type: ignore[arg-type]
        if token.kind == "STRING":
            return String(str(token.value), token.pos)
        if token.kind == "KEYWORD" and token.text in ("true", "false"):
            return Bool(token.text == "true", token.pos)
        if token.kind == "KEYWORD" and token.text == "not":
            return Unary("not", self.expression(40), token.pos)
        if token.kind == "OP" and token.text == "-":
            return Unary("-", self.expression(80), token.pos)
        if token.kind == "OP" and token.text == "(":
            return self.parenthesised(token)
        if token.kind == "NAME":
            return self.call(token) if self.at("(") else self.name(token)
        raise _error(f"expected a value but found {self._describe(token)}", token.pos)

    def parenthesised(self, opening: Token) -> Node:
        first = self.expression()
        if self.at(")"):
            self.take()
            return first
        self.expect(",")
        return ListLit((first, *self.comma_list(")")), opening.pos)

    def name(self, first: Token) -> Name:
        parts = [first.text]
        while self.at("."):
            self.take()
            part = self.take()
            if part.kind != "NAME":
                raise _error(f"expected a name after '.' but found {self._describe(part)}", part.pos)
            parts.append(part.text)
        return Name(tuple(parts), first.pos)

    def call(self, func: Token) -> Call:
        self.take()
        args: list[Node] = []
        kwargs: list[tuple[str, Node]] = []
        while not self.at(")"):
            if self.current.kind == "NAME" and self.tokens[self.index + 1].text == "=":
                key = self.take()
                self.take()
                if key.text in (name for name, _ in kwargs):
                    raise _error(f"argument {key.text!r} given twice", key.pos)
                kwargs.append((key.text, self.expression()))
            elif kwargs:
                raise _error("positional argument after a keyword argument", self.current.pos)
            else:
                args.append(self.expression())
            if not self.at(")"):
                self.expect(",")
        self.take()
        return Call(func.text, tuple(args), tuple(kwargs), func.pos)


def parse(text: str) -> Node:
    """Parse expression text into a syntax tree.

    Raises DefinitionError naming the line and column of the first problem.
    Example: ``parse("rom_enerom <= rom_i_alt")`` → ``Binary('<=', Name(('rom_enerom',)), ...)``.
    """
    if not text.strip():
        raise DefinitionError("expression is empty")
    parser = _Parser(tokenize(text))
    tree = parser.expression()
    if parser.current.kind != "END":
        raise _error(f"unexpected {parser._describe(parser.current)} after a complete expression",
                     parser.current.pos)
    return tree
