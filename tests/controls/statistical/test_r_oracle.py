"""Every oracle CSV of R Kostra::Hb/ThError/Quartile is reproduced: columns, rows, order, NA, flags."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from r_oracle import CASES, INJECTED_ROWS, OracleCase, compare, read_input, read_oracle

from kostra.controls.statistical import MethodResult, hb, quartile, therror


def run_case(oracle_dir: Path, case: OracleCase) -> MethodResult:
    frame = read_input(oracle_dir, case.injected)
    function = {"hb": hb, "therror": therror, "quartile": quartile}[case.method]
    return function(frame, "Region", **case.args, **case.params)  # type: ignore[operator]


def test_every_oracle_file_has_a_case(oracle_dir: Path) -> None:
    files = {p.name for p in oracle_dir.glob("*.csv")} - {"input_testdata.csv"}
    assert files == {case.file for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_matches_oracle_to_1e12(oracle_dir: Path, case: OracleCase) -> None:
    columns, rows = read_oracle(oracle_dir / case.file)
    compare(run_case(oracle_dir, case).frame, columns, rows)


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_matches_oracle_bit_for_bit(oracle_dir: Path, case: OracleCase) -> None:
    columns, rows = read_oracle(oracle_dir / case.file)
    floats, identical = compare(run_case(oracle_dir, case).frame, columns, rows)
    assert floats > 0
    assert identical == floats


def test_canonical_hb_facts(oracle_dir: Path) -> None:
    result = hb(read_input(oracle_dir), "Region", "areal_381_eier_2015", "areal_381_eier_2014")
    used = result.frame.filter(pl.col("ratio").is_not_null())
    assert used.height == 92
    assert used["medRatio"].unique().to_list() == [1.0041035594652976]
    assert result.flagged() == ["40300", "102600", "113000"]
    assert [w.message.split(" %")[0] for w in result.warnings] == ["71"]
    assert result.frame["strata"].unique().to_list() == ["1"]


def test_canonical_hb_strata_flags(oracle_dir: Path) -> None:
    result = hb(
        read_input(oracle_dir), "Region", "areal_381_eier_2015", "areal_381_eier_2014", strata="strata"
    )
    assert result.flagged() == ["21600", "40300", "180400"]
    assert result.frame["strata"].unique(maintain_order=True).to_list() == ["1", "2", "3", "4", "5"]
    assert len(result.warnings) == 5


def test_therror_flags_exactly_the_injected_rows(oracle_dir: Path) -> None:
    frame = read_input(oracle_dir, injected=True)
    injected_ids = [frame["Region"][i] for i in INJECTED_ROWS]
    assert therror(frame, "Region", "areal_381_eier_2015", "areal_381_eier_2014").flagged() == injected_ids
    plain = therror(read_input(oracle_dir), "Region", "areal_381_eier_2015", "areal_381_eier_2014")
    assert plain.flagged() == []
