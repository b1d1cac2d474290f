"""Load-time type checking: unknown names, mismatches, arity, with positions."""

from __future__ import annotations

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
    ("accounts(function='25') > 0", 19, "neither a 3-digit code"),
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
