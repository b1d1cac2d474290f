"""The shared vocabulary of file controls: severities, report entries, arguments and rules.

Mirrors SSB's official control program (``specs/kostra-files.md`` §3.1): five severities with
exit codes 0/0/1/2/2, entries carrying rule name, message, line numbers, journal id and caseworker.
Every rule module (generic, accounts, 11F, 11CF, family counselling) builds on these types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from kostra.catalog.severity import Severity

__all__ = ["CheckArguments", "FileRule", "ReportEntry", "Severity"]


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One finding: which rule, how severe, what it says, on which lines, for which case."""

    severity: Severity
    rule_name: str
    message_text: str
    line_numbers: tuple[int, ...] = ()
    journal_id: str = ""
    caseworker: str = ""
    individ_id: str = ""
    context_id: str = ""


@dataclass(frozen=True, slots=True)
class CheckArguments:
    """The 'skjema' parameters a file is checked against (the official -s -y -r -u -q -a)."""

    form: str
    year: int
    region: str
    orgnrs: tuple[str, ...] = ()
    quarter: str | None = None
    has_data: bool = True


RuleFunction = Callable[[pl.DataFrame, CheckArguments], Sequence[ReportEntry]]
ScreenFunction = Callable[[CheckArguments, frozenset[str]], "pl.Expr | None"]


@dataclass(frozen=True, slots=True)
class FileRule:
    """A content rule run on all parsed records of a file.

    ``check`` receives the records as a Polars frame with one string column per layout field
    (values as in the file, not trimmed) plus ``line`` (1-based line number, Int64), and returns
    its entries (empty when the file passes). ``name`` is the official display name, e.g.
    ``"Kontroll 013 : Sektor"``.

    ``screen``, when given, tells the engine cheaply whether ``check`` can report anything: called with
    the arguments and the frame's column names, it returns None when the rule reports nothing on this
    file, else an expression that is true on every record the rule may report. The engine evaluates the
    screens of all rules in one pass and calls ``check`` only where a screen holds (a small file then
    costs one query instead of one per rule); ``check`` alone decides the entries.

    ``screen_alone`` False marks a screen that costs as much as ``check`` itself on one file (Kontroll 002 reads
    every field): it is evaluated only when many files are screened together (``engine.check_files``), where
    one grouped query for all files saves the fixed cost per file.
    """

    name: str
    severity: Severity
    check: RuleFunction
    applies_to: frozenset[str] = field(default_factory=frozenset)
    screen: ScreenFunction | None = None
    screen_alone: bool = True
