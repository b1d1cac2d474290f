"""Hierarchies: levels and order as R's AutoLevel and output, signed path sums, cycles refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.disclosure.hierarchy import Link, dimension_from_links
from kostra.disclosure.inputs import TableInputError


def test_levels_and_r_order_with_a_deeper_branch() -> None:
    # district → 0301 → EKA03 → EAK makes EAK level 3, while EKA32 is level 1 (README of the reference data)
    links = [Link("030101", "0301"), Link("030102", "0301"), Link("0301", "EKA03"), Link("EKA03", "EAK"),
             Link("3201", "EKA32"), Link("EKA32", "EAK")]
    dim = dimension_from_links("region", links, ["030101", "030102", "3201"], source="h.csv")
    assert dim.levels["EAK"] == 3 and dim.levels["EKA32"] == 1 and dim.levels["3201"] == 0
    assert dim.codes == ["EAK", "EKA03", "0301", "EKA32", "030101", "030102", "3201"]


def test_signed_path_sums() -> None:
    # EAKUO = EAK − 0301 written with a minus sign: 0301 counts 1 − 1 = 0 in it, 1103 counts 1
    links = [Link("0301", "EAK"), Link("1103", "EAK"), Link("EAK", "EAKUO"), Link("0301", "EAKUO", -1)]
    dim = dimension_from_links("region", links, ["0301", "1103"], source="h.csv")
    assert dim.coefficients("0301") == {"0301": 1, "EAK": 1}
    assert dim.coefficients("1103") == {"1103": 1, "EAK": 1, "EAKUO": 1}


def test_byte_order_puts_digits_before_capitals_before_small_letters() -> None:
    dim = dimension_from_links("k", [Link(c, "T") for c in ("b", "B", "1", "a")], ["a", "b", "B", "1"],
                               source="h.csv")
    assert dim.codes == ["T", "1", "B", "a", "b"]


def test_cycle_is_refused_naming_the_codes() -> None:
    with pytest.raises(TableInputError, match=r"h\.csv: the hierarchy has a cycle: A → B → A"):
        dimension_from_links("k", [Link("x", "A"), Link("B", "A"), Link("A", "B")], ["x"], source="h.csv")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDEF"), st.sampled_from("ABCDEF")), max_size=8))
def test_any_links_give_a_dimension_or_our_error(pairs: list[tuple[str, str]]) -> None:
    links = [Link(child, parent) for child, parent in pairs]
    inputs = {c for c, _ in pairs} - {p for _, p in pairs}
    try:
        dim = dimension_from_links("k", links, sorted(inputs), source="h.csv")
    except TableInputError:
        return
    assert set(dim.input_codes) == inputs
    for code in inputs:
        assert dim.coefficients(code)[code] == 1
