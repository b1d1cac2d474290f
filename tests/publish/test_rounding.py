"""The column-wise rounding gives what ``Decimal`` half-up rounding of each value gives (hand-checked ties
first, then any float)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kostra.publish.formats.common import number_text, number_texts, rounded, rounded_values


def test_ties_round_up_on_the_decimal_digits() -> None:
    # 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary, yet rounds to 2.68 as written
    assert rounded_values([2.675, 0.125, -0.125, 1.5, 2.5, -2.5, None, 0.0], 2) == [
        2.68, 0.13, -0.13, 1.5, 2.5, -2.5, None, 0.0]
    assert rounded_values([0.5, 1.5, 2.5, -0.5, 1e15 + 0.5], 0) == [1, 2, 3, -1, 1000000000000001]
    assert number_texts([10.25, 4.0, None, -0.04, 1234.5], 1) == ["10.3", "4.0", "", "-0.0", "1234.5"]
    assert number_texts([10.25, 3.0], 1, comma=True) == ["10,3", "3,0"]


@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12,
                                                  max_value=1e12),
                          st.integers(-10**6, 10**6).map(lambda i: i / 1000 + 0.0005)), max_size=40),
       st.integers(0, 4))
def test_the_same_as_decimal_half_up_for_any_value(values: list[float | None], decimals: int) -> None:
    assert rounded_values(values, decimals) == [rounded(v, decimals) for v in values]
    assert number_texts(values, decimals) == [number_text(v, decimals) for v in values]
