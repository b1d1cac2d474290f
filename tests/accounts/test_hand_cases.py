"""Small cases the reference runs do not cover, with every expected value computed by hand below.

The case (one region, kontoklasse D unless said):

    funksjonshierarki  FG  = 100 + 110 - 120          FGX = FG + 120   (so 120 counts -1 + 1 = 0 in FGX)
    artshierarki       AG  = 010 + 020                AGT = AG + 030   AI = 600
    nettinger (saer)   AG  = + 600                    AGT = COPY       (copies AGT <- AG from the art hierarchy)
    nettinger_kasse    AG  = - 020
    kasse  (data)      D 100 010 10 | D 110 020 5 | D 120 010 3 | I 100 010 7       region "101" (-> 0101)
    særbedrift         D 100 010 4  | D 110 600 -2

    D:FG:AG   kasse 10 + 5 - 3 = 12; saer 4 (600 is not in AG); nett_saer 1 x (-2) = -2 (110 in FG);
              nett_kasse -(5) = -5; konsern 12 + 4 - 2 - 5 = 9.
    D:FGX:AG  kasse 10 + 5 + 0 x 3 = 15; saer 4; nett_saer -2; nett_kasse -5; konsern 12.
    D:FG:AGT  kasse 12 (no 030 rows); saer 4; nett_saer via COPY = nett_saer of AG = -2; nett_kasse 0
              (no COPY in the kasse netting, and AGT is no netting code there); konsern 14.
    I:FG:AG   kasse 7; everything else 0; konsern 7.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kostra.cli import cli

FILES = {
    "fh.csv": "to,from,sign\nFG,100,+\nFG,110,+\nFG,120,-\nFGX,FG,+\nFGX,120,+\n",
    "ah.csv": "to,from,sign\nAG,10,+\nAG,020,+\nAGT,AG,+\nAGT,030,+\nAI,600,+\n",
    "net.csv": "to,from,sign\nAG,600,+\nAGT,COPY,+\n",
    "netk.csv": "to,from,sign\nAG,020,-\n",
    "data.csv": "region,kontoklasse,funksjon,art,belop,UUID\n101,D,100,010,10,k1\n101,D,110,20,5,k2\n"
                "101,D,120,010,3,k3\n101,I,100,010,7,k4\n",
    "saer.csv": "region,kontoklasse,funksjon,art,belop,UUID\n101,D,100,010,4,s1\n101,D,110,600,-2,s2\n",
}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def base(folder: Path, fun: str = "kostra_regnskap") -> list[str]:
    return ["methods", "accounts", "--fun", fun, "--data", str(folder / "data.csv"),
            "--funksjonshierarki", str(folder / "fh.csv"), "--artshierarki", str(folder / "ah.csv"),
            "--data_saer", str(folder / "saer.csv"), "--artshierarki_nettinger", str(folder / "net.csv"),
            "--artshierarki_nettinger_kasse", str(folder / "netk.csv"), "--generer_id", "FALSE"]


def invoke(args: list[str]) -> tuple[int, pl.DataFrame | None, str]:
    result = CliRunner().invoke(cli, args)
    frame = pl.read_csv(result.stdout.encode(), infer_schema=False) if result.exit_code == 0 else None
    return result.exit_code, frame, result.stderr


def test_fire_columns_by_hand(case: Path) -> None:
    code, frame, stderr = invoke([*base(case), "--output", "fire", "--funksjoner", "FG,FGX",
                                  "--arter", "AG,AGT", "--kontoklasser", "D"])
    assert code == 0, stderr
    assert frame is not None
    got = {(r["funksjon"], r["art"]): [int(r[c]) for c in ("kasse", "saerbedrift", "nettinger_kasse",
                                                             "nettinger_saer", "konsern")]
           for r in frame.iter_rows(named=True)}
    assert got == {("FG", "AG"): [12, 4, -5, -2, 9], ("FGX", "AG"): [15, 4, -5, -2, 12],
                   ("FG", "AGT"): [12, 4, 0, -2, 14], ("FGX", "AGT"): [15, 4, 0, -2, 17]}
    # data art 20 and hierarchy art 10 are padded, each with its warning, as R does
    assert "Regionskoder endret: 0101" in stderr and "Artskoder endret: 020" in stderr
    assert "Artskoder endret: 010" in stderr
    assert frame["region"].unique().to_list() == ["0101"]


def test_rows_in_r_order_and_both_kontoklasser(case: Path) -> None:
    # Arts vary fastest, then functions, then kontoklasse (D, I as first seen in the data); A before B.
    code, frame, stderr = invoke([*base(case), "--funksjoner", "FG", "--arter", "AG", "--bidrag", "FALSE"])
    assert code == 0, stderr
    assert frame is not None
    assert frame.rows() == [("A", "0101", "AG", "FG", "D", "9"), ("A", "0101", "AG", "FG", "I", "7"),
                            ("B", "0101", "AG", "FG", "D", "12"), ("B", "0101", "AG", "FG", "I", "7")]


def test_formula_and_its_contributions(case: Path) -> None:
    # D:FGX:AG = D:FG:AG + 2*D:100:AG.  D:100:AG: kasse 10, saer 4, nettings 0 -> konsern 14.
    # konsern 9 + 2 x 14 = 37; kasse 12 + 2 x 10 = 32. Per input row (konsern): k1 1 + 2 = 3, k2 kasse 1 and
    # kasse netting -1 = 0 (left out), k3 -1, s1 1 + 2 = 3, s2 netting 1: 3x10 - 3 + 3x4 - 2 = 37.
    (case / "formler.csv").write_text("formel\nD:FGX:AG = D:FG:AG + 2*D:100:AG\n", encoding="utf-8")
    code, frame, stderr = invoke([*base(case), "--formler", str(case / "formler.csv"), "--funksjoner", "FGX",
                                  "--arter", "AG", "--kontoklasser", "D"])
    assert code == 0, stderr
    assert frame is not None
    assert frame["belop"].to_list() == ["37", "32"]
    assert frame["source"][0] == ("[{'UUID': 'k1', 'sign': '3', 'belop': 10}, {'UUID': 'k3', 'sign': '-1', "
                                  "'belop': 3}, {'UUID': 's1', 'sign': '3', 'belop': 4}, "
                                  "{'UUID': 's2', 'sign': '1', 'belop': -2}]")
    # Rows are listed by (kontoklasse, art, funksjon): k1 (010, 100), k3 (010, 120), k2 (020, 110).
    assert frame["source"][1] == ("[{'UUID': 'k1', 'sign': '3', 'belop': 10}, {'UUID': 'k3', 'sign': '-1', "
                                  "'belop': 3}, {'UUID': 'k2', 'sign': '1', 'belop': 5}]")


def test_two_part_formula_applies_to_d_and_i(case: Path) -> None:
    # FG:AG = - FG:AG: D konsern -9, I konsern -7 (each replaced by minus its own value before formulas).
    (case / "formler.csv").write_text("formel\nFG:AG = - FG:AG\n", encoding="utf-8")
    code, frame, stderr = invoke([*base(case), "--formler", str(case / "formler.csv"), "--funksjoner", "FG",
                                  "--arter", "AG", "--regnskapsomfang", "A", "--bidrag", "FALSE"])
    assert code == 0, stderr
    assert frame is not None
    assert frame["belop"].to_list() == ["-9", "-7"]


def test_dependent_formulas_use_values_before_formulas(case: Path) -> None:
    # AGT:  D:FG:AGT = D:FG:AG + D:FG:AGT, and D:FG:AG = 10 * D:FG:AI (AI: saer 600 row -2 in 110 -> -2).
    # Substituted: D:FG:AGT = 10 x (-2) + 14 = -6 (konsern); D:FG:AG = -20.
    (case / "formler.csv").write_text("formel\nD:FG:AGT = D:FG:AG + D:FG:AGT\nD:FG:AG = 10 * D:FG:AI\n",
                                      encoding="utf-8")
    code, frame, stderr = invoke([*base(case), "--formler", str(case / "formler.csv"), "--funksjoner", "FG",
                                  "--arter", "AG,AGT", "--kontoklasser", "D", "--regnskapsomfang", "A",
                                  "--bidrag", "FALSE"])
    assert code == 0, stderr
    assert frame is not None
    assert frame["belop"].to_list() == ["-20", "-6"]


def test_stjernetabell_and_wildcards(case: Path) -> None:
    # + rows: funksjon FG* (any art);  - row: art AI.  --arter A*  ->  AG, AGT (AI removed by the table);
    # --funksjoner '*,-FGX' -> FG only, plus the plain codes 100, 110, 120 that FG* does not match.
    (case / "star.csv").write_text("region,kontoklasse,funksjon,art,sign\n????,,FG*,,+\n,,,AI,-\n",
                                   encoding="utf-8")
    code, frame, stderr = invoke([*base(case), "--stjernetabell", str(case / "star.csv"), "--funksjoner",
                                  "*,-FGX", "--arter", "A*", "--kontoklasser", "D", "--bidrag", "FALSE"])
    assert code == 0, stderr
    assert frame is not None
    a = frame.filter(pl.col("regnskapsomfang") == "A")
    assert sorted(zip(a["funksjon"], a["art"], a["belop"], strict=True)) == [("FG", "AG", "9"), ("FG", "AGT", "14")]


def test_kostra_regnskap_agrees_with_kostra_regnskap_old_function(case: Path) -> None:
    # The same inputs with a periode column through KostraRegnskap: the same amounts, with periode first.
    for name in ("data.csv", "saer.csv", "fh.csv", "ah.csv", "net.csv", "netk.csv"):
        frame = pl.read_csv(case / name, infer_schema=False)
        frame.select(pl.lit("2024").alias("periode"), pl.all()).write_csv(case / name)
    code, frame, stderr = invoke([*base(case, "KostraRegnskap"), "--funksjoner", "FG", "--arter", "AG"])
    assert code == 0, stderr
    assert frame is not None
    assert frame.columns == ["periode", "regnskapsomfang", "region", "art", "funksjon", "kontoklasse", "belop"]
    assert frame["belop"].to_list() == ["9", "7", "12", "7"]


def test_wildcard_selections_keep_rs_order(case: Path) -> None:
    # R picks from unique(c(to codes, from codes, data codes)): functions FG, FGX, 100, 110, 120 and arts
    # AG, AGT, AI, 010, …; '*,-1*' leaves FG, FGX; 'A*' gives AG, AGT, AI (arts vary fastest).
    code, frame, stderr = invoke([*base(case), "--funksjoner", "*,-1*", "--arter", "A*", "--kontoklasser", "D",
                                  "--regnskapsomfang", "B", "--bidrag", "FALSE"])
    assert code == 0, stderr
    assert frame is not None
    assert list(zip(frame["funksjon"], frame["art"], strict=True)) == [
        ("FG", "AG"), ("FG", "AGT"), ("FG", "AI"), ("FGX", "AG"), ("FGX", "AGT"), ("FGX", "AI")]
    # kasse: AI = 600 has no kasse rows -> 0; FG:AG 12, FG:AGT 12, FGX:AG 15, FGX:AGT 15
    assert frame["belop"].to_list() == ["12", "12", "0", "15", "15", "0"]
