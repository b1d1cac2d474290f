"""``kostra methods`` on input_testdata.csv reproduces every oracle CSV; bad input ends with exit code 2."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from r_oracle import CASES, OracleCase, compare, read_input, read_oracle

from kostra.cli import cli

OPTION = {"x1": "--x1", "x2": "--x2", "y1": "--y1", "y2": "--y2", "strata": "--strata", "pA": "--pA"}


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def case_args(case: OracleCase, input_path: Path) -> list[str]:
    args = ["methods", case.method, "--input", str(input_path), "--id", "Region"]
    for key, value in {**case.args, **case.params}.items():
        args += [OPTION[key], str(value)]
    return args


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_cli_reproduces_oracle(oracle_dir: Path, tmp_path: Path, case: OracleCase) -> None:
    input_path = oracle_dir / "input_testdata.csv"
    if case.injected:
        input_path = tmp_path / "input_1000.csv"
        read_input(oracle_dir, injected=True).write_csv(input_path, null_value="NA")
    output = tmp_path / "out.csv"
    code, stdout, stderr = run([*case_args(case, input_path), "--output", str(output)])
    assert code == 0, stderr
    assert stdout == ""
    columns, rows = read_oracle(oracle_dir / case.file)
    frame = pl.read_csv(output, null_values="NA", infer_schema=False).with_columns(
        pl.exclude("id", "strata").cast(pl.Float64)
    )
    compare(frame, columns, rows)
    assert "units flagged" in stderr


def test_cli_stdout_is_byte_identical_to_oracle(oracle_dir: Path) -> None:
    case = CASES[1]
    code, stdout, _ = run(case_args(case, oracle_dir / "input_testdata.csv"))
    assert code == 0
    assert stdout == (oracle_dir / case.file).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--x1", "areal_381_eier_2015", "--x2", "nope"], "column 'nope' not found"),
        (
            ["--x1", "areal_381_eier_2015", "--x2", "areal_381_eier_2014", "--pU", "2"],
            "parameter pU must be in",
        ),
    ],
)
def test_cli_refuses_bad_arguments_with_one_line(oracle_dir: Path, extra: list[str], message: str) -> None:
    code, stdout, stderr = run(
        ["methods", "hb", "--input", str(oracle_dir / "input_testdata.csv"), "--id", "Region", *extra]
    )
    assert code == 2
    assert stdout == ""
    assert message in stderr and len(stderr.strip().splitlines()) == 1


def test_cli_refuses_missing_file_and_non_numbers(tmp_path: Path) -> None:
    code, _, stderr = run(
        ["methods", "therror", "--input", str(tmp_path / "none.csv"), "--id", "id", "--x1", "a", "--x2", "b"]
    )
    assert code == 2 and "cannot read input file" in stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id;a;b\n0301;1;2\n1103;x;2\n", encoding="utf-8")
    code, _, stderr = run(["methods", "therror", "--input", str(bad), "--id", "id", "--x1", "a", "--x2", "b"])
    assert code == 2 and "line 3, column 'a': 'x' is not a number" in stderr


def test_cli_unit_error_and_json(tmp_path: Path) -> None:
    data = tmp_path / "u.csv"
    data.write_text("id,now,before\n0301,5000000,5000\n1103,104,100\n", encoding="utf-8")
    code, stdout, _ = run(
        ["methods", "unit-error", "--input", str(data), "--id", "id", "--x1", "now", "--x2", "before"]
    )
    assert code == 0
    assert stdout.splitlines()[1] == '"0301",5000000,5000,3,1,3,5000,1'
    code, stdout, _ = run(
        [
            "methods",
            "quartile",
            "--input",
            str(data),
            "--id",
            "id",
            "--x1",
            "now",
            "--y1",
            "before",
            "--format",
            "json",
        ]
    )
    assert code == 0 and '"ranking": 2.0' in stdout
