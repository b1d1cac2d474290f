"""Boundary and special-case tests of the accounts rules (specs/kostra-files.md §3.3 items 4–29)."""

from __future__ import annotations

import pytest

from kostra.controls.filecheck.accounts import check_accounts
from kostra.controls.filecheck.model import CheckArguments, ReportEntry, Severity

from .test_accounts_frames import frame_of, record

R = "040200"


def run(lines: list[str], form: str = "0A", year: int = 2024, region: str = R, quarter: str | None = None,
        orgnrs: tuple[str, ...] = ()) -> list[ReportEntry]:
    return check_accounts(frame_of("\n".join(lines)), CheckArguments(form, year, region, orgnrs, quarter))


def of(entries: list[ReportEntry], number: str) -> list[ReportEntry]:
    return [e for e in entries if e.rule_name.startswith(f"Kontroll {number} ")]


def rec(**kw: object) -> str:
    kw.setdefault("region", R)
    kw.setdefault("year", 2024)
    return record(**kw)  # type: ignore[arg-type]


def drift(utg: int, inn: int, **kw: object) -> list[str]:
    return [rec(funksjon="120", art="010", belop=utg, **kw), rec(funksjon="120", art="600", belop=inn, **kw)]


@pytest.mark.parametrize(("diff", "fails"), [(30, False), (-30, False), (31, True), (-31, True)])
def test_110_drift_difference_tolerance(diff: int, fails: bool) -> None:
    entries = of(run(drift(1000, -1000 + diff)), "110")
    assert bool(entries) is fails
    assert all(e.line_numbers == () and e.severity is Severity.ERROR for e in entries)


@pytest.mark.parametrize(("diff", "fails"), [(30, False), (-30, False), (31, True), (-31, True)])
def test_095_investering_difference_tolerance(diff: int, fails: bool) -> None:
    lines = [rec(kontoklasse="0", funksjon="120", art="010", belop=500),
             rec(kontoklasse="0", funksjon="870", art="910", belop=-500 + diff)]
    assert bool(of(run(lines), "095")) is fails


@pytest.mark.parametrize(("diff", "fails"), [(30, False), (31, True), (-31, True)])
def test_140_transfer_tolerance(diff: int, fails: bool) -> None:
    lines = [rec(funksjon="880", art="570", belop=400), rec(kontoklasse="0", funksjon="880", art="970",
                                                          belop=-400 + diff)]
    assert bool(of(run(lines), "140")) is fails


@pytest.mark.parametrize(("diff", "fails"), [(30, False), (-30, False), (31, True), (-31, True)])
def test_155_depreciation_tolerance(diff: int, fails: bool) -> None:
    lines = [rec(funksjon="120", art="590", belop=300), rec(funksjon="860", art="990", belop=-300 + diff)]
    assert bool(of(run(lines), "155")) is fails


@pytest.mark.parametrize(("kontoklasse", "number"), [("0", "170"), ("1", "175")])
@pytest.mark.parametrize(("total", "fails"), [(30, False), (-30, False), (31, True), (-31, True)])
def test_170_175_function_290_sums_to_zero(kontoklasse: str, number: str, total: int, fails: bool) -> None:
    lines = [rec(kontoklasse=kontoklasse, funksjon="290", art="010", belop=1000),
             rec(kontoklasse=kontoklasse, funksjon="290", art="700", belop=-1000 + total)]
    assert bool(of(run(lines), number)) is fails


@pytest.mark.parametrize(("diff", "fails"), [(10, False), (-10, False), (11, True), (-11, True)])
def test_125_balance_tolerance(diff: int, fails: bool) -> None:
    lines = [rec(skjema="0B", kontoklasse="2", funksjon="10", art="000", belop=5000),
             rec(skjema="0B", kontoklasse="2", funksjon="51", art="000", belop=-5000 + diff)]
    assert bool(of(run(lines, form="0B"), "125")) is fails


@pytest.mark.parametrize(("diff", "fails"), [(10, False), (11, True), (-11, True)])
def test_190_memoria_tolerance(diff: int, fails: bool) -> None:
    lines = [rec(skjema="0B", kontoklasse="2", funksjon="9100", art="000", belop=700),
             rec(skjema="0B", kontoklasse="2", funksjon="9999", art="000", belop=-700 + diff)]
    assert bool(of(run(lines, form="0B"), "190")) is fails


@pytest.mark.parametrize("number", ["126", "127"])
@pytest.mark.parametrize(("diff", "fails"), [(10, False), (11, True), (-11, True)])
def test_126_127_oslo_district_internal_arts(number: str, diff: int, fails: bool) -> None:
    kk = "1" if number == "126" else "0"
    lines = [rec(region="030105", kontoklasse=kk, funksjon="120", art="298", belop=200),
             rec(region="030105", kontoklasse=kk, funksjon="120", art="798", belop=-200 + diff)]
    entries = of(run(lines, region="030105"), number)
    assert bool(entries) is fails
    assert all(e.severity is Severity.WARNING for e in entries)


def test_oslo_internal_arts_only_for_oslo_not_other_municipalities() -> None:
    line = "art_sektor"
    for region, valid in (("030100", True), ("030112", True), ("030116", False), (R, False)):
        entries = of(run([rec(region=region, funksjon="120", art="298", belop=5)], region=region), "012")
        assert (not entries) is valid, (line, region)


def test_oslo_district_is_exempt_from_drift_sums_but_municipality_is_not() -> None:
    lines = drift(1000, -500)
    assert of(run(lines), "110")
    assert not of(run([rec(region="030101", funksjon="120", art="010", belop=1000),
                       rec(region="030101", funksjon="120", art="600", belop=-500)], region="030101"), "110")


def test_oslo_gets_county_and_district_functions() -> None:
    for region, ok in (("030100", True), ("030103", True), (R, False)):
        entries = run([rec(region=region, funksjon="511", art="010", belop=5),
                       rec(region=region, funksjon="691", art="010", belop=5)], region=region)
        assert (not of(entries, "010")) is ok, region


@pytest.mark.parametrize(("form", "quarter", "severity"), [
    ("0AK1", "1", Severity.WARNING), ("0AK2", "2", Severity.WARNING), ("0AK3", "3", Severity.WARNING),
    ("0AK4", "4", Severity.ERROR), ("0A", None, Severity.ERROR)])
def test_code_list_rules_are_warnings_in_q1_to_q3(form: str, quarter: str | None, severity: Severity) -> None:
    entries = run([rec(kvartal=quarter or " ", funksjon="999", art="999", belop=5)], form=form, quarter=quarter)
    assert [e.severity for e in of(entries, "010") + of(entries, "012")] == [severity, severity]


@pytest.mark.parametrize(("form", "quarter", "severity"), [
    ("0AK1", "1", Severity.WARNING), ("0AK2", "2", Severity.WARNING), ("0AK3", "3", Severity.ERROR),
    ("0AK4", "4", Severity.ERROR), ("0A", None, Severity.WARNING)])
def test_081_severity_by_quarter(form: str, quarter: str | None, severity: Severity) -> None:
    entries = run([rec(kvartal=quarter or " ", funksjon="850", art="400", belop=5)], form=form, quarter=quarter)
    assert [e.severity for e in of(entries, "081")] == [severity]


@pytest.mark.parametrize(("quarter", "severity"), [(None, Severity.ERROR), ("2", Severity.WARNING)])
def test_100_severity_annual_vs_quarterly(quarter: str | None, severity: Severity) -> None:
    form = "0AK2" if quarter else "0A"
    entries = run([rec(kvartal=quarter or " ", funksjon="120", art="600", belop=-5)], form=form, quarter=quarter)
    assert [e.severity for e in of(entries, "100")] == [severity]


@pytest.mark.parametrize(("form", "severity"), [("0A", Severity.ERROR), ("0I", Severity.INFO)])
def test_150_error_for_regional_forms_else_info(form: str, severity: Severity) -> None:
    kk = "1" if form == "0A" else "3"
    lines = [rec(skjema=form, kontoklasse=kk, funksjon="120", art="590", belop=5),
             rec(skjema=form, kontoklasse=kk, funksjon="121", art="590", belop=-5)]
    assert [e.severity for e in of(run(lines, form=form), "150")] == [severity]


@pytest.mark.parametrize(("region", "fails"), [(R, True), ("211100", False), ("030105", False)])
def test_130_tax_exemptions(region: str, fails: bool) -> None:
    lines = [rec(region=region, funksjon="800", art="870", belop=5), rec(region=region, art="010", belop=5)]
    assert bool(of(run(lines, region=region), "130")) is fails


@pytest.mark.parametrize(("region", "fails"), [(R, True), ("211100", False), ("501400", False)])
def test_135_block_grant_exemptions(region: str, fails: bool) -> None:
    lines = [rec(region=region, funksjon="840", art="800", belop=5)]
    assert bool(of(run(lines, region=region), "135")) is fails


@pytest.mark.parametrize(("year", "function", "valid"), [
    (2023, "254", True), (2024, "254", False), (2023, "257", False), (2024, "257", True),
    (2024, "258", True), (2019, "254", True), (2026, "254", False)])
def test_function_validity_by_year(year: int, function: str, valid: bool) -> None:
    entries = run([rec(year=year, funksjon=function, art="010", belop=5)], year=year)
    assert (not of(entries, "010")) is valid


@pytest.mark.parametrize(("year", "warned"), [(2023, False), (2024, True)])
def test_010_utgatt_function_254_in_quarterly_files(year: int, warned: bool) -> None:
    entries = run([rec(year=year, kvartal="1", funksjon="254", art="010", belop=5)], "0AK1", year, quarter="1")
    utgatt = [e for e in entries if e.rule_name == "Kontroll 010 : Utgått funksjon"]
    assert bool(utgatt) is warned
    assert all(e.severity is Severity.WARNING and "godtas midlertidig" in e.message_text for e in utgatt)
    assert not [e for e in entries if e.rule_name == "Kontroll 010 : Funksjon"]


@pytest.mark.parametrize(("year", "art", "valid"), [(2022, "874", True), (2023, "874", False),
                                                    (2022, "871", False), (2023, "871", True)])
def test_art_874_split_in_2023(year: int, art: str, valid: bool) -> None:
    entries = run([rec(year=year, funksjon="800", art=art, belop=-5)], year=year)
    assert (not of(entries, "012")) is valid


def test_015_duplicates_one_warning_per_combination_with_all_lines() -> None:
    lines = [rec(art="010", belop=1), rec(art="020", belop=1), rec(art="010", belop=2), rec(art="010", belop=0)]
    entries = of(run(lines), "015")
    assert [(e.severity, e.line_numbers) for e in entries] == [(Severity.WARNING, (1, 3))]
    assert "1 * 100 * 010" in entries[0].message_text


@pytest.mark.parametrize(("kapittel", "amount", "fails"), [("5900", -1, True), ("5900", 0, False),
                                                           ("5970", -3, True), ("5970", 3, False),
                                                           ("5990", -3, False)])
def test_016_sign_of_chapters_5900_5970(kapittel: str, amount: int, fails: bool) -> None:
    line = rec(skjema="0B", kontoklasse="2", funksjon=kapittel, art="000", belop=amount)
    entries = of(run([line, rec(skjema="0B", kontoklasse="2", funksjon="10", art="000", belop=1)], "0B"), "016")
    assert bool(entries) is fails


@pytest.mark.parametrize(("orgnr", "fails"), [("976990803", False), ("964338531", False), ("123456789", True),
                                              ("", True)])
def test_007_accepts_any_orgnr_of_the_comma_list(orgnr: str, fails: bool) -> None:
    line = rec(skjema="0I", kontoklasse="3", orgnr=orgnr, funksjon="120", art="010", belop=5)
    entries = of(run([line], form="0I", orgnrs=("976990803", "964338531")), "007")
    assert bool(entries) is fails
    assert all(f"'{orgnr:9}'" in e.message_text for e in entries)


def test_records_with_amount_0_are_ignored_but_minus_0_is_not() -> None:
    entries = run([rec(funksjon="999", belop=0), rec(funksjon="998", belop="-0")])
    assert [e.line_numbers for e in of(entries, "010")] == [(2,)]


def test_009_kontoklasse_table() -> None:
    assert of(run([rec(kontoklasse="2", belop=5)]), "009")
    assert not of(run([rec(skjema="0B", kontoklasse="Z", funksjon="10", art="000", kvartal="1", belop=5)],
                       "0BK1", quarter="1"), "009")


def test_014_belop_must_be_an_integer() -> None:
    assert [e.line_numbers for e in of(run([rec(belop="12a"), rec(art="020", belop="-12")]), "014")] == [(1,)]
