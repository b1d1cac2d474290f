"""The suppression audit over linked tables as one system of equations: a cell each table protects alone but
that follows from two tables together refuses the release, with the reason.

Three regions o, m2, m3 (5, 7 and 9) of one field shown in two tables. Table A publishes their total (21);
table B has two overlapping sums instead, U1 = o + m3 (14) and U2 = m2 + m3 (16), as the country without Oslo
overlaps the counties. Both hide o, m2 and m3 (consistent on their shared cells). Alone, A leaves two degrees
of freedom and B one; together m3 = U1 + U2 − total = 14 + 16 − 21 = 9, and then o = 5 and m2 = 7.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from kostra.disclosure.audit import LinkedTable, audit, audit_linked
from kostra.disclosure.hierarchy import Link
from kostra.disclosure.suppress import SuppressionResult, SuppressionSpec, suppress
from kostra.publish import ReleaseRefused
from kostra.publish.protect import audit_together

DATA = pl.DataFrame({"region": ["o", "m2", "m3"], "antall": [5, 7, 9]})
TOTAL = [Link("o", "Tot"), Link("m2", "Tot"), Link("m3", "Tot")]
OVERLAPPING = [Link("o", "U1"), Link("m3", "U1"), Link("m2", "U2"), Link("m3", "U2")]


def _hiding(links: list[Link], hidden: set[str]) -> SuppressionResult:
    """The table of ``links`` with ``hidden`` suppressed (the audit checks any pattern, however chosen)."""
    result = suppress(DATA, SuppressionSpec(hierarchies={"region": links}, freq_var="antall", max_n=0))
    mask = np.array([code in hidden for code in result.cells["region"]])
    return replace(result, suppressed=mask, primary=mask.copy())


def _linked(name: str, result: SuppressionResult) -> LinkedTable:
    return LinkedTable(name, result, keys=[("5", "4.3", r) for r in result.table.inner["region"]])


def _interval(report, result: SuppressionResult, code: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    at = result.cells["region"].to_list().index(code)
    found = next(i for i in report.intervals if i.cell == at)
    return found.lower, found.upper


def test_each_table_alone_passes_but_together_every_hidden_cell_is_exact() -> None:
    a = _hiding(TOTAL, {"o", "m2", "m3"})
    b = _hiding(OVERLAPPING, {"o", "m2", "m3"})
    assert audit(a).passed and audit(b).passed
    assert _interval(audit(b), b, "m3") == pytest.approx((0, 14))  # m3 ≤ U1 = 14 and ≤ U2 = 16
    reports = audit_linked([_linked("A", a), _linked("B", b)])
    assert not reports["A"].passed and not reports["B"].passed
    for code, value in (("o", 5), ("m2", 7), ("m3", 9)):
        assert _interval(reports["A"], a, code) == pytest.approx((value, value))
        assert _interval(reports["B"], b, code) == pytest.approx((value, value))


def test_the_release_is_refused_with_the_reason() -> None:
    a = _hiding(TOTAL, {"o", "m2", "m3"})
    b = _hiding(OVERLAPPING, {"o", "m2", "m3"})
    with pytest.raises(ReleaseRefused) as refused:
        audit_together([_linked("A", a), _linked("B", b)])
    message = str(refused.value)
    assert message.startswith("table A: the suppression audit, together with the linked table(s) B, "
                              "finds 3 suppressed cell(s) that can be derived exactly")
    assert "{'region': 'm2'}" in message and message.endswith("nothing is published")


def test_consistent_linked_tables_pass_together_and_a_leak_through_one_sum_is_found() -> None:
    # the same total in both tables: together they say no more than each alone (o + m2 + m3 = 21)
    a = _hiding(TOTAL, {"o", "m2", "m3"})
    again = _hiding(TOTAL, {"o", "m2", "m3"})
    reports = audit_together([_linked("A", a), _linked("A2", again)])
    assert reports["A"].passed and reports["A2"].passed
    assert _interval(reports["A"], a, "m3") == pytest.approx((0, 21))
    # B hides U1 as well: U2 = m2 + m3 and the total still give o = 21 − 16 = 5 away
    b = _hiding(OVERLAPPING, {"o", "m2", "m3", "U1"})
    with pytest.raises(ReleaseRefused, match=r"\[\{'region': 'o'\}\]"):
        audit_together([_linked("A", a), _linked("B", b)])


def test_inner_cells_with_the_same_key_but_other_values_are_not_joined() -> None:
    # another measure of the same regions (say, another year): nothing is shared, so each table's own
    # degrees of freedom remain
    other = pl.DataFrame({"region": ["o", "m2", "m3"], "antall": [6, 8, 10]})
    a = _hiding(TOTAL, {"o", "m2", "m3"})
    result = suppress(other, SuppressionSpec(hierarchies={"region": OVERLAPPING}, freq_var="antall", max_n=0))
    mask = np.array([code in {"o", "m2", "m3"} for code in result.cells["region"]])
    b = replace(result, suppressed=mask, primary=mask.copy())
    reports = audit_linked([_linked("A", a), _linked("B", b)])
    assert reports["A"].passed and reports["B"].passed
