"""Parser: trees, positions, errors, and hypothesis round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.controls.language import parse, to_source
from kostra.controls.language.syntax import Binary, Call, InList, Name, Number, Position, String, Unary
from kostra.errors import DefinitionError


def test_precedence_and_positions() -> None:
    tree = parse("a + b * 2 <= c")
    assert tree == Binary("<=", Binary("+", Name(("a",)), Binary("*", Name(("b",)), Number(2))), Name(("c",)))
    assert tree.pos == Position(1, 11)
    assert tree.left.right.pos == Position(1, 7)


def test_implies_is_right_associative_and_lowest() -> None:
    tree = parse("a or b implies c implies d")
    assert tree.op == "implies"
    assert tree.left == Binary("or", Name(("a",)), Name(("b",)))
    assert tree.right == Binary("implies", Name(("c",)), Name(("d",)))


def test_calls_lists_and_not_in() -> None:
    tree = parse("accounts(function=('253', '261'), art='AGD9') > 0 and x not in (1, -2)")
    call = tree.left.left
    assert isinstance(call, Call) and [key for key, _ in call.kwargs] == ["function", "art"]
    assert tree.right == InList(Name(("x",)), (Number(1), Unary("-", Number(2))), negated=True)


def test_positions_on_later_lines() -> None:
    tree = parse("count(t) > 0\n  implies sum(t.x) == skjema4.y")
    assert tree.right.right.pos == Position(2, 23)
    assert tree.right.right == Name(("skjema4", "y"))


@pytest.mark.parametrize(("text", "where", "what"), [
    ("a +", "line 1, column 4", "expected a value"),
    ("a == b == c", "line 1, column 8", "cannot be chained"),
    ("x in ()", "line 1, column 6", "at least one value"),
    ("f(a=1, 2)", "line 1, column 8", "positional argument after"),
    ("a & b", "line 1, column 3", "unexpected character '&'"),
    ("'open", "line 1, column 1", "not closed"),
    ("a b", "line 1, column 3", "unexpected 'b'"),
    ("1e999 > 0", "line 1, column 1", "too large"),
])
def test_syntax_errors_name_the_position(text: str, where: str, what: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse(text)
    assert where in str(caught.value) and what in str(caught.value)


def test_deep_nesting_is_our_error_not_recursion() -> None:
    with pytest.raises(DefinitionError, match="nested deeper"):
        parse("(" * 500 + "1" + ")" * 500)


_pieces = st.sampled_from([*"ab_.1 ()'\"=<>!+-*/,eE\n", "and ", "or ", "not ", "in ", "implies ", "true"])


@given(st.lists(_pieces, max_size=30).map("".join) | st.text(max_size=30))
@settings(max_examples=400, deadline=None)
def test_any_text_gives_a_tree_or_our_error(text: str) -> None:
    try:
        tree = parse(text)
    except DefinitionError:
        return
    assert parse(to_source(tree)) == tree


_names = st.lists(st.sampled_from(["a", "b_1", "skjema4", "plasser", "æøå"]), min_size=1, max_size=3).map(
    lambda parts: Name(tuple(parts)))
_leaves = (st.floats(min_value=0, max_value=1e12, allow_nan=False).map(Number)
           | st.text(max_size=5).map(String) | _names)


def _grow(children: st.SearchStrategy) -> st.SearchStrategy:
    return (st.tuples(st.sampled_from(["+", "-", "*", "/", "==", "<=", "and", "or", "implies"]), children,
                      children).map(lambda t: Binary(*t))
            | st.tuples(st.sampled_from(["-", "not"]), children).map(lambda t: Unary(*t))
            | st.tuples(st.sampled_from(["sum", "prev", "abs"]), st.lists(children, max_size=3)).map(
                lambda t: Call(t[0], tuple(t[1]))))


@given(st.recursive(_leaves, _grow, max_leaves=12))
@settings(max_examples=300, deadline=None)
def test_printed_tree_parses_back_to_the_same_tree(tree: object) -> None:
    assert parse(to_source(tree)) == tree
