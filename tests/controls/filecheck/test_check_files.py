"""Issue 10: many files controlled together (``check_files``) get the reports ``check_file`` gives each.

The files mix forms, regions (Oslo, its districts, elsewhere), every seeded error of the demo generators,
files stopped by the pre-rules and unusable arguments, so that the grouped rule screens are compared with the
per-file ones where they report something and where they report nothing.
"""

from __future__ import annotations

import pytest

from kostra.controls.filecheck import engine
from kostra.controls.filecheck.engine import check_file, check_files
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.controls.filecheck.report import Report
from kostra.demo import generate_accounts, generate_famvern, generate_sosial
from tests.paths import SAMPLES

YEAR = 2025
REGIONS = ("340100", "030100", "030102", "110300")


def _result(report: Report) -> tuple[object, ...]:
    """What a report says, without the times it was made."""
    return (report.form, report.year, report.region, report.entries, report.number_of_controls,
            report.statistics, report.encoding, report.severity)


def _sosial_files() -> list[tuple[bytes, CheckArguments]]:
    files = []
    for form in ("11F", "11CF"):
        errors = [name for name, forms in generate_sosial.ERRORS.items() if form in forms]
        for seed, region in enumerate(REGIONS):
            files.append((generate_sosial.generate(form, YEAR, region, 40, seed), CheckArguments(form, YEAR, region)))
        for seed, error in enumerate(errors, start=10):
            region = REGIONS[seed % len(REGIONS)]
            data = generate_sosial.generate(form, YEAR, region, 30, seed, errors=(error,))
            files.append((data, CheckArguments(form, YEAR, region)))
        # A file checked against another municipality than its own (Kontroll 03 reads the region).
        files.append((generate_sosial.generate(form, YEAR, "340100", 20, 99), CheckArguments(form, YEAR, "110300")))
    return files


def _accounts_files() -> list[tuple[bytes, CheckArguments]]:
    files = []
    for form in ("0A", "0B"):
        for seed, region in enumerate(REGIONS):
            files.append((generate_accounts.generate(form, YEAR, region, 200, seed),
                          CheckArguments(form, YEAR, region)))
    for seed, (form, error) in enumerate(_ACCOUNTS_ERRORS, start=20):
        data = generate_accounts.generate(form, YEAR, "340100", 200, seed, errors=(error,))
        files.append((data, CheckArguments(form, YEAR, "340100")))
    return files


# The seeded accounts errors, each in a form it applies to (sector codes are checked in the balance only).
_ACCOUNTS_ERRORS = [("0B" if error == "invalid_sector" else "0A", error) for error in generate_accounts.ERRORS]


def _famvern_files() -> list[tuple[bytes, CheckArguments]]:
    files = [(generate_famvern.generate("52AF", YEAR, "667200", 30, seed), CheckArguments("52AF", YEAR, "667200"))
             for seed in range(3)]
    for seed, error in enumerate([*generate_famvern.ERRORS, "duplicate", "record_length"], start=30):
        files.append((generate_famvern.generate("52AF", YEAR, "667200", 30, seed, errors=(error,)),
                      CheckArguments("52AF", YEAR, "667200")))
    files.append(((SAMPLES / "52AF.dat").read_bytes(), CheckArguments("52AF", YEAR, "667200")))
    files.append(((SAMPLES / "52AF_ok.dat").read_bytes(), CheckArguments("52AF", YEAR, "667200")))
    return files


def _odd_files() -> list[tuple[bytes, CheckArguments]]:
    return [
        (b"", CheckArguments("11F", YEAR, "340100")),
        (b" ", CheckArguments("11CF", YEAR, "340100")),
        (b"not a KOSTRA file\n", CheckArguments("0A", YEAR, "340100")),
        (b"anything", CheckArguments("11F", 1990, "34")),
        (generate_sosial.generate("11F", YEAR, "340100", 5, 1), CheckArguments("99X", YEAR, "340100")),
    ]


def test_issue_10_files_controlled_together_get_the_reports_of_each_alone() -> None:
    files = [*_sosial_files(), *_accounts_files(), *_famvern_files(), *_odd_files()]
    together = check_files(files)
    alone = [check_file(data, args) for data, args in files]
    assert [_result(report) for report in together] == [_result(report) for report in alone]


def test_issue_10_seeded_errors_are_found_when_controlled_together() -> None:
    """The comparison above must compare reports that find something (expected names from the generators)."""
    files = _accounts_files()
    reports = check_files(files)
    seeded = reports[-len(_ACCOUNTS_ERRORS):]
    for report, (_, error) in zip(seeded, _ACCOUNTS_ERRORS, strict=True):
        assert generate_accounts.ERRORS[error] in {entry.rule_name for entry in report.entries}
    journal = generate_sosial.generate("11F", YEAR, "340100", 30, 5, errors=("duplicate_journal",))
    clean = generate_sosial.generate("11F", YEAR, "340100", 30, 6)
    found = check_files([(clean, CheckArguments("11F", YEAR, "340100")),
                         (journal, CheckArguments("11F", YEAR, "340100"))])
    assert "Kontroll 05B : Journalnummer, dubletter" not in {e.rule_name for e in found[0].entries}
    assert "Kontroll 05B : Journalnummer, dubletter" in {e.rule_name for e in found[1].entries}
    assert found[0].severity < Severity.ERROR <= found[1].severity


def test_issue_10_duplicates_are_counted_within_a_file_not_across_files() -> None:
    """Two copies of one clean file, controlled together, are each clean (the screens group by file)."""
    data = generate_sosial.generate("11CF", YEAR, "340100", 25, 7)
    args = CheckArguments("11CF", YEAR, "340100")
    first, second = check_files([(data, args), (data, args)])
    assert _result(first) == _result(second) == _result(check_file(data, args))
    assert not [e for e in first.entries if "dubletter" in e.rule_name]


def test_issue_10_reports_are_the_same_when_the_files_fill_several_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch is closed once it holds enough records; the reports do not depend on where it was closed."""
    files = [*_sosial_files(), *_accounts_files()]
    monkeypatch.setattr(engine, "_BATCH_RECORDS", 150)
    together = check_files(files)
    assert [_result(report) for report in together] == [_result(check_file(data, args)) for data, args in files]
