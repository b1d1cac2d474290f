"""Family-counselling rules and the famvern generator."""

from __future__ import annotations

from collections import Counter

import pytest

from kostra.controls.filecheck.engine import check_file
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.demo.generate_famvern import generate
from kostra.errors import UsageError

FORMS = [("52AF", "667200"), ("52BF", "667400"), ("53F", "500000"), ("55F", "030000")]


@pytest.mark.parametrize(("form", "region"), FORMS)
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_generated_files_are_clean(form: str, region: str, year: int) -> None:
    report = check_file(generate(form, year, region, 60, seed=year), CheckArguments(form, year, region))
    assert report.entries == ()
    assert report.return_code == 0


@pytest.mark.parametrize(("form", "region"), FORMS)
def test_unknown_office_is_found_by_002_004_005(form: str, region: str) -> None:
    report = check_file(generate(form, 2025, region, 10, seed=1, errors=["unknown_office"]),
                        CheckArguments(form, 2025, region))
    names = {e.rule_name.split(" : ")[0] for e in report.entries if e.line_numbers == (1,)}
    assert {"Kontroll 002", "Kontroll 004", "Kontroll 005"} <= names


@pytest.mark.parametrize(("error", "sub_name"), [
    ("missing_mandatory", "mangler obligatorisk verdi"), ("bad_code", "feil kode"),
    ("bad_date", "feil i dato-felt"), ("bad_integer", "feil i heltall-felt"),
])
def test_injected_layout_errors_are_found(error: str, sub_name: str) -> None:
    report = check_file(generate("52AF", 2025, "667200", 10, seed=3, errors=[error]), CheckArguments("52AF", 2025,
                                                                                                     "667200"))
    assert any(e.rule_name.endswith(sub_name) and e.line_numbers == (1,) for e in report.entries)
    assert report.severity == Severity.ERROR


def test_duplicate_journal_is_one_warning_with_both_lines() -> None:
    report = check_file(generate("52AF", 2025, "667200", 5, seed=5, errors=["duplicate"]),
                        CheckArguments("52AF", 2025, "667200"))
    assert [(e.rule_name, e.line_numbers, e.severity) for e in report.entries] == [
        ("Kontroll 006 : Dubletter", (1, 2), Severity.WARNING)]
    assert report.return_code == 1


def test_55f_sum_mismatch_is_found() -> None:
    text = generate("55F", 2025, "030000", 2, seed=9).decode("latin-1").splitlines()
    # MEKLING_SEP_1 starts at position 40 (5 wide): add 1 without changing its row or column totals
    value = int(text[0][39:44]) + 1
    text[0] = text[0][:39] + str(value).rjust(5) + text[0][44:]
    report = check_file(("\n".join(text) + "\n").encode(), CheckArguments("55F", 2025, "030000"))
    rules = Counter(e.rule_name for e in report.entries)
    assert rules == {"Kontroll 005 : Avsluttede meklinger etter tidsbruk, (sumfelt)": 2}
    assert report.severity == Severity.WARNING


def test_52af_date_order_rules() -> None:
    line = generate("52AF", 2025, "667200", 1, seed=7).decode("latin-1").rstrip("\n")
    # FORSTE_SAMT_A (50–57) one year and a day before HENV_DATO_A (19–26)
    henv = line[18:26]
    earlier = henv[:4] + str(int(henv[4:]) - 2)
    line = line[:49] + earlier + line[57:]
    report = check_file((line + "\n").encode(), CheckArguments("52AF", 2025, "667200"))
    names = {e.rule_name for e in report.entries}
    assert "Kontroll 021 : Første behandlingssamtale er før henvendelsesdato" in names


def test_generator_refuses_unknown_names() -> None:
    with pytest.raises(UsageError):
        generate("11F", 2025, "030100", 1, seed=1)
    with pytest.raises(UsageError):
        generate("52AF", 2025, "667200", 1, seed=1, errors=["nonsense"])
    assert generate("52AF", 2025, "667200", 4, seed=1) == generate("52AF", 2025, "667200", 4, seed=1)
