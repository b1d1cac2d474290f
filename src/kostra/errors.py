"""Errors raised by the KOSTRA system.

Every error a user can cause is a ``KostraError`` whose message says what is wrong, where,
and what was expected. Edges (CLI, web) catch ``KostraError`` and show the message only;
anything else is a bug and is logged with its traceback.

    KostraError
    ├── UsageError            bad arguments: unknown year, region, option value
    │   ├── UnknownYear
    │   └── UnknownRegion
    ├── DefinitionError       a form, rule or layout definition is invalid (file, item, position)
    │   └── AccountsInputError  an accounts table (data, hierarchy, formula) is invalid (file, row, code)
    ├── IntakeError           a submitted file or value cannot be read
    ├── AccessDenied          the user may not see or change this unit or action
    └── NotFound              the thing asked for does not exist
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AccessDenied",
    "AccountsInputError",
    "DefinitionError",
    "IntakeError",
    "KostraError",
    "NotFound",
    "UnknownRegion",
    "UnknownYear",
    "UsageError",
]


class KostraError(Exception):
    """Root of all errors the system reports to users."""


class UsageError(KostraError):
    """Arguments that cannot be used: the command exits with code 2."""


class UnknownYear(UsageError):
    """A year outside the range the system holds data or definitions for."""

    def __init__(self, year: int, valid: Iterable[int], what: str = "data") -> None:
        years = sorted(valid)
        self.year = year
        self.valid = years
        span = f"{years[0]}–{years[-1]}" if years else "none"
        super().__init__(f"unknown year {year!r}: the years with {what} are {span}")


class UnknownRegion(UsageError):
    """A region code that does not exist in the given year."""

    def __init__(self, code: str, year: int, hint: str = "") -> None:
        self.code = code
        self.year = year
        expected = hint or (
            "a municipality (4 digits), an Oslo district (6 digits) or an aggregate "
            "such as EAK, EAKUO, EKA03, EKG12, EAB"
        )
        super().__init__(f"unknown region {code!r} in {year}: expected {expected}")


class DefinitionError(KostraError):
    """A definition file (form, rule, layout) is invalid."""

    def __init__(self, message: str, *, file: str | None = None, item: str | None = None,
                 line: int | None = None) -> None:
        self.file = file
        self.item = item
        self.line = line
        where = ", ".join(
            part for part in (
                file,
                f"line {line}" if line is not None else None,
                f"item {item!r}" if item else None,
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class AccountsInputError(DefinitionError):
    """An accounts input table (data, hierarchy, wildcard table, formula) that cannot be used.

    ``file`` and ``line`` name the table and its data row (1 = first row after the header)."""


class IntakeError(KostraError):
    """Input (file or value) that cannot be read as what it claims to be."""


class AccessDenied(KostraError):
    """The current user may not do this.

    ``reason`` names the rule that was broken, so an edge can say it in the user's language (the web's
    message catalogue has a sentence per reason, ``error.access.<reason>``); ``details`` fill it in."""

    def __init__(self, message: str, *, reason: str = "", **details: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class NotFound(KostraError):
    """The requested object does not exist (or must not be revealed)."""
