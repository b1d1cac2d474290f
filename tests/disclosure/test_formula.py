"""The formula parser: R's term order, and any text gives terms or our own error (never another exception)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.disclosure.formula import parse_formula
from kostra.disclosure.inputs import TableInputError


def _terms(text: str) -> list[tuple[str, ...]]:
    return [t.variables for t in parse_formula(text)[0]]


def test_r_term_order() -> None:
    # R: terms(~sector2 * geo + sector4 * eu) has main effects first, then the two interactions
    assert _terms("~sector2 * geo + sector4 * eu") == [
        (), ("sector2",), ("geo",), ("sector4",), ("eu",), ("sector2", "geo"), ("sector4", "eu")]
    assert _terms("~a:b") == [(), ("a", "b")]
    assert _terms("~(a + b) * c - 1") == [("a",), ("b",), ("c",), ("a", "c"), ("b", "c")]
    assert _terms("~a*b*c")[-1] == ("a", "b", "c")


@pytest.mark.parametrize("text", ["a + b", "~", "~a +", "~a * (b", "~__import__('os').system('x')", "~a - b"])
def test_bad_formulas_are_refused_with_our_error(text: str) -> None:
    with pytest.raises(TableInputError, match="formula"):
        parse_formula(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="~ab_c1+*:()-.x '\"", max_size=25))
def test_any_text_gives_terms_or_our_error(text: str) -> None:
    try:
        terms, variables = parse_formula(text)
    except TableInputError:
        return
    assert all(set(t.variables) <= set(variables) for t in terms)
