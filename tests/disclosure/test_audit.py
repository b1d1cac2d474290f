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
