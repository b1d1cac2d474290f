"""Correction formulas (``formler``), parsed and resolved as kostraregnskap's ``AutoFormel`` does.

A formula ``D:FG2:AGD65 = D:FG2:AGD45 - D:FG2:AGD46 - D:FG2:AG18`` replaces the left-hand cell
(kontoklasse:funksjon:art) by a linear combination of cells. A two-part formula ``FG2:AG11 = 840:AG11 - ...``
stands for the same formula on ``D`` and on ``I`` (the ``I`` copy is placed after every given formula).
Right-hand sides always mean the values computed before any formula: a formula whose right-hand side uses
another formula's left-hand cell gets that formula substituted (a formula may use its own cell, meaning the
value before correction). Formulas that depend on each other in a circle are an error, as in R.

Right-hand sides are linear: ``±``, numeric factors (``0.5*D:FG2:AG1``, ``D:FG2:AG1/2``) and parentheses;
a constant term or a product of two cells is an error (it could not be traced to input rows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kostra.errors import AccountsInputError

__all__ = ["Cell", "Formula", "resolve_formulas"]

Cell = tuple[str, str, str]  # (kontoklasse, funksjon, art)
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![0-9A-Za-z_.':])|"
                    r"(?P<code>[0-9A-Za-z_.']*:[0-9A-Za-z_.':]*)|(?P<op>[-+*/()]))")


@dataclass(frozen=True)
class Formula:
    """A resolved formula: the left cell and the coefficients of the cells (before formulas) it is made of."""

    left: Cell
    terms: dict[Cell, float]
    text: str  # as written in the file
    file: str
    line: int


Linear = dict[str | None, float]  # code text -> coefficient; None = constant


class _Parser:
    def __init__(self, text: str, file: str, line: int) -> None:
        self.tokens = self._tokenize(text, file, line)
        self.pos = 0
        self.file, self.line, self.text = file, line, text

    def _tokenize(self, text: str, file: str, line: int) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        text = text.rstrip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise AccountsInputError(f"formula {text!r}: cannot read {text[pos:].strip()!r}", file=file,
                                         line=line)
            kind = match.lastgroup or "op"
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def fail(self, why: str) -> AccountsInputError:
        return AccountsInputError(f"formula {self.text!r}: {why}", file=self.file, line=self.line)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Linear:
        value = self.sum()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return value

    def sum(self) -> Linear:
        total = self.product()
        while (token := self.peek()) is not None and token[1] in "+-":
            self.pos += 1
            total = _add(total, self.product(), 1.0 if token[1] == "+" else -1.0)
        return total

    def product(self) -> Linear:
        value = self.unary()
        while (token := self.peek()) is not None and token[1] in "*/":
            self.pos += 1
            other = self.unary()
            if token[1] == "/":
                if set(other) != {None} or other[None] == 0:
                    raise self.fail("division only by a non-zero number")
                value = _scale(value, 1.0 / other[None])
            elif set(value) == {None}:
                value = _scale(other, value[None])
            elif set(other) == {None}:
                value = _scale(value, other[None])
            else:
                raise self.fail("a product of two cells is not linear")
        return value

    def unary(self) -> Linear:
        token = self.peek()
        if token is None:
            raise self.fail("ends too early")
        self.pos += 1
        kind, text = token
        if text in "+-" and kind == "op":
            return _scale(self.unary(), 1.0 if text == "+" else -1.0)
        if text == "(":
            inner = self.sum()
            if self.peek() != ("op", ")"):
                raise self.fail("a '(' is not closed")
            self.pos += 1
            return inner
        if kind == "num":
            return {None: float(text)}
        if kind == "code":
            return {text: 1.0}
        raise self.fail(f"unexpected {text!r}")


def _add(a: Linear, b: Linear, factor: float) -> Linear:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + factor * v
    return out


def _scale(a: Linear, factor: float) -> Linear:
    return {k: v * factor for k, v in a.items()}


@dataclass
class _Written:
    left: str
    right: Linear
    text: str
    line: int


def resolve_formulas(formulas: Sequence[tuple[str, int]], file: str = "formler") -> list[Formula]:
    """Parse ``(text, line)`` pairs, expand two-part formulas and substitute dependencies (``AutoFormel``).

    Raises AccountsInputError naming the file and line for an unreadable formula, a left-hand cell given
    twice, or formulas that depend on each other in a circle.
    """
    written = [_parse_one(text, line, file) for text, line in formulas]
    written = _three_part(written, file)
    seen: dict[str, _Written] = {}
    for w in written:
        if w.left in seen:
            raise AccountsInputError(f"two formulas for {w.left} (lines {seen[w.left].line} and {w.line}); "
                                     "formulas may not overlap", file=file, line=w.line)
        seen[w.left] = w
    _substitute(written, file)
    return [Formula(_cell(w.left, w, file), {_cell(c, w, file): v for c, v in w.right.items() if c and v != 0},
                    w.text, file, w.line) for w in written]


def _parse_one(text: str, line: int, file: str) -> _Written:
    left, equals, right = text.partition("=")
    if not equals or "=" in right:
        raise AccountsInputError(f"formula {text!r}: expected one '=' (cell = expression)", file=file, line=line)
    left = left.strip()
    linear = _Parser(right, file, line).parse()
    if linear.get(None):
        raise AccountsInputError(f"formula {text!r}: a constant term cannot be traced to input rows", file=file,
                                 line=line)
    linear.pop(None, None)
    if not re.fullmatch(r"[0-9A-Za-z_.']+(:[0-9A-Za-z_.']+){1,2}", left):
        raise AccountsInputError(f"formula {text!r}: the left side {left!r} is not a cell "
                                 "(kontoklasse:funksjon:art or funksjon:art)", file=file, line=line)
    return _Written(left, linear, text, line)


def _three_part(written: list[_Written], file: str) -> list[_Written]:
    """Two-part formulas become a D formula in place and an I formula after all given formulas."""
    out, extra = [], []
    for w in written:
        parts = w.left.count(":") + 1
        for code in w.right:
            if code is not None and code.count(":") + 1 != parts:
                raise AccountsInputError(f"formula {w.text!r}: {code!r} has not the {parts} parts of the left side",
                                         file=file, line=w.line)
        if parts == 3:
            out.append(w)
            continue
        for kk, target in (("D", out), ("I", extra)):
            right = {f"{kk}:{c}": v for c, v in w.right.items() if c is not None}
            target.append(_Written(f"{kk}:{w.left}", right, w.text, w.line))  # type: ignore[arg-type]
    return out + extra


def _substitute(written: list[_Written], file: str) -> None:
    lefts = {w.left: i for i, w in enumerate(written)}
    pending = {i: {lefts[c] for c in w.right if c in lefts and lefts[c] != i} for i, w in enumerate(written)}
    while any(pending.values()):
        ready = [i for i, deps in pending.items() if not deps]
        progressed = False
        for j, deps in pending.items():
            for i in [d for d in deps if d in ready]:
                w, source = written[j], written[i]
                factor = w.right.pop(source.left)
                w.right = _add(w.right, source.right, factor)
                deps.discard(i)
                progressed = True
        if not progressed:
            stuck = sorted(i for i, deps in pending.items() if deps)
            names = ", ".join(written[i].left for i in stuck)
            raise AccountsInputError(f"formulas depend on each other in a circle: {names}", file=file,
                                     line=written[stuck[0]].line)


def _cell(code: str, w: _Written, file: str) -> Cell:
    parts = code.split(":")
    if len(parts) != 3 or not all(parts):
        raise AccountsInputError(f"formula {w.text!r}: {code!r} is not kontoklasse:funksjon:art", file=file,
                                 line=w.line)
    return parts[0], parts[1], parts[2]
