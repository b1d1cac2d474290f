"""Every reference case of Statistics Norway's GaussSuppression: every cell's primary and suppressed as R's."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import scipy.sparse as sp

from kostra.disclosure.candidates import candidates_default, candidates_num
from kostra.disclosure.gauss import gauss_suppression
from kostra.disclosure.suppress import suppress
from tests.disclosure.oracle import Case, cases, read_data, spec_of

CASES = cases()


def _rows(case: Case, suffix: str) -> list[dict[str, str]]:
    with case.file(suffix).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _reference_x(case: Case) -> sp.csc_matrix:
    triplets = _rows(case, "x")
    n_inner, n_cells = len(_rows(case, "inner")), len(_rows(case, "output"))
    rows = np.array([int(t["inner_row"]) - 1 for t in triplets])
    cols = np.array([int(t["cell"]) - 1 for t in triplets])
    vals = np.array([int(float(t["value"])) for t in triplets])
    return sp.csc_matrix((vals, (rows, cols)), shape=(n_inner, n_cells))


def test_the_manifest_lists_twelve_cases() -> None:
    assert len(CASES) == 12


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_cells_primary_and_suppressed_equal_r(case: Case) -> None:
    result = suppress(read_data(case.bindings["data"]), spec_of(case), source=str(case.bindings["data"]))
    expected = _rows(case, "output")
    got = result.cells
    assert got.height == case.n_cells == len(expected)
    assert list(got.columns) == list(expected[0])
    for k, (row, want) in enumerate(zip(got.iter_rows(named=True), expected, strict=True)):
        assert all(row[d] == want[d] for d in result.table.model.columns), f"row {k + 1}: cell order"
        assert row["primary"] == (want["primary"] == "TRUE"), f"row {k + 1} {want}: primary"
        assert row["suppressed"] == (want["suppressed"] == "TRUE"), f"row {k + 1} {want}: suppressed"
    assert int(result.primary.sum()) == case.n_primary
    assert int((result.suppressed & ~result.primary).sum()) == case.n_secondary


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_model_matrix_and_inner_cells_equal_r(case: Case) -> None:
    result = suppress(read_data(case.bindings["data"]), spec_of(case))
    inner = _rows(case, "inner")
    keys = result.table.keys
    assert result.table.inner.select(keys).rows() == [tuple(r[k] for k in keys) for r in inner]
    difference = result.table.x - _reference_x(case)
    assert result.table.x.shape == _reference_x(case).shape
    assert abs(difference).sum() == 0


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_candidate_order_equals_r(case: Case) -> None:
    result = suppress(read_data(case.bindings["data"]), spec_of(case))
    gauss_input = _rows(case, "gauss_input")
    expected = sorted(range(len(gauss_input)), key=lambda i: int(gauss_input[i]["candidate_position"]))
    x = result.table.x
    freq = np.asarray(x.T @ result.table.inner["freq"].to_numpy()).ravel()
    got = candidates_num(freq, result.values, x) if result.magnitude else candidates_default(freq, x)
    assert got == expected
    assert [g["primary_input"] == "TRUE" for g in gauss_input] == result.primary.tolist()


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_elimination_alone_on_r_inputs(case: Case) -> None:
    """The elimination given R's own x, candidate order, primary and singleton vectors."""
    gauss_input = _rows(case, "gauss_input")
    order = sorted(range(len(gauss_input)), key=lambda i: int(gauss_input[i]["candidate_position"]))
    primary = [i for i, g in enumerate(gauss_input) if g["primary_input"] == "TRUE"]
    raw = [r["singleton"] for r in _rows(case, "inner")]
    singleton = np.array([v == "TRUE" for v in raw]) if raw[0] in ("TRUE", "FALSE") else np.array([int(v) for v in raw])
    method = "anySum" if case.case_id.startswith(("f", "v_sc")) else "numttHTT"
    secondary = set(gauss_suppression(_reference_x(case), order, primary, singleton=singleton,
                                      singleton_method=method))
    expected = {i for i, o in enumerate(_rows(case, "output")) if o["suppressed"] == "TRUE" and o["primary"] == "FALSE"}
    assert secondary == expected
