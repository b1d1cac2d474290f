"""Properties of the formula parser and the wildcard selections (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.accounts.formulas import Cell, resolve_formulas
from kostra.accounts.wildcards import matches, select
from kostra.errors import AccountsInputError

CODE = st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True)
CELL = st.tuples(st.sampled_from(["D", "I"]), CODE, CODE)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_formula_or_our_error(text: str) -> None:
    try:
        resolve_formulas([(text, 2)])
    except AccountsInputError as error:
        assert "line 2" in str(error)


@settings(max_examples=200, deadline=None)
@given(CELL, st.lists(st.tuples(st.integers(-9, 9).filter(bool), CELL), min_size=1, max_size=5,
                      unique_by=lambda t: t[1]))
def test_written_combination_reads_back(left: Cell, terms: list[tuple[int, Cell]]) -> None:
    text = ":".join(left) + " = " + " ".join(f"{'+' if k > 0 else '-'} {abs(k)}*{':'.join(c)}" for k, c in terms)
    (formula,) = resolve_formulas([(text, 2)])
    assert formula.left == left
    assert formula.terms == {c: float(k) for k, c in terms}


@settings(max_examples=200, deadline=None)
@given(st.lists(CODE, max_size=20), st.lists(st.from_regex(r"-?!?[A-Z0-9*?]{1,4}", fullmatch=True), max_size=4))
def test_selection_keeps_order_and_only_given_codes(codes: list[str], patterns: list[str]) -> None:
    chosen = select(codes, patterns)
    distinct = list(dict.fromkeys(codes))
    assert chosen == [c for c in distinct if c in set(chosen)]
    assert select(codes, ["*"]) == distinct and select(codes, ["-*"]) == []
    for code in chosen:
        assert not any(matches(p[1:], code) for p in patterns if p.startswith("-"))


def test_single_linkage_merges_as_r() -> None:
    # R: hclust(dist(c(1, 2, 4, 8)), "single")$merge is rbind(c(-1, -2), c(-3, 1), c(-4, 2));
    # three points at equal distance: rbind(c(-1, -2), c(-3, 1)) (the first minimum wins).
    from kostra.accounts.wildcards import _hclust_single

    points = [1, 2, 4, 8]
    assert _hclust_single([[abs(a - b) for b in points] for a in points]) == [(-1, -2), (-3, 1), (-4, 2)]
    assert _hclust_single([[0, 1, 1], [1, 0, 1], [1, 1, 0]]) == [(-1, -2), (-3, 1)]
    # two pairs: c(0, 1, 10, 11) -> rbind(c(-1, -2), c(-3, -4), c(1, 2))
    points = [0, 1, 10, 11]
    assert _hclust_single([[abs(a - b) for b in points] for a in points]) == [(-1, -2), (-3, -4), (1, 2)]
