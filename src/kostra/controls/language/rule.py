"""Rules as records: what a rule file defines once loaded, and the closed set of outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kostra.controls.filecheck.model import Severity

__all__ = ["Case", "Outcome", "Rule"]


class Outcome(StrEnum):
    """Result of one rule for one unit (three-valued logic plus a broken rule, as in ``validate``)."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@dataclass(frozen=True)
class Case:
    """An embedded test case: given values of one unit and the expected outcome.

    ``given`` maps field names (bare = the rule's form, or ``form.field``) to values, and table
    names to lists of rows; ``previous`` the same for the previous year.
    """

    given: Mapping[str, Any]
    expect: Outcome
    previous: Mapping[str, Any] | None = None
    accounts: tuple[Mapping[str, Any], ...] | None = None
    population: tuple[Mapping[str, Any], ...] | None = None
    registers: Mapping[str, Any] | None = None
    nil: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """A control rule: an expression in the rule language plus its metadata and origin."""

    name: str
    expr: str
    form: str
    severity: Severity = Severity.ERROR
    tolerance: float = 1e-8
    label: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    on_nil: str = "not_applicable"
    fields: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    expr_line: int | None = None

    def valid_in(self, year: int) -> bool:
        """Whether the rule applies in reporting year ``year``."""
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or year <= self.year_to)
