"""The rule language: one expression language for every control.

Parse (``grammar``) → type-check against a schema (``types``) → compile to Polars (``compiler``,
``functions``) → confront data (``evaluate``). See ``docs/rule-language.md``.
"""

from kostra.controls.language.data import ControlData
from kostra.controls.language.evaluate import (
    CompiledRule,
    CompiledRules,
    Confrontation,
    compile_rule,
    compile_rules,
    evaluate,
    run_case,
)
from kostra.controls.language.functions import FUNCTIONS
from kostra.controls.language.grammar import parse, tokenize
from kostra.controls.language.rule import Case, Outcome, Rule
from kostra.controls.language.syntax import to_source
from kostra.controls.language.types import Kind, Schema, check

__all__ = [
    "FUNCTIONS",
    "Case",
    "CompiledRule",
    "CompiledRules",
    "Confrontation",
    "ControlData",
    "Kind",
    "Outcome",
    "Rule",
    "Schema",
    "check",
    "compile_rule",
    "compile_rules",
    "evaluate",
    "parse",
    "run_case",
    "to_source",
    "tokenize",
]
