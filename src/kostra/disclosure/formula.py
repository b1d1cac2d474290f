"""A small, safe parser for R model formulas such as ``~ a*b + c`` (no evaluation of any kind).

Grammar: ``formula := "~" sum``; ``sum := product ("+" product)* ["-" "1"]``; ``product := factor (("*" | ":")
factor)*``; ``factor := NAME | "(" sum ")" | "1"``. ``a*b`` means ``a + b + a:b``. Terms come out in R's order:
the intercept, then by number of variables, then in order of appearance; variables within a term in the order
they first appear in the formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kostra.disclosure.inputs import TableInputError

__all__ = ["Term", "parse_formula"]

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_.][A-Za-z0-9_.]*)|(?P<one>1)|(?P<op>[~+*:()\-]))")


@dataclass(frozen=True)
class Term:
    """A formula term: the variables crossed in it (empty for the intercept, the grand total)."""

    variables: tuple[str, ...]


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise TableInputError(f"formula {text!r}: cannot read {text[pos:].strip()!r} at position {pos + 1}; "
                                  "expected variable names joined by + * : and parentheses")
        out.append(match.group("name") or match.group("one") or match.group("op"))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.order: dict[str, None] = {}
        self.intercept = True

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _fail(self, expected: str) -> TableInputError:
        found = self._peek()
        return TableInputError(f"formula {self.text!r}: expected {expected}, found "
                               f"{'the end' if found is None else repr(found)}")

    def parse(self) -> set[frozenset[str]]:
        if self._peek() != "~":
            raise self._fail("'~' at the start")
        self.pos += 1
        terms = self._sum()
        if self._peek() is not None:
            raise self._fail("'+', '*' or ':'")
        return terms

    def _sum(self) -> set[frozenset[str]]:
        terms = self._product()
        while self._peek() in ("+", "-"):
            op = self._peek()
            self.pos += 1
            if op == "-":
                if self._peek() != "1":
                    raise self._fail("'1' after '-' (only '- 1' is supported)")
                self.pos += 1
                self.intercept = False
                continue
            terms |= self._product()
        return terms

    def _product(self) -> set[frozenset[str]]:
        terms = self._factor()
        while self._peek() in ("*", ":"):
            op = self._peek()
            self.pos += 1
            right = self._factor()
            crossed = {a | b for a in terms for b in right}
            terms = (terms | right | crossed) if op == "*" else crossed
        return terms

    def _factor(self) -> set[frozenset[str]]:
        token = self._peek()
        if token == "(":
            self.pos += 1
            terms = self._sum()
            if self._peek() != ")":
                raise self._fail("')'")
            self.pos += 1
            return terms
        if token == "1":
            self.pos += 1
            return {frozenset()}
        if token is None or not re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.]*", token):
            raise self._fail("a variable name")
        self.pos += 1
        self.order.setdefault(token)
        return {frozenset([token])}


def parse_formula(text: str) -> tuple[list[Term], list[str]]:
    """Terms in R's order and the variables in order of appearance.

    >>> terms, variables = parse_formula("~a*b + c")
    >>> [t.variables for t in terms], variables
    ([(), ('a',), ('b',), ('c',), ('a', 'b')], ['a', 'b', 'c'])
    """
    parser = _Parser(text)
    found = parser.parse()
    variables = list(parser.order)
    rank = {v: k for k, v in enumerate(variables)}
    ordered = sorted((t for t in found if t), key=lambda t: (len(t), sorted(rank[v] for v in t)))
    terms = [Term(())] if parser.intercept else []
    terms += [Term(tuple(sorted(t, key=rank.__getitem__))) for t in ordered]
    return terms, variables
