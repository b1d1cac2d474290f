"""The accounts generator writes files that pass the accounts controls, and its injected errors are found."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck.engine import check_file
from kostra.controls.filecheck.model import CheckArguments, ReportEntry, Severity
from kostra.demo.generate_accounts import ERRORS, generate


def check_accounts(data: bytes, args: CheckArguments) -> list[ReportEntry]:
    return list(check_file(data, args).entries)


def _args(form: str, year: int, region: str) -> CheckArguments:
    return CheckArguments(form, year, region, quarter=form[3] if len(form) == 4 else None)


@pytest.mark.parametrize(("form", "region"), [("0A", "040200"), ("0C", "500000"), ("0AK2", "030100"),
                                              ("0M", "030100"), ("0CK4", "500000"), ("0B", "040200"),
                                              ("0DK1", "500000")])
@pytest.mark.parametrize("year", [2019, 2023, 2024, 2026])
def test_generated_files_have_no_errors_or_warnings(form: str, region: str, year: int) -> None:
    n = 400 if form[:2] in ("0B", "0D") else 1500
    data = generate(form, year, region, n, seed=year)
    assert all(len(line) == 48 for line in data.decode("latin-1").splitlines())
    entries = check_accounts(data, _args(form, year, region))
    assert [e for e in entries if e.severity >= Severity.WARNING] == []


@pytest.mark.parametrize("error", sorted(ERRORS))
def test_injected_error_is_found_by_the_intended_rule(error: str) -> None:
    form = "0B" if error == "invalid_sector" else "0A"
    data = generate(form, 2024, "040200", 400, seed=11, errors=[error])
    entries = check_accounts(data, CheckArguments(form, 2024, "040200"))
    assert {e.rule_name for e in entries if e.severity >= Severity.WARNING} == {ERRORS[error]}


def test_generator_uses_the_years_functions() -> None:
    functions_2023 = {line[32:35] for line in generate("0A", 2023, "040200", 3000, 1).decode().splitlines()}
    functions_2024 = {line[32:35] for line in generate("0A", 2024, "040200", 3000, 1).decode().splitlines()}
    assert "254" in functions_2023 and not {"257", "258"} & functions_2023
    assert "254" not in functions_2024 and {"257", "258"} <= functions_2024


def test_scale_sizes_the_amounts_and_seed_makes_it_reproducible() -> None:
    small, big = generate("0A", 2024, "040200", 500, 3), generate("0A", 2024, "040200", 500, 3, scale=20.0)
    total = lambda data: sum(abs(int(line[39:48])) for line in data.decode().splitlines())  # noqa: E731
    assert total(big) > 10 * total(small)
    assert generate("0A", 2024, "040200", 500, 3) == small


def test_large_file_is_fast_and_reports_duplicates_per_combination_only() -> None:
    data = generate("0A", 2024, "040200", 50_000, seed=5)
    entries = check_accounts(data, CheckArguments("0A", 2024, "040200"))
    assert {e.rule_name for e in entries} <= {"Kontroll 015 : Dubletter"}
    assert len(entries) < 10_000
