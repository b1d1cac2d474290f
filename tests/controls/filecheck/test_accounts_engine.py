"""End-to-end: the accounts rules through the engine's ``check_file`` (parsing, generic rules, report)."""

from __future__ import annotations

from collections import Counter

from kostra.controls.filecheck.engine import check_file
from kostra.controls.filecheck.model import CheckArguments, Severity
from kostra.demo.generate_accounts import generate
from tests.paths import SAMPLES


def test_0g_through_the_engine() -> None:
    report = check_file((SAMPLES / "0G.dat").read_bytes(), CheckArguments("0G", 2022, "380500", ("976990803",)))
    errors = [e for e in report.entries if e.severity >= Severity.ERROR]
    assert {e.rule_name for e in errors} == {"Kontroll 013 : Sektor"}
    assert sorted(n for e in errors for n in e.line_numbers) == list(range(2, 21))
    assert report.return_code == 2


def test_0a_sample_quarter_4_through_the_engine() -> None:
    data = (SAMPLES / "0A_V2019_K4_R040200_OK.dat").read_bytes()
    report = check_file(data, CheckArguments("0AK4", 2019, "040200", quarter="4"))
    counts = Counter((e.severity, e.rule_name[:12]) for e in report.entries)
    assert counts == {(Severity.ERROR, "Kontroll 081"): 1, (Severity.INFO, "Kontroll 045"): 5}


def test_generated_file_is_clean_through_the_engine() -> None:
    data = generate("0A", 2025, "460100", 2000, seed=7)
    report = check_file(data, CheckArguments("0A", 2025, "460100"))
    assert [e for e in report.entries if e.severity >= Severity.WARNING] == []
