"""The linear-programming audit: it must fail on an under-suppressed table and pass on R's suppressions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from kostra.disclosure.audit import audit
from kostra.disclosure.suppress import SuppressionSpec, suppress
from tests.disclosure.oracle import Case, cases, read_data, spec_of

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_r_suppressions_pass_the_audit(case: Case) -> None:
    spec = spec_of(case)
    result = suppress(read_data(case.bindings["data"]), spec)
    report = audit(result, n=tuple(spec.n), k=tuple(spec.k))
    assert report.passed
    assert len(report.intervals) == case.n_primary + case.n_secondary


def test_under_suppressed_table_fails() -> None:
    """Only the primary cell suppressed (secondary suppression undone): it equals Total minus its siblings."""
    import polars as pl

    data = pl.DataFrame({"region": ["a", "b", "c"], "antall": ["1", "5", "7"]})
    result = suppress(data, SuppressionSpec(hierarchies={"region": "T"}, freq_var="antall", max_n=3,
                                            protect_zeros=False))
    result.suppressed = result.primary.copy()
    report = audit(result)
    assert not report.passed
    cell = result.table.model.cells[report.exact_cells[0]]
    assert cell == ("a",)
    assert (report.intervals[0].lower, report.intervals[0].upper) == (1, 1)


def test_intervals_equal_independent_linprog_on_the_full_problem() -> None:
    """The audit's fixed-cell reduction and warm-started solver give the same intervals as plain linprog."""
    case = next(c for c in CASES if c.case_id == "f01_kjonn_pz")
    result = suppress(read_data(case.bindings["data"]), spec_of(case))
    report = audit(result)
    x = sp.csc_matrix(result.table.x, dtype=float)
    published = np.flatnonzero(~result.suppressed)
    a_eq = x[:, published].T
    b_eq = result.values[published].astype(float)
    for interval in report.intervals[:12]:
        c = x[:, interval.cell].toarray().ravel()
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").fun
        high = -linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").fun
        assert interval.lower == pytest.approx(low) and interval.upper == pytest.approx(high)


def test_too_narrow_interval_for_a_dominant_cell() -> None:
    """A = 100 from one institution, B = 1, C = 300 from ten; only A and B hidden. A + B = 101 is known, so
    A lies in [0, 101]: it is not exact, but 1 above its value is far below the (1, 65) rule's 100/65 · 100 − 100."""
    import polars as pl

    from kostra.disclosure.suppress import Fun

    rows = [("A", "X", "100"), ("B", "Y", "1")] + [("C", f"c{i}", "30") for i in range(10)]
    data = pl.DataFrame(rows, schema=["cell", "org", "v"], orient="row")
    result = suppress(data, SuppressionSpec(fun=Fun.SUPPRESS_DOMINANT_CELLS, hierarchies={"cell": "Total"},
                                            num_var=("v",), contributor_var="org", n=(1,), k=(65,)))
    cells = result.table.model.cells
    result.suppressed = np.array([c in (("A",), ("B",)) for c in cells])
    report = audit(result, n=(1,), k=(65,))
    assert report.passed
    a = next(i for i in report.intervals if cells[i.cell] == ("A",))
    assert (a.lower, a.upper) == (0, 101)
    assert a.required == pytest.approx(100 / 65 * 100 - 100)
    assert not a.protected and not report.protected


@pytest.mark.parametrize("protect_zeros", [True, False])
def test_random_frequency_tables_pass_the_audit(protect_zeros: bool) -> None:
    """Seeded random two-level tables: whatever the elimination suppresses, no cell is exactly derivable."""
    import polars as pl

    from kostra.disclosure.hierarchy import Link

    rng = np.random.default_rng(11 if protect_zeros else 12)
    for _ in range(25):
        n_regions, n_kinds = int(rng.integers(2, 6)), int(rng.integers(2, 4))
        rows = [(f"r{r}", f"k{k}", str(int(rng.choice([0, 1, 2, 3, 5, 8, 13]))))
                for r in range(n_regions) for k in range(n_kinds)]
        data = pl.DataFrame(rows, schema=["r", "k", "n"], orient="row")
        links = [Link(f"r{r}", "G1" if r < n_regions // 2 else "G2") for r in range(n_regions)]
        links += [Link("G1", "T"), Link("G2", "T")]
        result = suppress(data, SuppressionSpec(hierarchies={"r": links, "k": "Total"}, freq_var="n", max_n=3,
                                                protect_zeros=protect_zeros))
        assert audit(result).passed, rows
