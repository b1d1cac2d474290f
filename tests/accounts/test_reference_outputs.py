"""``kostra methods accounts`` reproduces every kostraregnskap reference run (R calls read from manifest.csv).

The expected files are R's own output (tests/data/oracle-kostraregnskap, PROVENANCE.md): same columns, same
rows in the same order, amounts and ``source`` strings exact. Further cases are derived from those outputs by
what the package documents: the default output holds konsern as ``A`` and kasse as ``B`` (fire columns
``konsern`` and ``kasse``); ``regnskapsomfang`` selects blocks; ``bidrag = FALSE`` drops ``source``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kostra.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "oracle-kostraregnskap"
FORMALS = {
    "KostraRegnskap": ["data", "funksjonshierarki", "artshierarki", "data_saer", "artshierarki_nettinger",
                       "artshierarki_nettinger_kasse", "stjernetabell", "formler"],
    "kostra_regnskap": ["data", "funksjonshierarki", "artshierarki", "data_saer", "artshierarki_nettinger",
                        "artshierarki_nettinger_kasse", "kombinasjoner", "regioner", "storkombinasjoner",
                        "stjernetabell", "funksjoner", "arter", "kontoklasser", "formler"],
}
TABLES = set(FORMALS["KostraRegnskap"])


def _split_args(text: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, ""
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "()":
            depth += 1 if ch == "(" else -1
        if ch == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [*parts, current.strip()] if current.strip() else parts


def _value(text: str) -> str:
    if text.startswith("c("):
        return ",".join(re.findall(r'"([^"]*)"', text))
    return text.strip('"')


def _file_of(variable: str, bindings: dict[str, str], tmp: Path) -> Path:
    if variable in bindings:
        return DATA / bindings[variable]
    base = re.fullmatch(r"(\w+)_(\d{4})", variable)
    assert base, f"no binding for {variable}"
    name, year = base.groups()
    frame = pl.read_csv(DATA / f"input_{name}.csv", infer_schema=False)
    target = tmp / f"{variable}.csv"
    frame.filter(pl.col("periode") == year).drop("periode").write_csv(target, quote_style="non_numeric")
    return target


def cli_args(row: dict[str, str], tmp: Path) -> list[str]:
    """The R call of one manifest row as ``kostra methods accounts`` arguments."""
    fun, call = row["fun"], row["call"]
    bindings = dict(b.split("=", 1) for b in row["bindings"].split("; ") if re.fullmatch(r"\w+=[\w.]+", b))
    args = ["methods", "accounts", "--fun", fun]
    inner = call[call.index("(") + 1: call.rindex(")")]
    for position, part in enumerate(_split_args(inner)):
        name, _, value = part.partition(" = ") if " = " in part else (FORMALS[fun][position], "", part)
        name, value = name.strip(), value.strip()
        if name in TABLES:
            args += [f"--{name}", str(_file_of(value, bindings, tmp))]
        elif value in ("TRUE", "FALSE"):
            args += [f"--{name}", value]
        else:
            args += [f"--{name}", _value(value)]
    return args


def manifest() -> list[dict[str, str]]:
    with (DATA / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("row", manifest(), ids=[r["run_id"] for r in manifest()])
def test_every_reference_run(row: dict[str, str], tmp_path: Path) -> None:
    code, stdout, stderr = invoke(cli_args(row, tmp_path))
    assert code == 0, stderr
    expected = (DATA / row["output_files"]).read_text(encoding="utf-8")
    assert stdout.splitlines() == expected.splitlines()  # columns, rows, order, amounts, sources
    assert len(stdout.splitlines()) == int(row["n_rows"]) + 1


def _run(row_id: str, extra: list[str], tmp_path: Path) -> pl.DataFrame:
    row = next(r for r in manifest() if r["run_id"] == row_id)
    code, stdout, stderr = invoke([*cli_args(row, tmp_path), *extra])
    assert code == 0, stderr
    return pl.read_csv(stdout.encode(), infer_schema=False) if stdout else pl.DataFrame()


def _expected(row_id: str) -> pl.DataFrame:
    row = next(r for r in manifest() if r["run_id"] == row_id)
    return pl.read_csv(DATA / row["output_files"], infer_schema=False)


def test_standard_output_is_konsern_then_kasse(tmp_path: Path) -> None:
    row = next(r for r in manifest() if r["run_id"] == "kr02_z48_fire")
    args = [a if a != "fire" else "standard" for a in cli_args(row, tmp_path)]
    code, stdout, stderr = invoke(args)
    assert code == 0, stderr
    got = pl.read_csv(stdout.encode(), infer_schema=False)
    fire = _expected("kr02_z48_fire")
    keys = ["periode", "region", "art", "funksjon", "kontoklasse"]
    for scope, column in (("A", "konsern"), ("B", "kasse")):
        block = got.filter(pl.col("regnskapsomfang") == scope)
        per_period = [block.filter(pl.col("periode") == p) for p in ("2015", "2016")]
        assert pl.concat(per_period).select([*keys, "belop"]).rows() == \
            fire.select([*keys, column]).rows()


@pytest.mark.parametrize(("scope", "label"), [("A", "A"), ("B", "B"), ("C", "C")])
def test_regnskapsomfang_selects_one_block(scope: str, label: str, tmp_path: Path) -> None:
    got = _run("kr07_kostra_regnskap_bidrag", ["--regnskapsomfang", scope], tmp_path)
    expected = _expected("kr07_kostra_regnskap_bidrag").filter(pl.col("regnskapsomfang") == ("A" if scope == "A"
                                                                                             else "B"))
    assert got["regnskapsomfang"].unique().to_list() == [label]
    assert got.drop("regnskapsomfang").rows() == expected.drop("regnskapsomfang").rows()


def test_bidrag_false_drops_source(tmp_path: Path) -> None:
    got = _run("kr07_kostra_regnskap_bidrag", ["--bidrag", "FALSE"], tmp_path)
    assert got.rows() == _expected("kr07_kostra_regnskap_bidrag").drop("source").rows()


def test_generer_id_adds_a_uuid_per_row(tmp_path: Path) -> None:
    got = _run("kr07_kostra_regnskap_bidrag", ["--generer_id", "TRUE"], tmp_path)
    assert got.columns[-2:] == ["UUID", "source"]
    assert got["UUID"].n_unique() == got.height
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", u) for u in got["UUID"])
