"""Load-time type checking: unknown names, mismatches, arity, with positions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kostra.controls.language import Rule, compile_rule
from kostra.controls.rule_definitions import schema_from_yaml
from kostra.errors import DefinitionError

SCHEMA = schema_from_yaml(Path(__file__).parent / "rules" / "schema.yaml")


@pytest.mark.parametrize(("expr", "column", "what"), [
    ("rom_i_alt2 > 0", 1, "unknown field 'rom_i_alt2' in form skjema5"),
    ("skjema4.beboer > 0", 1, "unknown field 'beboer' in form skjema4"),
    ("true + 1 > 0", 1, "expected number but 'true' is bool"),
    ("eierform > 1", 10, "cannot compare code 'eierform' with number '1'"),
    ("sum(rom_i_alt) > 0", 5, "takes a table column"),
    ("institusjoner.plasser > 0", 23, "aggregate the rows"),
    ("institusjoner + 1 > 0", 1, "table skjema5.institusjoner is not a value"),
    ("foo(rom_i_alt)", 1, "unknown function 'foo'"),
    ("abs(rom_i_alt, 2) > 0", 1, "abs() takes 1 positional arguments, got 2"),
    ("rom_i_alt + 1", 11, "must be true or false"),
    ("accounts(function='25') > 0", 19, "unknown function '25' in the 2025 accounts definitions"),
    ("register('nope') > 0", 10, "unknown register measure 'nope'"),
    ("prev(prev(rom_i_alt)) > 0", 6, "cannot be nested"),
    ("eierform in ('1', 2)", 19, "is number but 'eierform' is code"),
])
def test_type_errors_name_rule_file_and_position(expr: str, column: int, what: str) -> None:
    rule = Rule("r1", expr, "skjema5", file="x.yaml", line=7, expr_line=9)
    with pytest.raises(DefinitionError) as caught:
        compile_rule(rule, SCHEMA)
    message = str(caught.value)
    assert what in message
    assert f"column {column}:" in message
    assert caught.value.file == "x.yaml" and caught.value.item == "r1" and caught.value.line == 9


def test_well_typed_rule_records_what_it_reads() -> None:
    compiled = compile_rule(Rule("ok", "sum(institusjoner.plasser) <= skjema4.plasser + prev(plasser_i_alt)",
                                 "skjema5"), SCHEMA)
    assert set(compiled.fields) == {"skjema4.plasser"}
    assert {a.label for a in compiled.aggregates} == {"sum(institusjoner.plasser)", "prev(skjema5.plasser_i_alt)"}
    assert compiled.forms == {"skjema5", "skjema4"}


@pytest.mark.parametrize(("expr", "column", "what"), [
    # the valid values are named: the groups of the file, the codes, and a close match
    ("accounts(function='FGK111', art='AGD9') > 0", 19,
     "unknown function 'FGK111' in the 2025 accounts definitions (definitions/2025/accounts/funksjonshierarki.csv). "
     "Did you mean FGK11"),
    ("accounts(function='FGK111') > 0", 19, "Expected a group (FG1, FG2, FG4, FG5, FGF1,"),
    ("accounts(function='FGK111') > 0", 19, "or a code (100, 110, 120,"),
    ("accounts(art='AGD99') > 0", 14, "unknown art 'AGD99' in the 2025 accounts definitions "
                                      "(definitions/2025/accounts/artshierarki.csv)"),
    ("accounts(art='AGD99') > 0", 14, "Expected a group (AGD9, AGD1,"),
    ("accounts(art='690') > 0", 14, "unknown art '690'"),               # no longer valid after 2019
    ("accounts(function='254') > 0", 19, "unknown function '254'"),     # replaced by 257 and 258 from 2024
    ("accounts(function='285-100') > 0", 19, "range '285-100' runs backwards"),
    ("accounts(scope='kommune') > 0", 16, "scope 'kommune' is not one of kasse, konsern"),
    ("accounts(kontoklasse='1') > 0", 22, "kontoklasse '1' is not one of drift, investering"),
    ("accounts(function=('253', '261')) > 0", 19, "one code, group or range per argument"),
    ("accounts(function=253) > 0", 19, "function is a string in quotes"),
    ("accounts(region='3401') > 0", 17, "no argument 'region'; allowed: function, art, kontoklasse, scope"),
    ("accounts('253') > 0", 1, "takes 0 positional arguments"),
])
def test_accounts_names_are_checked_against_the_years_definitions(expr: str, column: int, what: str) -> None:
    test_type_errors_name_rule_file_and_position(expr, column, what)


def test_accounts_names_depend_on_the_year_and_prev_uses_last_years_definitions() -> None:
    def problem(expr: str, year: int | None) -> str | None:
        try:
            compile_rule(Rule("r1", expr, "skjema5"), replace(SCHEMA, year=year))
        except DefinitionError as error:
            return str(error)
        return None

    assert problem("accounts(function='254') > 0", 2023) is None
    assert "unknown function '254' in the 2024 accounts" in (problem("accounts(function='254') > 0", 2024) or "")
    assert problem("accounts(function='257') > 0", 2024) is None
    # prev() reads last year's records, aggregated with last year's definitions: 257 did not exist in 2023
    assert "unknown function '257' in the 2023 accounts" in (problem("prev(accounts(function='257')) > 0", 2024)
                                                              or "")
    assert problem("prev(accounts(function='254')) > 0", 2024) is None
    assert "loaded without a reporting year" in (problem("accounts(function='253') > 0", None) or "")
