"""Tables the reference has not seen, with the expected suppression reasoned out by hand."""

from __future__ import annotations

import polars as pl

from kostra.disclosure.audit import audit
from kostra.disclosure.hierarchy import Link
from kostra.disclosure.suppress import Fun, SuppressionSpec, suppress


def _status(result) -> dict[tuple[str, ...], str]:  # type: ignore[no-untyped-def]
    out = {}
    for cell, p, s in zip(result.table.model.cells, result.primary, result.suppressed, strict=True):
        out[cell] = "primary" if p else ("secondary" if s else "published")
    return out


def test_one_dimension_the_largest_sibling_is_kept_and_the_smallest_other_suppressed() -> None:
    # Total = a + b + c = 1 + 5 + 7. a (1 ≤ maxN) is primary. Candidates by size: Total, c, b. Publishing
    # Total and c leaves b; publishing b too gives a = Total − b − c, so b is secondary.
    data = pl.DataFrame({"region": ["a", "b", "c"], "antall": ["1", "5", "7"]})
    result = suppress(data, SuppressionSpec(hierarchies={"region": [Link("a", "T"), Link("b", "T"), Link("c", "T")]},
                                            freq_var="antall", max_n=3, protect_zeros=False))
    assert _status(result) == {("T",): "published", ("a",): "primary", ("b",): "secondary", ("c",): "published"}
    assert audit(result).passed


def test_two_by_two_needs_the_whole_rectangle() -> None:
    # r1k1 = 1 is primary. Candidates: Total 28, r2 19, k2 18, k1 10 (ties with r2k2 = 10, but k1 is built from
    # more inner cells), r2k2 10, r1 9, r2k1 9, r1k2 8. Totals and margins span no unit vector, so they are
    # published; each of r2k2, r2k1, r1k2 would then reveal r1k1 and is suppressed.
    data = pl.DataFrame({"r": ["r1", "r1", "r2", "r2"], "k": ["k1", "k2", "k1", "k2"],
                         "n": ["1", "8", "9", "10"]})
    result = suppress(data, SuppressionSpec(hierarchies={"r": "Total", "k": "Total"}, freq_var="n", max_n=3,
                                            protect_zeros=False))
    status = _status(result)
    assert status[("r1", "k1")] == "primary"
    assert {c for c, s in status.items() if s == "secondary"} == {("r1", "k2"), ("r2", "k1"), ("r2", "k2")}
    report = audit(result)
    assert report.passed
    # r1k1 can move by up to 1 down (to 0) and 8 up (r1k2 to 0): [0, 9]
    interval = next(i for i in report.intervals if result.table.model.cells[i.cell] == ("r1", "k1"))
    assert (interval.lower, interval.upper) == (0, 9)


def test_dominance_on_contributor_sums_not_rows() -> None:
    # Cell A has rows 50 and 30 from contributor X and 20 from Y: X holds 80 % of 100 > 65 % → primary,
    # although no single row exceeds 50 %. Cell B: 40, 35, 25 from three contributors: 40 % < 65 %, and the two
    # largest hold 75 % < 85 % → not primary.
    data = pl.DataFrame({"cell": ["A", "A", "A", "B", "B", "B"], "org": ["X", "X", "Y", "P", "Q", "R"],
                         "v": ["50", "30", "20", "40", "35", "25"]})
    result = suppress(data, SuppressionSpec(fun=Fun.SUPPRESS_DOMINANT_CELLS, hierarchies={"cell": "Total"},
                                            num_var=("v",), contributor_var="org", n=(1, 2), k=(65, 85)))
    status = _status(result)
    assert status[("A",)] == "primary"
    assert status[("B",)] == "secondary"  # else A = Total − B
    assert status[("Total",)] == "published"


def test_p_percent_rule() -> None:
    # X = 100, c1 = 60, c2 = 35: X − c1 − c2 = 5 < 10 % of 60 = 6 → primary with p = 10, not with p = 5.
    data = pl.DataFrame({"cell": ["A", "A", "A", "B", "B", "B"], "org": ["X", "Y", "Z", "P", "Q", "R"],
                         "v": ["60", "35", "5", "40", "35", "25"]})
    spec = {"fun": Fun.SUPPRESS_DOMINANT_CELLS, "hierarchies": {"cell": "Total"}, "num_var": ("v",),
            "contributor_var": "org"}
    assert _status(suppress(data, SuppressionSpec(**spec, p_percent=10)))[("A",)] == "primary"
    assert _status(suppress(data, SuppressionSpec(**spec, p_percent=5)))[("A",)] == "published"


def test_few_contributors() -> None:
    # A has one contributor with a non-zero value (Y's is 0): primary with maxN = 1; B has two, C three.
    # Candidates by value: Total 24, B 9, C 6; publishing all three would give A = Total − B − C, so C (the
    # last tried) is secondary.
    data = pl.DataFrame({"cell": ["A", "A", "B", "B", "C", "C", "C"], "org": ["X", "Y", "P", "Q", "R", "S", "T"],
                         "v": ["9", "0", "4", "5", "1", "2", "3"]})
    result = suppress(data, SuppressionSpec(fun=Fun.SUPPRESS_FEW_CONTRIBUTORS, hierarchies={"cell": "Total"},
                                            num_var=("v",), contributor_var="org", max_n=1))
    assert result.cells["nRule"].to_list() == [6, 1, 2, 3]
    assert result.cells.columns == ["cell", "freq", "v", "nRule", "nAll", "primary", "suppressed"]
    status = _status(result)
    assert status[("A",)] == "primary"
    assert status[("B",)] == "published"
    assert status[("C",)] == "secondary"
