"""Conformance of the accounts rules with SSB's control program on its own sample files (§4.3, oracle c1f58486)."""

from __future__ import annotations

from collections import Counter

import pytest

from kostra.controls.filecheck.accounts import check_accounts, rules_for
from kostra.controls.filecheck.model import CheckArguments, Severity
from tests.paths import SAMPLES

from .test_accounts_frames import frame_of

SAMPLE_0A = "0A_V2019_K4_R040200_OK.dat"


def _run(name: str, args: CheckArguments) -> Counter[tuple[Severity, str]]:
    entries = check_accounts(frame_of((SAMPLES / name).read_bytes()), args)
    return Counter((e.severity, e.rule_name[:12]) for e in entries)


def test_0g_church_balance_has_19_sektor_errors_on_lines_2_to_20() -> None:
    args = CheckArguments("0G", 2022, "380500", ("976990803",))
    entries = check_accounts(frame_of((SAMPLES / "0G.dat").read_bytes()), args)
    errors = [e for e in entries if e.severity >= Severity.ERROR]
    assert {e.rule_name for e in errors} == {"Kontroll 013 : Sektor"}
    assert sorted(e.line_numbers for e in errors) == [(n,) for n in range(2, 21)]
    assert "'070'" in errors[0].message_text


def test_0a_sample_as_quarter_4_has_one_081_error_and_five_045_infos() -> None:
    counts = _run(SAMPLE_0A, CheckArguments("0AK4", 2019, "040200", quarter="4"))
    assert counts == {(Severity.ERROR, "Kontroll 081"): 1, (Severity.INFO, "Kontroll 045"): 5}


def test_0a_sample_under_2024_lists_reports_254_as_utgatt_like_the_official_program() -> None:
    counts = _run(SAMPLE_0A, CheckArguments("0AK4", 2024, "040200", quarter="4"))
    assert counts[(Severity.WARNING, "Kontroll 010")] == 52
    assert counts[(Severity.ERROR, "Kontroll 081")] == 1


def test_0a_sample_annual_2019_reports_quarter_and_sum_errors() -> None:
    counts = _run(SAMPLE_0A, CheckArguments("0A", 2019, "040200"))
    assert counts == {
        (Severity.ERROR, "Kontroll 005"): 1581,
        (Severity.ERROR, "Kontroll 050"): 9,
        (Severity.ERROR, "Kontroll 095"): 1,
        (Severity.ERROR, "Kontroll 110"): 1,
        (Severity.ERROR, "Kontroll 170"): 1,
        (Severity.WARNING, "Kontroll 081"): 1,
        (Severity.INFO, "Kontroll 045"): 5,
    }


def test_file_level_sum_rules_carry_no_line_numbers() -> None:
    entries = check_accounts(frame_of((SAMPLES / SAMPLE_0A).read_bytes()), CheckArguments("0A", 2019, "040200"))
    sums = [e for e in entries if e.rule_name.startswith(("Kontroll 095", "Kontroll 110", "Kontroll 170"))]
    assert len(sums) == 3 and all(e.line_numbers == () for e in sums)


@pytest.mark.parametrize(("form", "count"), [("0A", 52), ("0AK1", 33), ("0G", 29), ("0B", 52)])
def test_rule_counts_per_validator_match_the_official_program(form: str, count: int) -> None:
    names = [r.name for r in rules_for(CheckArguments(form, 2024, "040200"))]
    # The official validators have 52 (kommune), 33 (kvartal) and 29 (kirke) content rules.
    assert len(names) == count and len(set(names)) == count
