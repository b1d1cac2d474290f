"""Confronting data with compiled rules: three-valued logic, tolerance, sources, robustness."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kostra.controls.filecheck.model import Severity
from kostra.controls.language import Case, ControlData, Outcome, Rule, Schema, compile_rules, evaluate, run_case
from kostra.controls.rule_definitions import schema_from_yaml

SCHEMA = schema_from_yaml(Path(__file__).parent / "rules" / "schema.yaml")
OPEN = Schema(open=True, year=2025)
YEAR_2025 = Schema(year=2025)
P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE


def outcome(expr: str, values: dict[str, object], *, tolerance: float = 1e-8, **extra: object) -> Outcome:
    rule = Rule("r", expr, "skjema5", tolerance=tolerance)
    listed = {k: tuple(v) if isinstance(v, list) and k != "nil" else v for k, v in extra.items()}
    return run_case(rule, Case(given=values, expect=P, **listed), OPEN)  # type: ignore[arg-type]


_TRUTH = {True: "x > 0", False: "x < 0", None: "y > 0"}  # x = 1, y missing


@pytest.mark.parametrize("left", [True, False, None])
@pytest.mark.parametrize("right", [True, False, None])
def test_kleene_truth_tables(left: bool | None, right: bool | None) -> None:
    def expected(value: bool | None) -> Outcome:
        return NA if value is None else (P if value else F)

    def kleene_and(a: bool | None, b: bool | None) -> bool | None:
        return False if False in (a, b) else (None if None in (a, b) else True)

    def kleene_or(a: bool | None, b: bool | None) -> bool | None:
        return True if True in (a, b) else (None if None in (a, b) else False)

    values = {"x": 1, "y": None}
    a, b = _TRUTH[left], _TRUTH[right]
    assert outcome(f"({a}) and ({b})", values) == expected(kleene_and(left, right))
    assert outcome(f"({a}) or ({b})", values) == expected(kleene_or(left, right))
    negated = None if left is None else not left
    assert outcome(f"({a}) implies ({b})", values) == expected(kleene_or(negated, right))
    assert outcome(f"not ({a})", values) == expected(negated)


@pytest.mark.parametrize(("expr", "tolerance", "expected"), [
    ("a == b", 0.0, F), ("a == b", 0.5, P), ("a == b", 0.3, F), ("a != b", 0.5, F), ("a != b", 0.3, P),
    ("a >= b", 0.5, P), ("a >= b", 0.3, F), ("b <= a", 0.5, P), ("a > b - 0.4", 0.0, F),
    ("between(a, 10.5, 11)", 0.5, P), ("between(a, 10.5, 11)", 0.1, F),
])
def test_tolerance_on_equality_and_weak_inequalities(expr: str, tolerance: float, expected: Outcome) -> None:
    assert outcome(expr, {"a": 10, "b": 10.4}, tolerance=tolerance) == expected


def test_division_by_zero_is_not_applicable_and_missing_is_not_zero() -> None:
    assert outcome("a / b > 1", {"a": 1, "b": 0}) == NA
    assert outcome("a + b > 1", {"a": 5, "b": None}) == NA
    assert outcome("coalesce(b, 0) + a > 1", {"a": 5, "b": None}) == P
    assert outcome("is_missing(b)", {"a": 5, "b": None}) == P


def test_prev_reads_the_previous_year() -> None:
    assert outcome("a >= prev(a)", {"a": 5}, previous={"a": 4}) == P
    assert outcome("a >= prev(a)", {"a": 5}, previous={"a": 6}) == F
    assert outcome("a >= prev(a)", {"a": 5}, previous={"a": None}) == NA


def test_table_sum_count_min_max() -> None:
    rows = {"t": [{"v": 3, "k": "a"}, {"v": None, "k": "b"}, {"v": 7, "k": "a"}]}
    assert outcome("sum(t.v) == 10", rows) == P
    assert outcome("count(t) == 3 and count(t, t.k == 'a') == 2", rows) == P
    assert outcome("max(t.v) == 7 and min(t.v) == 3 and mean(t.v) == 5", rows) == P
    assert outcome("sum(t.v) == 0", {"t": [{"v": None}]}) == NA


def test_population_bands() -> None:
    population = [{"age": 79, "sex": 1, "persons": 10}, {"age": 80, "sex": 2, "persons": 7},
                  {"age": 99, "sex": 1, "persons": 3}]
    assert outcome("population(80, 120) == 10 and population(0, 79) == 10", {}, population=population) == P
    assert outcome("population(80, 120, sex=2) == 7", {}, population=population) == P


# One unit's records as in the files (revenues negative). The groups, from definitions/2025/accounts:
# FGK11 = FGK11a (234, FGK11b = 253 261, 257, 258) + 256; FGK1 holds 120. AGD9 (brutto) = DR_UTG (arts
# 010–480) + A590; AGD1 (netto) = AGD9 − DR_INNT, DR_INNT holding 700 (refunds), read positive by SSB.
ACCOUNTS = [
    {"kontoklasse": "1", "funksjon": "253", "art": "010", "belop": 100.0},   # kasse drift, lønn
    {"kontoklasse": "1", "funksjon": "256", "art": "590", "belop": 20.0},    # kasse drift, avskrivninger
    {"kontoklasse": "1", "funksjon": "253", "art": "700", "belop": -30.0},   # kasse drift, refusjon (revenue)
    {"kontoklasse": "1", "funksjon": "120", "art": "010", "belop": 5.0},     # administrasjon: not in FGK11
    {"kontoklasse": "0", "funksjon": "253", "art": "010", "belop": 1000.0},  # kasse investering
    {"kontoklasse": "3", "funksjon": "253", "art": "010", "belop": 400.0},   # konsern drift (0M)
]


@pytest.mark.parametrize(("expr", "expected"), [
    ("accounts(function='FGK11', art='AGD9') == 120", P),                    # 100 + 20; not 700, 120, 0, 3
    ("accounts(function='FGK11', art='AGD1') == 90", P),                     # 100 + 20 − 30
    ("accounts(function='FGK11', art='AGD1') == 120", F),
    ("accounts(function='FGK1', art='AGD9') == 5", P),
    ("accounts(function='253', art='AGD1', kontoklasse='investering') == 1000", P),
    ("accounts(function='FGK11', art='AGD9', scope='konsern') == 400", P),
    ("accounts(function='253') == 70", P),                                   # no art: the plain sum as reported
    ("accounts(function='250-259', art='010') == 100", P),                   # a range: 253 (not 256 with 590)
    ("accounts(art='100-285') == 0", P),                                     # reported, nothing there: a real 0
])
def test_accounts_values_come_from_the_years_definitions(expr: str, expected: Outcome) -> None:
    assert outcome(expr, {}, accounts=ACCOUNTS) == expected


def test_accounts_are_missing_without_records_of_the_scope() -> None:
    kasse_only = [row for row in ACCOUNTS if row["kontoklasse"] in ("1", "0")]
    assert outcome("accounts(function='FGK11', art='AGD9', scope='konsern') >= 0", {}, accounts=kasse_only) == NA
    assert outcome("accounts(function='FGK11', art='AGD9') >= 0", {}, accounts=[]) == NA
    assert outcome("is_missing(accounts(function='FGK11', art='AGD9'))", {}, accounts=[]) == P


def test_accounts_over_many_units_at_once() -> None:
    units = pl.DataFrame({"unit": ["3401", "3405", "3407"]})
    accounts = pl.DataFrame([("3401", "1", "253", "010", 100.0), ("3401", "1", "253", "600", -30.0),
                             ("3405", "1", "261", "010", 7.0), ("3405", "3", "253", "010", 50.0)],
                            schema=["unit", "kontoklasse", "funksjon", "art", "belop"], orient="row")
    rules = [Rule("netto", "accounts(function='FGK11b', art='AGD1') > 10", "skjema5")]
    run = evaluate(compile_rules(rules, YEAR_2025), ControlData(units=units, accounts=accounts))
    assert [run.outcome("netto", u) for u in ("3401", "3405", "3407")] == [P, F, NA]   # 70, 7, no file
    assert run.values("netto", "3401") == {"accounts(function='FGK11b', art='AGD1')": 70.0}


def test_cross_form_reference_and_nil_form() -> None:
    values = {"plasser_i_alt": 10, "skjema4.plasser": 10}
    assert outcome("plasser_i_alt == skjema4.plasser", values) == P
    assert outcome("plasser_i_alt == skjema4.plasser", values, nil=["skjema4"]) == NA
    rule = Rule("r", "plasser_i_alt == 9", "skjema5", on_nil="evaluate")
    data = ControlData.for_unit({"plasser_i_alt": 10}, form="skjema5", nil=["skjema5"])
    assert evaluate(compile_rules([rule], OPEN), data).outcome("r", "0000") == F
    assert run_case(rule, Case({"plasser_i_alt": 9}, P, nil=("skjema5",)), OPEN) == P


def test_vectorised_over_units_and_a_broken_rule_does_not_stop_others() -> None:
    units = pl.DataFrame({"unit": ["3401", "3403", "030102"], "skjema5.rom_i_alt": [10, 5, None],
                          "skjema5.rom_enerom": [8, 6, 3]})
    rules = [Rule("good", "rom_enerom <= rom_i_alt", "skjema5", severity=Severity.WARNING),
             Rule("broken", "sum(institusjoner.plasser) > 0", "skjema5"),
             Rule("also_good", "rom_enerom > 0", "skjema5", severity=Severity.INFO)]
    run = evaluate(compile_rules(rules, SCHEMA), ControlData(units=units))
    assert [run.outcome("good", u) for u in ("3401", "3403", "030102")] == [P, F, NA]
    assert run.errors()["rule"].unique().to_list() == ["broken"]
    assert "institusjoner" in run.errors()["message"][0]
    summary = {row["rule"]: row for row in run.summary().to_dicts()}
    assert (summary["good"]["passes"], summary["good"]["fails"], summary["good"]["not_applicable"]) == (1, 1, 1)
    assert summary["broken"]["errors"] == 3 and summary["also_good"]["passes"] == 3
    assert run.failures(Severity.WARNING)["unit"].to_list() == ["3403"]
    assert run.failures(Severity.ERROR).height == 0
    assert run.values("good", "3403") == {"skjema5.rom_enerom": 6, "skjema5.rom_i_alt": 5}
    assert run.by_unit("3401").height == 3
    assert run.to_arrow().num_rows == 9
    assert evaluate(compile_rules(rules, SCHEMA), ControlData(units=units), units=["3401"]).results.height == 3


def test_a_rule_failing_inside_polars_is_an_error_not_a_crash() -> None:
    units = pl.DataFrame({"unit": ["1"], "skjema5.a": ["text"], "skjema5.b": [1]})
    rules = [Rule("bad", "a * 2 > 1", "skjema5"), Rule("fine", "b == 1", "skjema5")]
    run = evaluate(compile_rules(rules, OPEN), ControlData(units=units))
    assert run.outcome("bad", "1") == Outcome.ERROR and run.outcome("fine", "1") == P
