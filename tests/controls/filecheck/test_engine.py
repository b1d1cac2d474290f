"""The engine on the official samples (specs/kostra-files.md §4.3) and on broken input."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kostra.controls.filecheck.engine import argument_problems, check_file
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.controls.filecheck.report import Report
from kostra.demo.generate_famvern import generate
from tests.paths import SAMPLES

ARGS_52AF = CheckArguments("52AF", 2025, "667200")


def test_52af_ok_sample_has_no_error() -> None:
    report = check_file((SAMPLES / "52AF_ok.dat").read_bytes(), ARGS_52AF)
    assert report.severity < Severity.ERROR
    assert report.return_code == 0
    assert report.number_of_controls > 3


def test_52af_sample_has_exactly_the_official_14_rule_002_errors() -> None:
    report = check_file((SAMPLES / "52AF.dat").read_bytes(), ARGS_52AF)
    errors = Counter(e.rule_name for e in report.entries if e.severity >= Severity.ERROR)
    assert errors == {
        "Kontroll 002 : Filbeskrivelse, mangler obligatorisk verdi": 7,
        "Kontroll 002 : Filbeskrivelse, feil kode": 5,
        "Kontroll 002 : Filbeskrivelse, feil i dato-felt": 2,
    }
    warnings = Counter(e.rule_name for e in report.entries if e.severity == Severity.WARNING)
    assert warnings["Kontroll 005 : Manglende samsvar mellom regions- og kontornummer"] == 37
    assert report.return_code == 2


def test_old_11cf_layout_gives_fatal_001_per_line() -> None:
    report = check_file((SAMPLES / "kvalifisering_minimal.dat").read_bytes(), CheckArguments("11CF", 2025, "030100"))
    assert [e.rule_name for e in report.entries] == ["Kontroll 001 : Recordlengde"] * 2
    assert report.severity == Severity.FATAL


def test_line_numbers_are_original_despite_empty_lines() -> None:
    lines = generate("52AF", 2025, "667200", 3, seed=4).decode("latin-1").splitlines()
    data = (lines[0] + "\r\n\r\n" + lines[1] + "\r\n" + lines[2][:-3]).encode("latin-1")
    report = check_file(data, ARGS_52AF)
    assert [e.line_numbers for e in report.entries] == [(4,)]
    assert "148 tegn" in report.entries[0].message_text


def test_tab_is_fatal_even_at_right_length() -> None:
    line = generate("53F", 2025, "030000", 1, seed=1).decode("latin-1").rstrip("\n")
    data = (line[:10] + "\t" + line[11:] + "\n").encode()
    report = check_file(data, CheckArguments("53F", 2025, "030000"))
    assert report.entries[0].rule_name == "Kontroll 001 : Recordlengde"
    assert "tabulator" in report.entries[0].message_text


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\x00\xff\xfe junk \x89PNG\r\n\x1a\n"])
def test_empty_and_junk_files_are_fatal(data: bytes) -> None:
    report = check_file(data, ARGS_52AF)
    assert report.severity == Severity.FATAL
    assert report.return_code == 2


def test_file_of_another_form_fails_record_length() -> None:
    data = generate("52BF", 2025, "667200", 5, seed=2)
    report = check_file(data, ARGS_52AF)
    assert {e.rule_name for e in report.entries} == {"Kontroll 001 : Recordlengde"}
    assert sorted(n for e in report.entries for n in e.line_numbers) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("args", "field"), [
    (CheckArguments("52AF", 2019, "667200"), "year"),
    (CheckArguments("52AF", 2025, "6672"), "region"),
    (CheckArguments("XX", 2025, "667200"), "form"),
    (CheckArguments("0F", 2025, "030100", orgnrs=("12345",)), "orgnr"),
    (CheckArguments("0AK1", 2025, "030100", quarter="5"), "quarter"),
])
def test_bad_arguments_give_fatal_report_naming_the_field(args: CheckArguments, field: str) -> None:
    assert [p.field for p in argument_problems(args)] == [field]
    report = check_file(b"x\n", args)
    assert report.severity == Severity.FATAL
    assert report.number_of_controls == 0


def test_no_data_flag_for_11f() -> None:
    args = CheckArguments("11F", 2025, "110300", has_data=False)
    ok = check_file(b" ", args)
    assert ok.severity == Severity.OK and ok.entries[0].rule_name == "Kontroll 000 : Skal levere filuttrekk"
    assert check_file(b"something\n", args).severity == Severity.FATAL
    has_data = CheckArguments("11F", 2025, "110300")
    assert check_file(b" \n", has_data).entries[0].rule_name == "Kontroll 000 : Skal levere filuttrekk"


def test_json_report_has_official_fields() -> None:
    report = check_file((SAMPLES / "52AF.dat").read_bytes(), ARGS_52AF)
    data = report.to_json_dict()
    summary = data["validationSummary"]
    assert isinstance(summary, dict)
    assert summary["severity"] == 2 and summary["severityName"] == "ERROR"
    assert summary["numErrors"] == 14
    assert summary["numberOfControls"] == report.number_of_controls
    entries = data["reportEntries"]
    assert isinstance(entries, list)
    assert set(entries[0]) == {"severity", "ruleName", "messageText", "lineNumbers", "journalId", "caseworker",
                               "individId", "contextId"}


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["52AF", "52BF", "53F", "55F", "11F", "11CF", "0A"]))
def test_random_bytes_always_give_a_report(data: bytes, form: str) -> None:
    report = check_file(data, CheckArguments(form, 2025, "030100"))
    assert isinstance(report, Report)
    assert report.severity >= Severity.ERROR


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_valid_records_always_give_a_report(data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(["52AF", "52BF", "53F", "55F"]))
    text = bytearray(generate(form, 2025, "667200", 3, seed=data.draw(st.integers(0, 99))))
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(text) - 1))
        text[position] = data.draw(st.integers(0, 255))
    report = check_file(bytes(text), CheckArguments(form, 2025, "667200"))
    assert isinstance(report, Report)
    assert all(e.line_numbers or e.severity < Severity.ERROR or "001" in e.rule_name for e in report.entries)
