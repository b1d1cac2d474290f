"""The selection expressions (``*``, ``top(n)``, ``bottom(n)``, ``from(x)``, ``to(x)``, ``range(x,y)``):
hand-worked cases, and properties: any text gives a selection or a SelectionError, never another error,
and a selection is always a part of the variable's codes, in their order, each once.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.web.statbank_selection import SelectionError, select_values, split_codes

YEARS = ["2020", "2021", "2022", "2023", "2024", "2025"]


@pytest.mark.parametrize(("items", "expected"), [
    (["*"], YEARS), (["top(2)"], ["2024", "2025"]), (["TOP( 2 )"], ["2024", "2025"]),
    (["top(2,1)"], ["2023", "2024"]), (["top(10)"], YEARS), (["bottom(1)"], ["2020"]),
    (["bottom(2,3)"], ["2023", "2024"]), (["from(2024)"], ["2024", "2025"]), (["to(2021)"], ["2020", "2021"]),
    (["range(2021,2023)"], ["2021", "2022", "2023"]), (["range(2022,2022)"], ["2022"]),
    (["2025", "2020"], ["2020", "2025"]), (["202?"], YEARS[:6]), (["2*"], YEARS),
    (["2024", "top(1)"], ["2024", "2025"]),
])
def test_worked_cases(items: list[str], expected: list[str]) -> None:
    assert select_values("Tid", items, YEARS) == expected


@pytest.mark.parametrize(("items", "words"), [
    (["1999"], "unknown value code '1999'"), (["top(-1)"], "whole number"), (["top()"], "top(n)"),
    (["top(1,2,3)"], "top(n)"), (["range(2024)"], "range(code,code)"), (["range(2024,2020)"], "comes after"),
    (["from(1999)"], "unknown value code '1999'"), (["last(3)"], "unknown expression"), ([], "no values"),
    (["top(0)"], "selects no values"), (["19*"], "selects no values"), (["top(99999999)"], "whole number"),
])
def test_mistakes_are_named(items: list[str], words: str) -> None:
    with pytest.raises(SelectionError, match=r"^Tid: ") as raised:
        select_values("Tid", items, YEARS)
    assert words in str(raised.value)


def test_split_keeps_expressions_whole() -> None:
    assert split_codes("0301, top(2,1),range(a,b),,") == ["0301", "top(2,1)", "range(a,b)"]


CODES = st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=6), min_size=1, max_size=8,
                 unique=True)
PIECES = st.sampled_from(["*", "?", "top(", "bottom(", "from(", "to(", "range(", ")", ",", "2", "-1", "x", " "])
ITEM = st.one_of(st.text(max_size=20), st.lists(PIECES, max_size=8).map("".join))


@settings(max_examples=400, deadline=None)
@given(codes=CODES, text=st.lists(ITEM, max_size=4).map(",".join))
def test_any_text_gives_a_selection_or_a_clear_error(codes: list[str], text: str) -> None:
    try:
        chosen = select_values("Region", split_codes(text), codes)
    except SelectionError as problem:
        assert str(problem).startswith("Region: ")
        return
    assert chosen and len(set(chosen)) == len(chosen)
    assert chosen == [c for c in codes if c in chosen]  # a part of the codes, in their order


@settings(max_examples=200, deadline=None)
@given(codes=CODES, n=st.integers(0, 12), offset=st.integers(0, 12))
def test_top_and_bottom_match_slicing(codes: list[str], n: int, offset: int) -> None:
    end = max(len(codes) - offset, 0)
    expected_top, expected_bottom = codes[max(end - n, 0):end], codes[offset:offset + n]
    for expression, expected in ((f"top({n},{offset})", expected_top), (f"bottom({n},{offset})", expected_bottom)):
        if expected:
            assert select_values("X", [expression], codes) == expected
        else:
            with pytest.raises(SelectionError):
                select_values("X", [expression], codes)
