"""Value validation of form answers: every kind of bad input, in bokmål and English."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kostra.catalog.forms import Form, load_catalog, load_catalog_from
from kostra.catalog.validation import Problem, Unit, Validated, orgnr_is_valid, parse_number, validate_values
from kostra.controls.filecheck.model import Severity

MUNICIPALITY = Unit("3301", "municipality", population=102_000)
DISTRICT = Unit("030101", "oslo_district", population=62_000)
INSTITUTION = Unit("974631407", "institution")


@pytest.fixture
def small(minimal_root: Path) -> Form:
    return load_catalog_from(minimal_root, 2025).form("9")


@pytest.fixture
def form5() -> Form:
    return load_catalog(2025).form("5")


def only(result: Validated, code: str) -> Problem:
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, result.problems
    return found[0]


def test_clean_answers_are_normalised(small: Form) -> None:
    result = validate_values(small, {"1.1": "ja", "plasser": "1 0", "storby_tall": "12,5"}, unit=MUNICIPALITY)
    assert only(result, "not_a_number").field_name == "plasser"
    result = validate_values(small, {"1.1": "ja", "plasser": " 12 ", "storby_tall": "12,5"}, unit=MUNICIPALITY)
    assert result.problems == [] and result.ok
    assert result.values == {"har_tilbud": True, "plasser": 12, "storby_tall": Decimal("12.5")}


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "1.2 Plasser: 'abc' er ikke et tall"), ("en", "1.2 Places: 'abc' is not a number")])
def test_text_in_number_field(small: Form, lang: str, expected: str) -> None:
    problem = only(validate_values(small, {"har_tilbud": True, "plasser": "abc"}, unit=MUNICIPALITY, lang=lang),
                   "not_a_number")
    assert problem.message == expected and problem.severity is Severity.ERROR and problem.field_id == "1.2"


@pytest.mark.parametrize(("raw", "value"), [
    ("1 234,5", Decimal("1234.5")), ("1\u00a0234", Decimal(1234)), ("12.5", Decimal("12.5")),
    ("-3", Decimal(-3)), ("\u22127", Decimal(-7)), (7, Decimal(7)), (2.25, Decimal("2.25")),
])
def test_norwegian_number_input(raw: object, value: Decimal) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["1 23", "1,2,3", "12a", "", "1.234,5", "--1", True, None, [1]])
def test_not_numbers(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_number(raw)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_norwegian_format_round_trips(number: Decimal) -> None:
    whole, _, fraction = f"{abs(number):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    text = f"{'-' if number < 0 else ''}{grouped},{fraction}"
    assert parse_number(text) == number


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                 st.none(), st.booleans()))
def test_any_input_gives_a_number_or_value_error(raw: object) -> None:
    try:
        number = parse_number(raw)
    except ValueError:
        return
    assert isinstance(number, Decimal) and number.is_finite()


@pytest.mark.parametrize(("lang", "word"), [("nb", "negativt"), ("en", "negative")])
def test_negative_count(small: Form, lang: str, word: str) -> None:
    problem = only(validate_values(small, {"har_tilbud": True, "plasser": "-2"}, unit=MUNICIPALITY, lang=lang),
                   "negative")
    assert word in problem.message and "'-2'" in problem.message


@pytest.mark.parametrize(("lang", "word"), [("nb", "heltall"), ("en", "whole number")])
def test_decimal_where_integer_required(small: Form, lang: str, word: str) -> None:
    problem = only(validate_values(small, {"har_tilbud": True, "plasser": "2,5"}, unit=MUNICIPALITY, lang=lang),
                   "not_integer")
    assert word in problem.message and "'2,5'" in problem.message


def test_too_many_decimals(small: Form) -> None:
    problem = only(validate_values(small, {"har_tilbud": False, "storby_tall": "1,25"}, unit=MUNICIPALITY,
                                   lang="en"), "too_many_decimals")
    assert "at most 1" in problem.message


@pytest.mark.parametrize(("raw", "code", "severity", "nb", "en"), [
    ("1001", "above_max", Severity.ERROR, "over øvre grense 1000", "above the upper limit 1000"),
    ("101", "above_plausible", Severity.WARNING, "uvanlig høyt (over 100)", "unusually high (over 100)"),
])
def test_hard_and_plausible_limits(small: Form, raw: str, code: str, severity: Severity, nb: str,
                                   en: str) -> None:
    for lang, text in (("nb", nb), ("en", en)):
        result = validate_values(small, {"har_tilbud": True, "plasser": raw}, unit=MUNICIPALITY, lang=lang)
        problem = only(result, code)
        assert problem.severity is severity and text in problem.message
    assert ("plasser" in result.values) is (severity is Severity.WARNING)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "Ukjent felt 'antall_senger' i skjema 9"), ("en", "Unknown field 'antall_senger' in form 9")])
def test_unknown_field(small: Form, lang: str, expected: str) -> None:
    result = validate_values(small, {"har_tilbud": False, "antall_senger": 3}, unit=MUNICIPALITY, lang=lang)
    problem = only(result, "unknown_field")
    assert problem.message == expected and problem.field_id == "antall_senger" and not result.ok


@pytest.mark.parametrize(("lang", "expected"), [("nb", "1.2 Plasser må fylles ut"), ("en", "1.2 Places is required")])
def test_missing_required_applicable_field(small: Form, lang: str, expected: str) -> None:
    result = validate_values(small, {"har_tilbud": "ja", "plasser": ""}, unit=MUNICIPALITY, lang=lang)
    assert only(result, "missing").message == expected


def test_required_field_that_does_not_apply_may_be_missing(small: Form) -> None:
    assert validate_values(small, {"har_tilbud": "nei"}, unit=MUNICIPALITY).problems == []
    assert only(validate_values(small, {}, unit=MUNICIPALITY), "missing").field_id == "1.1"


def test_value_for_field_that_does_not_apply_is_warned_and_dropped(small: Form) -> None:
    result = validate_values(small, {"har_tilbud": "nei", "plasser": 4, "bydel_merknad": "x"},
                             unit=MUNICIPALITY, lang="en")
    codes = sorted((p.field_id, p.code, p.severity) for p in result.problems)
    assert codes == [("1.2", "not_applicable", Severity.WARNING), ("1.3", "not_applicable", Severity.WARNING)]
    assert "plasser" not in result.values and result.ok
    district = validate_values(small, {"har_tilbud": "nei", "bydel_merknad": "x"}, unit=DISTRICT)
    assert district.values["bydel_merknad"] == "x" and district.problems == []


def test_population_condition(small: Form) -> None:
    tiny = Unit("1811", "municipality", population=1200)
    assert only(validate_values(small, {"har_tilbud": False, "storby_tall": 2}, unit=tiny),
                "not_applicable").field_name == "storby_tall"


@pytest.mark.parametrize(("lang", "word"), [("nb", "ikke et gyldig svar"), ("en", "not a valid answer")])
def test_invalid_choice(form5: Form, lang: str, word: str) -> None:
    result = validate_values(form5, {"tilbud": ["sykehjem", "hotell"]}, unit=INSTITUTION, lang=lang)
    problem = only(result, "invalid_choice")
    assert word in problem.message and "'hotell'" in problem.message and "sykehjem" in problem.message


def test_yes_no_and_choice_parsing(form5: Form) -> None:
    result = validate_values(form5, {"tilbud": "aldershjem, sykehjem", "5.1": "Nei", "6.1": "ja"},
                             unit=INSTITUTION)
    assert result.values["tilbud"] == ["sykehjem", "aldershjem"]
    assert result.values["plasser_andre_kommuner_ja"] is False and result.values["brukerundersokelse"] is True
    assert only(validate_values(form5, {"5.1": "kanskje"}, unit=INSTITUTION, lang="en"),
                "not_yes_no").message == "5.1 Do other municipalities use places in the institution?: " \
                                         "'kanskje' is not yes or no"


@pytest.mark.parametrize(("number", "valid"), [
    ("958935420", True), ("964338531", True), ("921234554", True), ("817920632", True), ("123456785", True),
    ("958935421", False), ("12345678", False), ("12345678a", False),
])
def test_orgnr_check_digit(number: str, valid: bool) -> None:
    assert orgnr_is_valid(number) is valid


def test_orgnr_checker_agrees_with_stdnum() -> None:
    from stdnum.no import orgnr

    for n in range(100_000_000, 100_003_000, 7):
        assert orgnr_is_valid(str(n)) is orgnr.is_valid(str(n))


@pytest.mark.parametrize(("lang", "word"), [("nb", "organisasjonsnummer"), ("en", "organisation number")])
def test_invalid_orgnr(form5: Form, lang: str, word: str) -> None:
    problem = only(validate_values(form5, {"orgnr": "958 935 421"}, unit=INSTITUTION, lang=lang), "invalid_orgnr")
    assert word in problem.message and "'958 935 421'" in problem.message
    assert validate_values(form5, {"orgnr": "958 935 420"}, unit=INSTITUTION).values["orgnr"] == "958935420"


def test_table_rows_are_checked_with_row_index(form5: Form) -> None:
    rows = [{"kommunenr": "3301", "plasser": "2"}, {"kommunenr": "3303", "plasser": "to"},
            {"kommunenr": "3305", "plasser": 1, "senger": 3}]
    result = validate_values(form5, {"5.1": True, "5.2": 3, "kjopende_kommuner": rows}, unit=INSTITUTION,
                             lang="en")
    located = sorted((p.code, p.row, p.column) for p in result.problems if p.field_name == "kjopende_kommuner")
    assert located == [("not_a_number", 2, "plasser"), ("unknown_column", 3, "senger")]
    message = next(p.message for p in result.problems if p.code == "not_a_number")
    assert "row 2" in message and "'to'" in message
    assert result.values["kjopende_kommuner"][0] == {"kommunenr": "3301", "plasser": 2}


def test_table_needs_rows(form5: Form) -> None:
    result = validate_values(form5, {"5.1": True, "kjopende_kommuner": "3301"}, unit=INSTITUTION)
    assert only(result, "not_a_table").severity is Severity.ERROR


def test_unit_of_wrong_kind(form5: Form) -> None:
    assert only(validate_values(form5, {}, unit=MUNICIPALITY, lang="en"), "unit_kind").message.startswith(
        "Form 5 cannot be reported by unit kind 'municipality'")


def test_problems_serialise_for_the_api(small: Form) -> None:
    result = validate_values(small, {"har_tilbud": True, "plasser": "x"}, unit=MUNICIPALITY)
    assert result.problems[0].as_dict()["severity"] == "ERROR" and result.worst is Severity.ERROR
