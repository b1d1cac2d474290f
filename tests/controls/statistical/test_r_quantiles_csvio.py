"""R summaries (type-7 quantile, median, rank) and the method CSV reader/writer, property-tested."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.controls.statistical.csvio import format_csv, read_method_csv, sniff_delimiter
from kostra.controls.statistical.quantiles import r_median, r_quantile7, r_rank
from kostra.errors import UsageError

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=1, max_size=40)


@given(samples, st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
def test_quantile7_is_rs_interpolation(values: list[float], prob: float) -> None:
    ordered = sorted(values)
    index = Fraction(1) + (len(values) - 1) * Fraction(prob)
    lo, h = int(index), index - int(index)
    got = r_quantile7(values, prob)
    assert ordered[0] <= got <= ordered[-1]
    if h == 0 or ordered[lo - 1] == ordered[min(lo, len(values) - 1)]:
        assert got == ordered[lo - 1]
    else:
        assert got == (1 - float(h)) * ordered[lo - 1] + float(h) * ordered[lo]
    assert got == pytest.approx(float(np.quantile(values, prob)), rel=1e-12, abs=1e-6)


def test_quantile7_known_values() -> None:
    assert [r_quantile7([1.0, 2.0, 3.0, 4.0, 10.0], p) for p in (0.25, 0.5, 0.75)] == [2.0, 3.0, 4.0]
    assert r_quantile7([1.0, 2.0, 3.0, 4.0], 0.25) == 1.75


@given(samples)
def test_median_is_the_correctly_rounded_middle(values: list[float]) -> None:
    assert r_median(values) == float(np.median(values))


@given(st.lists(st.integers(min_value=-5, max_value=5).map(float), min_size=1, max_size=30))
def test_rank_averages_ties(values: list[float]) -> None:
    expected = [sum(v < x for v in values) + (sum(v == x for v in values) + 1) / 2 for x in values]
    assert r_rank(values) == expected


ids = st.text(alphabet='abcdefgh0123456789 ,;"', min_size=1, max_size=8).filter(lambda s: s.strip() == s)
cells = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=60)
@given(st.lists(st.tuples(ids, cells, cells), min_size=1, max_size=15))
def test_format_and_read_round_trip_exactly(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, float | None, float | None]]
) -> None:
    frame = pl.DataFrame(rows, schema={"id": pl.String, "a": pl.Float64, "b": pl.Float64}, orient="row")
    path = tmp_path_factory.mktemp("csv") / "round.csv"
    path.write_text(format_csv(frame), encoding="utf-8")
    back = read_method_csv(path, ["id"], ["a", "b"])
    assert back.rows() == frame.rows()


def test_semicolon_files_with_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("Region;x;y\n0301;1,5;NA\n1103;;2\n", encoding="utf-8")
    assert sniff_delimiter("Region;x;y") == ";"
    frame = read_method_csv(path, ["Region"], ["x", "y"])
    assert frame.rows() == [("0301", 1.5, None), ("1103", None, 2.0)]


def test_reader_names_line_column_and_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,x\na,1\nb,12 kr\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"line 3, column 'x': '12 kr' is not a number"):
        read_method_csv(path, ["id"], ["x"])
    with pytest.raises(UsageError, match=r"column 'z' not found.*available columns: id, x"):
        read_method_csv(path, ["id"], ["z"])
    with pytest.raises(UsageError, match="cannot read input file"):
        read_method_csv(tmp_path / "missing.csv", ["id"], ["x"])


def test_writer_matches_r_conventions() -> None:
    frame = pl.DataFrame(
        {"id": ['a"b'], "v": [0.1], "n": [None], "i": [3]},
        schema={"id": pl.String, "v": pl.Float64, "n": pl.Float64, "i": pl.Int8},
    )
    assert format_csv(frame) == '"id","v","n","i"\n"a""b",0.10000000000000001,NA,3\n'
