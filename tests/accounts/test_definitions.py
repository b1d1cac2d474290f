"""Accounts definitions by year: every year loads; 2015/2016 are SSB's tables; later years follow the code lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kostra.accounts.definitions import ROOT, available_years, load_year
from kostra.cli import cli
from kostra.controls.filecheck.accounts_codes import code_list
from kostra.errors import AccountsInputError

DATA = Path(__file__).resolve().parents[1] / "data" / "oracle-kostraregnskap"


def test_the_years_the_system_handles_have_definitions() -> None:
    assert {2015, 2016, 2023, 2024, 2025} <= set(available_years())
    for year in available_years():
        loaded = load_year(year)
        assert loaded.manifest.year == year
        assert "FG2" in loaded.function_groups()


def test_2015_definitions_reproduce_the_reference_run() -> None:
    # kr07 run with the 2015 definition files instead of the reference inputs: the same output, byte for byte.
    folder = ROOT / "2015" / "accounts"
    args = ["methods", "accounts", "--fun", "kostra_regnskap", "--data", str(DATA / "input_data_2015_uuid.csv"),
            "--data_saer", str(DATA / "input_data_saer_2015_uuid.csv"), "--generer_id", "FALSE",
            "--arter", "AGD9,AGID1,AGI14,AGD32,AGD65", "--funksjoner", "FG2,FG1"]
    for name in ("funksjonshierarki", "artshierarki", "artshierarki_nettinger", "artshierarki_nettinger_kasse",
                 "stjernetabell", "formler"):
        args += [f"--{name}", str(folder / f"{name}.csv")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    expected = (DATA / "kr07_kostra_regnskap_bidrag_output.csv").read_text(encoding="utf-8")
    assert result.stdout.splitlines() == expected.splitlines()


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_every_valid_function_counts_once_in_the_total(year: int) -> None:
    functions = load_year(year).definitions.funksjonshierarki
    valid = set().union(*(code_list("funksjon", g, year) for g in
                          ("kommune", "fylke", "oslo", "kommune_finans", "fylke_finans")))
    total = functions.expand("FG2")
    assert {c for c, v in total.items() if v} == valid
    assert set(total.values()) == {1.0}


def test_home_care_functions_follow_the_2024_split() -> None:
    # 254 (hjemmetjenester) until 2023; 257 and 258 from 2024, in the groups where 254 was (FGK11a).
    assert "254" in load_year(2023).definitions.funksjonshierarki.expand("FGK11a")
    later = load_year(2024).definitions.funksjonshierarki.expand("FGK11a")
    assert "254" not in later and later.get("257") == 1.0 and later.get("258") == 1.0


def test_gross_and_net_operating_expenditure_arts() -> None:
    # AGD9 brutto driftsutgifter = lønn .. overføringer (010–480) + 590 avskrivninger (2016 also - 690);
    # AGD1 netto = the same minus driftsinntekter (600–895; revenues positive in SSB's data).
    arts = load_year(2024).definitions.artshierarki
    gross, net = arts.expand("AGD9"), arts.expand("AGD1")
    assert gross["010"] == 1 and gross["590"] == 1 and "690" not in gross and "600" not in gross
    assert net["010"] == 1 and net["600"] == -1 and net["871"] == -1 and "874" not in net


def _copy(tmp_path: Path, year: int = 2024) -> Path:
    shutil.copytree(ROOT / str(year) / "accounts", tmp_path / str(year) / "accounts")
    return tmp_path / str(year) / "accounts"


@pytest.mark.parametrize(("file", "append", "message"), [
    ("funksjonshierarki.csv", "FG2,FG2x,*\n", "funksjonshierarki.csv, line {last}: sign '*'"),
    ("funksjonshierarki.csv", "FGK11b,FG2,+\n", "the hierarchy has a cycle"),
    ("artshierarki.csv", " AG1,010,+\n", "artshierarki.csv, line {last}: to ' AG1'"),
    ("formler.csv", "D:FG2:AGD9 = D:FG2:NOSUCH\n", "formler.csv, line {last}: formula 'D:FG2:AGD9 = D:FG2:NOSUCH'"),
])
def test_bad_definition_rows_name_file_and_line(tmp_path: Path, file: str, append: str, message: str) -> None:
    folder = _copy(tmp_path)
    with (folder / file).open("a", encoding="utf-8") as handle:
        handle.write(append)
    last = len((folder / file).read_text(encoding="utf-8").splitlines())  # the appended row's line
    message = message.format(last=last)
    load_year.cache_clear()
    with pytest.raises(AccountsInputError, match=message.replace("*", r"\*").replace("(", r"\(")):
        load_year(2024, tmp_path)
    load_year.cache_clear()


def test_manifest_is_checked(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "accounts.yaml").read_text(encoding="utf-8").replace("kind: accounts", "kind: rules")
    (folder / "accounts.yaml").write_text(text, encoding="utf-8")
    load_year.cache_clear()
    with pytest.raises(AccountsInputError, match=r"accounts\.yaml: kind: Input should be 'accounts'"):
        load_year(2024, tmp_path)
    load_year.cache_clear()
