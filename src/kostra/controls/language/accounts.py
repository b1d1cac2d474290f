"""What ``accounts(...)`` can name, read from the year's accounts definitions, and its value from the engine.

There is one KOSTRA accounts aggregation, ``kostra.accounts`` (the re-implementation of SSB's
kostraregnskap, ``docs/accounts.md``); the rule language only names its cells. A function or art is a code
or group of the year's hierarchies (``definitions/<year>/accounts/funksjonshierarki.csv`` and
``artshierarki.csv``: ``FG2``, ``FGK11``, ``253``; ``AGD9`` brutto, ``AGD1`` netto driftsutgifter, ``010``)
or a range of codes (``'100-285'``, the plain sum as reported); ``kontoklasse`` is drift or investering and
``scope`` kasse (0A/0C) or konsern (0M/0P). Names are checked when a rule loads (``AccountsNames.problem``);
the value is ``kostra.accounts.selection.unit_sums`` over the unit's submitted records (``AccountsQuery``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

__all__ = ["ARGUMENTS", "DEFAULTS", "AccountsNames", "AccountsQuery", "accounts_names"]

ARGUMENTS = ("function", "art", "kontoklasse", "scope")
DEFAULTS = {"kontoklasse": "drift", "scope": "kasse"}
# kostra.accounts (scipy, the definitions loader) is imported by the functions below, not with the rule
# language: only compiling or evaluating a call of accounts() needs it (not, e.g., the CLI's --help).
_RANGE = re.compile(r"^(\d{3})-(\d{3})$")
_SHOWN = 40  # names listed in a message before "…": the art hierarchy alone has over 300


@dataclass(frozen=True)
class AccountsNames:
    """The functions and arts ``accounts()`` may name in a year (``year`` is the definitions' own year)."""

    year: int
    functions: tuple[str, ...]
    arts: tuple[str, ...]
    files: dict[str, str]  # argument -> the definitions file its names come from

    def problem(self, argument: str, value: str) -> str | None:
        """Why ``value`` is not a valid ``argument`` of accounts() (None when it is)."""
        if argument in ("kontoklasse", "scope"):
            from kostra.accounts.selection import KONTOKLASSER, SCOPES

            valid = tuple(KONTOKLASSER if argument == "kontoklasse" else SCOPES)
            return None if value in valid else f"{argument} {value!r} is not one of {', '.join(valid)}"
        match = _RANGE.match(value)
        if match:
            low, high = match.groups()
            return None if low <= high else f"{argument} range {value!r} runs backwards; write '{high}-{low}'"
        names = self.functions if argument == "function" else self.arts
        if value in names:
            return None
        return (f"unknown {argument} {value!r} in the {self.year} accounts definitions ({self.files[argument]})."
                f"{_suggest(value, names)} Expected {_choices(names)} of that file, or a range of codes like "
                "'100-285'")


def _suggest(value: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
    if not close:
        return ""
    return f" Did you mean {' or '.join(close) if len(close) < 3 else f'{close[0]}, {close[1]} or {close[2]}'}?"


def _choices(names: tuple[str, ...]) -> str:
    groups = [n for n in names if not n.isdigit()]
    codes = [n for n in names if n.isdigit()]
    parts = []
    for kind, items in (("a group", groups), ("a code", codes)):
        if items:
            shown = ", ".join(items[:_SHOWN]) + (f", … ({len(items)} in all)" if len(items) > _SHOWN else "")
            parts.append(f"{kind} ({shown})")
    return " or ".join(parts)


@lru_cache(maxsize=16)
def accounts_names(year: int) -> AccountsNames:
    """The names of the accounts definitions ``year`` is aggregated with (its own or the nearest earlier).

    Raises KostraError (from the definitions' loader) when they cannot be read."""
    from kostra.accounts.selection import year_definitions_for

    found = year_definitions_for(year)
    functions, arts = found.definitions.funksjonshierarki, found.definitions.artshierarki
    office = tuple(found.manifest.office.arter)  # AGD9 brutto, AGD1 netto: listed first in messages
    return AccountsNames(found.year, _ordered(functions.codes()), _ordered(arts.codes(), office),
                         {"function": functions.name, "art": arts.name})


def _ordered(codes: list[str], first: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``first``, then the groups in natural order (FG2 before FGK10), then the codes."""
    def key(code: str) -> tuple[int, int, str, int, str]:
        match = re.fullmatch(r"([^\d]*)(\d*)(.*)", code)
        assert match is not None
        letters, number, rest = match.groups()
        rank = first.index(code) if code in first else len(first)
        return (rank, 1 if code.isdigit() else 0, letters, int(number) if number else -1, rest)
    return tuple(sorted(set(codes), key=key))


@dataclass(frozen=True)
class AccountsQuery:
    """One ``accounts(...)`` call: per unit, the engine's value over the unit's records of ``scope``."""

    year: int
    function: str | None
    art: str | None
    kontoklasse: str = DEFAULTS["kontoklasse"]
    scope: str = DEFAULTS["scope"]

    def values(self, accounts: pl.DataFrame) -> pl.DataFrame:
        """``unit``, ``value`` for the units with records of the scope (others are missing, not 0).

        ``accounts``: unit, kontoklasse as in the files, funksjon, art, belop as reported (1000 NOK)."""
        from kostra.accounts.selection import unit_sums

        return unit_sums(accounts, self.year, function=self.function, art=self.art, kontoklasse=self.kontoklasse,
                         scope=self.scope)
