"""Identifiers: examples, cross-checks against python-stdnum, hypothesis properties, vectorised twins."""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.no import fodselsnummer, orgnr

from kostra.cli import cli
from kostra.intake.identifiers import (
    FNR_WEIGHTS_1,
    FNR_WEIGHTS_2,
    IdentifierKind,
    age_at,
    age_in_year,
    duf_valid_expr,
    fnr_columns,
    validate,
    validate_duf,
    validate_fnr,
    validate_orgnr,
)


def make_fnr(born: date, individual: int, dnr: bool = False) -> str | None:
    """A fødselsnummer with computed check digits, or None when a check digit would be 10."""
    day = born.day + (40 if dnr else 0)
    head = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    k1 = (11 - sum(int(d) * w for d, w in zip(head, FNR_WEIGHTS_1, strict=False)) % 11) % 11
    k2 = (11 - sum(int(d) * w for d, w in zip(head + str(k1), FNR_WEIGHTS_2, strict=False)) % 11) % 11
    return None if 10 in (k1, k2) else f"{head}{k1}{k2}"


def make_duf(first_ten: str) -> str:
    weights = (4, 6, 3, 2, 4, 6, 3, 2, 7, 5)
    return first_ten + f"{sum(int(d) * w for d, w in zip(first_ten, weights, strict=True)) % 11:02d}"


@pytest.mark.parametrize("number", ["958935420", "964338531", "921234554", "817920632", "123456785"])
def test_known_organisation_numbers_are_valid(number: str) -> None:
    assert validate_orgnr(number).valid
    assert orgnr.is_valid(number)


@pytest.mark.parametrize(("number", "fragment"), [
    ("958935421", "expected 0"), ("12345678", "9 digits"), ("95893542a", "digits only"),
])
def test_bad_organisation_numbers_say_why(number: str, fragment: str) -> None:
    result = validate_orgnr(number)
    assert not result.valid
    assert fragment in result.reason


def test_organisation_number_with_remainder_one_is_never_valid() -> None:
    # first 8 digits chosen so that the weighted sum ≡ 1 (mod 11): check digit would be 10
    base = next(f"{i:08d}" for i in range(10**6, 10**7)
                if sum(int(d) * w for d, w in zip(f"{i:08d}", (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11 == 1)
    assert not any(validate_orgnr(base + str(c)).valid for c in range(10))


def test_fnr_examples() -> None:
    ok = validate_fnr("15076500565")
    assert ok.valid and ok.kind is IdentifierKind.FNR and ok.birth_date == date(1965, 7, 15)
    dnr = validate_fnr(make_fnr(date(1980, 5, 17), 123, dnr=True) or "")
    assert dnr.valid and dnr.kind is IdentifierKind.DNR and dnr.birth_date == date(1980, 5, 17)


@pytest.mark.parametrize(("born", "individual"), [
    (date(1999, 1, 1), 0), (date(1940, 6, 1), 950), (date(2005, 3, 3), 500), (date(2039, 12, 31), 999),
    (date(1854, 2, 2), 600), (date(1899, 7, 7), 749), (date(2000, 2, 29), 501),
])
def test_century_rules(born: date, individual: int) -> None:
    for offset in range(0, 40):  # find an individual number in the same range with usable check digits
        number = make_fnr(born, individual + offset if individual + offset < 1000 else individual - offset)
        if number:
            assert validate_fnr(number).birth_date == born
            return
    pytest.fail("no valid number found")


def test_individual_number_not_issued_for_year_is_invalid() -> None:
    # 750–899 with yy 40–99 belongs to no century
    result = validate_fnr("01015080000")
    assert not result.valid and "individual number" in result.reason


@pytest.mark.parametrize("suffix", ["00100", "00200", "99999"])
def test_birth_date_only_suffixes_are_incomplete_but_valid(suffix: str) -> None:
    result = validate_fnr("150765" + suffix)
    assert result.valid and result.incomplete and result.birth_date is not None
    assert not validate_fnr("320165" + suffix).valid  # no 32nd day


def with_checks(head: str) -> str | None:
    """Nine digits plus the two check digits, or None when one would be 10."""
    k1 = (11 - sum(int(d) * w for d, w in zip(head, FNR_WEIGHTS_1, strict=False)) % 11) % 11
    k2 = (11 - sum(int(d) * w for d, w in zip(head + str(k1), FNR_WEIGHTS_2, strict=False)) % 11) % 11
    return None if 10 in (k1, k2) else f"{head}{k1}{k2}"


@pytest.mark.parametrize(("month_offset", "accepted"), [(80, True), (40, False)])
def test_synthetic_numbers_accepted_h_numbers_refused(month_offset: int, accepted: bool) -> None:
    number = next(n for i in range(100, 200) if (n := with_checks(f"04{4 + month_offset:02d}90{i:03d}")))
    result = validate_fnr(number)
    assert result.valid is accepted
    if accepted:
        assert result.synthetic and result.birth_date == date(1990, 4, 4)
    else:
        assert "H-number" in result.reason


def test_duf_numbers() -> None:
    number = make_duf("1986037201")
    assert validate_duf(number).valid
    assert not validate_duf(number[:10] + f"{(int(number[10:]) + 1) % 100:02d}").valid
    assert "12 digits" in validate_duf("123").reason


def test_validate_dispatch_and_kind() -> None:
    assert validate(" 958935420 ").kind is IdentifierKind.ORGNR
    assert validate("15076500565", "fnr").valid
    assert not validate("15076500565", "dnr").valid
    assert validate("x", "auto").kind is IdentifierKind.UNKNOWN


def test_age_helpers() -> None:
    assert age_in_year(date(2007, 12, 31), 2025) == 18
    assert age_at(date(2007, 6, 15), date(2025, 6, 14)) == 17
    assert age_at(date(2007, 6, 15), date(2025, 6, 15)) == 18


birth_dates = st.dates(min_value=date(1855, 1, 1), max_value=date(2039, 12, 31))


def individual_for(born: date, draw: int) -> int:
    if born.year < 1900:
        return 500 + draw % 250
    if born.year < 2000:
        return draw % 500
    return 500 + draw % 500


@given(st.text(max_size=14))
def test_any_string_yields_a_result(value: str) -> None:
    for kind in ("auto", "fnr", "dnr", "duf", "orgnr", "other"):
        result = validate(value, kind)
        assert isinstance(result.valid, bool) and result.reason


@given(birth_dates, st.integers(0, 10**6), st.booleans())
def test_generated_fnr_validate_and_match_stdnum(born: date, draw: int, dnr: bool) -> None:
    number = make_fnr(born, individual_for(born, draw), dnr)
    if number is None:
        return
    result = validate_fnr(number)
    assert result.valid and result.birth_date == born
    # stdnum refuses birth dates in the future, so compare only for the past
    if not dnr and born.year <= 2020 and number[6:] not in ("00100", "00200", "99999"):
        assert fodselsnummer.is_valid(number)


@given(birth_dates, st.integers(0, 10**6), st.integers(0, 10), st.integers(1, 9))
def test_one_changed_digit_invalidates_fnr(born: date, draw: int, position: int, delta: int) -> None:
    # Every weight is 1..10 and 11 is prime, so a single changed digit always breaks a check sum;
    # the only way out is landing on a birth-date-only suffix (valid but incomplete).
    number = make_fnr(born, individual_for(born, draw))
    if number is None:
        return
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    result = validate_fnr(changed)
    assert not result.valid or result.incomplete


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 11), st.integers(1, 9))
def test_one_changed_digit_invalidates_duf(first_ten: str, position: int, delta: int) -> None:
    number = make_duf(first_ten)
    assert validate_duf(number).valid
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    assert not validate_duf(changed).valid


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_orgnr_agrees_with_stdnum(number: str) -> None:
    assert validate_orgnr(number).valid == orgnr.is_valid(number)


@settings(max_examples=50)
@given(st.lists(st.text(alphabet="0123456789 x", min_size=11, max_size=11), min_size=1, max_size=30))
def test_vectorised_fnr_agrees_with_scalar(values: list[str]) -> None:
    rng = random.Random(len(values))
    values = values + [make_fnr(date(1970 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                                rng.randrange(500)) or "00000000000" for _ in range(10)]
    valid, born = fnr_columns(pl.col("f"))
    frame = pl.DataFrame({"f": values}).select(valid.alias("valid"), born.alias("born"))
    for value, ok, birth in zip(values, frame["valid"], frame["born"], strict=True):
        scalar = validate_fnr(value)
        assert ok == scalar.valid, value
        if scalar.valid:
            assert birth == scalar.birth_date


@given(st.lists(st.text(alphabet="0123456789 ", min_size=12, max_size=12), max_size=20),
       st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_vectorised_duf_agrees_with_scalar(values: list[str], first_ten: str) -> None:
    values = [*values, make_duf(first_ten)]
    flags = pl.DataFrame({"d": values}).select(duf_valid_expr(pl.col("d")))["d"].to_list()
    assert flags == [validate_duf(v).valid for v in values]


def test_cli_verdicts_and_exit_codes() -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["identifiers", "validate", "958935420"])
    assert ok.exit_code == 0 and "valid" in ok.output
    bad = runner.invoke(cli, ["identifiers", "validate", "15076500566", "--kind", "fnr"])
    assert bad.exit_code == 2 and "check digit" in bad.output
