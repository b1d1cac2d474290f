"""Content rules of the accounts (regnskap) file attachments: forms 0A–0Q, church 0F/0G, quarterly 0AK1–0DK4.

The engine parses the 48-character records into a frame and calls :func:`rules_for`; each rule is vectorised
over the whole frame. The rule sets per validator mirror SSB's control program (``specs/kostra-files.md`` §3.1):

- municipal/county annual forms: 13 common rules (003–015) + 18 shared KOSTRA rules + 21 specific (081–190);
- quarterly forms: common + shared KOSTRA rules + 081 + "010 Utgått funksjon";
- church forms 0F/0G: common + 025, 050, 095, 100–125, 140, 143, 200, 210, 215, 220.

Code lists are chosen by reporting year (``accounts_codes``). Records whose ``belop`` is "0" are ignored.
"""

from __future__ import annotations

import polars as pl

from kostra.controls.filecheck.accounts_codes import CHURCH_FORMS, KONTOKLASSER, lists_for
from kostra.controls.filecheck.accounts_frame import kept_records as _kept
from kostra.controls.filecheck.accounts_frame import prepare_records
from kostra.controls.filecheck.accounts_records import (
    church_record_rules,
    code_rules,
    combination_rules,
    identity_rules,
)
from kostra.controls.filecheck.accounts_sums import church_sum_rules, common_sum_rules, kommune_sum_rules
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry
from kostra.errors import UsageError

__all__ = ["ACCOUNTS_FORMS", "check_accounts", "kept_records", "prepare", "rules_for"]

ACCOUNTS_FORMS: frozenset[str] = frozenset(KONTOKLASSER)
_CHURCH_COMBINATIONS = ("Kontroll 025 ", "Kontroll 050 ")


def _common(quarterly: bool) -> list[FileRule]:
    identity = identity_rules()
    # "010 Utgått funksjon" exists only in the quarterly validator.
    codes = [r for r in code_rules() if quarterly or "Utgått" not in r.name]
    # Official order: 003–009, 010, 011, 012, 013, 014, 015.
    return identity[:-1] + codes[:-1] + identity[-1:] + codes[-1:]


def _shared_kostra() -> list[FileRule]:
    return combination_rules() + common_sum_rules()


def rules_for(args: CheckArguments) -> list[FileRule]:
    """The content rules for an accounts file of ``args.form`` in ``args.year`` (list order = report order)."""
    if args.form not in ACCOUNTS_FORMS:
        raise UsageError(f"unknown accounts form {args.form!r}: expected one of {', '.join(sorted(ACCOUNTS_FORMS))}")
    # Fail early (UnknownYear) before any rule runs. Which code list fails for a year does not depend on the
    # region or orgnrs, so only form and year are read: the rules are then built once per form and year
    # (registry.rules_of keys them on what was read), not once per municipality.
    lists_for(CheckArguments(form=args.form, year=args.year, region=""))
    rules = _common(quarterly=len(args.form) == 4)
    if args.form in CHURCH_FORMS:
        church = [r for r in combination_rules() if r.name.startswith(_CHURCH_COMBINATIONS)]
        sums = church_sum_rules()
        common = common_sum_rules()[:2]  # 100, 105
        return rules + church + sums[:2] + common + sums[2:] + church_record_rules()
    rules += _shared_kostra()
    if len(args.form) == 4:
        return rules
    return rules + kommune_sum_rules()


def prepare(records: pl.DataFrame, args: CheckArguments) -> pl.DataFrame:
    """The records the content rules see and count: those whose trimmed ``belop`` is not "0" (official).

    The frame carries the rules' derived columns too (``accounts_frame.prepared``), computed once here.
    """
    return prepare_records(records, args)


def kept_records(args: CheckArguments) -> pl.Expr:
    """Records whose trimmed ``belop`` is "0" are not controlled (official); the engine leaves them out
    before cutting the lines into fields, :func:`prepare` for frames given directly."""
    return _kept()


def check_accounts(frame: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
    """Run every accounts rule on ``frame`` (the engine's record frame) and collect the entries."""
    entries: list[ReportEntry] = []
    for rule in rules_for(args):
        entries.extend(rule.check(frame, args))
    return entries
