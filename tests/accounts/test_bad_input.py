"""Bad accounts input: one line naming the file, the line and the code, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kostra.accounts.formulas import resolve_formulas
from kostra.cli import cli
from kostra.errors import AccountsInputError

GOOD = {
    "fh.csv": "to,from,sign\nFG,100,+\nFG,110,+\n",
    "ah.csv": "to,from,sign\nAG,010,+\nAG,020,+\n",
    "data.csv": "region,kontoklasse,funksjon,art,belop\n0101,D,100,010,10\n0101,D,110,020,5\n",
}


def run(tmp_path: Path, changes: dict[str, str], *extra: str) -> tuple[int, str]:
    for name, text in {**GOOD, **changes}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = ["methods", "accounts", "--fun", "kostra_regnskap", "--data", str(tmp_path / "data.csv"),
            "--funksjonshierarki", str(tmp_path / "fh.csv"), "--artshierarki", str(tmp_path / "ah.csv"),
            "--regnskapsomfang", "B", "--generer_id", "FALSE", *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stderr


@pytest.mark.parametrize(("changes", "extra", "expected"), [
    ({"fh.csv": "to,from,sign\nFG,100,+\nFG,FGX,+\nFGX,FG,+\n"}, (),
     "fh.csv, line 4: the hierarchy has a cycle: FG <- FGX <- FG"),
    ({"data.csv": "region,kontoklasse,funksjon,art,belop\n0101,D,100,010,10\n0101,D,999,020,5\n"}, (),
     "data.csv, line 3: funksjon '999' is not a code of fh.csv"),
    ({"data.csv": "region,kontoklasse,funksjon,art,belop\n0101,D,100,ABC,10\n"}, (),
     "data.csv, line 2: art 'ABC' is not a code of ah.csv"),
    ({"data.csv": "region,kontoklasse,funksjon,art,belop\n0101,D,100,010,ti\n"}, (),
     "data.csv, line 2: belop 'ti' is not a number"),
    ({"data.csv": "region,funksjon,art,belop\n0101,100,010,10\n"}, (),
     "data.csv, line 1: missing column(s) kontoklasse"),
    ({"ah.csv": "to,from,sign\nAG,010,*\n"}, (), "ah.csv, line 2: sign '*' is not '+', '-' or a number"),
    ({"f.csv": "formel\nD:FG:AG = D:FG:NOPE\n"}, ("--formler", "F"), "f.csv, line 2: formula 'D:FG:AG = D:FG:NOPE': "
                                                                      "art 'NOPE' is in no hierarchy or data"),
    ({"f.csv": "formel\nD:FG:AG = D:100:AG\nD:100:AG = D:FG:AG\n"}, ("--formler", "F"),
     "f.csv, line 2: formulas depend on each other in a circle: D:FG:AG, D:100:AG"),
    ({"f.csv": "formel\nD:FG:AG = D:FG:AG * D:100:AG\n"}, ("--formler", "F"), "a product of two cells is not linear"),
    ({"data.csv": "region,kontoklasse,funksjon,art,belop\n0101,D,100,010,10\n101,D,100,10,5\n"}, (),
     "data.csv, line 3: region 0101, kontoklasse D, funksjon 100, art 010 is on lines 2, 3"),
    ({}, ("--arter", "AGX"), "--arter: AGX not in data or hierarchies"),
    ({}, ("--regnskapsomfang", "Q"), "--regnskapsomfang Q: expected A (konsern), B or C (kasse)"),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, changes: dict[str, str], extra: tuple[str, ...],
                                      expected: str) -> None:
    extra = tuple(str(tmp_path / "f.csv") if e == "F" else e for e in extra)
    code, stderr = run(tmp_path, changes, *extra)
    assert code == 2
    assert expected in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr


def test_konsern_without_saer_is_refused(tmp_path: Path) -> None:
    code, stderr = run(tmp_path, {}, "--regnskapsomfang", "A")
    assert code == 2
    assert "--data_saer and --artshierarki_nettinger are needed for konsern (A)" in stderr


def test_missing_leading_zeros_are_fixed_with_a_warning(tmp_path: Path) -> None:
    # region 101 -> 0101, function 10 -> 010 (in data and hierarchy), art ' 20 ' trimmed and padded.
    changes = {"fh.csv": "to,from,sign\nFG,10,+\nFG,110,+\n",
               "data.csv": "region,kontoklasse,funksjon,art,belop\n101,D,10,010,10\n101,D,110, 20 ,5\n"}
    result = CliRunner().invoke(cli, ["methods", "accounts", "--fun", "kostra_regnskap", "--data",
                                      str(_write(tmp_path, changes)), "--funksjonshierarki", str(tmp_path / "fh.csv"),
                                      "--artshierarki", str(tmp_path / "ah.csv"), "--regnskapsomfang", "B",
                                      "--generer_id", "FALSE", "--bidrag", "FALSE", "--funksjoner", "FG",
                                      "--arter", "AG"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == '"B","0101","AG","FG","D",15'
    assert "warning: Regionskoder endret: 0101" in result.stderr
    assert "warning: Funkjonskoder endret: 010" in result.stderr
    assert "warning: Whitespace removed: Artskoder endret: 20" in result.stderr


def _write(tmp_path: Path, changes: dict[str, str]) -> Path:
    for name, text in {**GOOD, **changes}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "data.csv"


def test_a_formula_may_use_its_own_cell() -> None:
    # As in R: the right-hand cell is the value before any formula, so this is no circle.
    (formula,) = resolve_formulas([("D:FG2:AGD64 = - D:FG2:AGD64", 2)])
    assert formula.terms == {("D", "FG2", "AGD64"): -1.0}


def test_two_formulas_for_one_cell_are_refused() -> None:
    with pytest.raises(AccountsInputError, match=r"formler, line 3: two formulas for D:FG:AG \(lines 2 and 3\)"):
        resolve_formulas([("D:FG:AG = D:FG:AG", 2), ("FG:AG = FG:AG", 3)])
