"""Which rule module controls which form, imported lazily.

Each rule module exposes ``rules_for(args) -> list[FileRule]`` and may expose
``statistics(records, args) -> list[dict]`` (appended to the report when nothing blocks submission) and
``prepare(records, args) -> pl.DataFrame`` (records the content rules see and count, e.g. accounts drop
records whose amount is 0) with ``kept_records(args) -> pl.Expr`` (those records, as a condition on the
raw fields, which the engine applies to the lines before cutting them into fields).
A module that is not installed yet means: generic rules only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments, FileRule
from kostra.intake.layouts import ACCOUNTS_FORMS, FAMVERN_FORMS

__all__ = ["FormFamily", "family_of", "load_rule_module", "rules_of"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FormFamily:
    """How a form is controlled: its rule module and whether the generic Kontroll 002 runs."""

    module: str
    runs_rule_002: bool


_ACCOUNTS = FormFamily("kostra.controls.filecheck.accounts", runs_rule_002=False)
_FAMILIES: dict[str, FormFamily] = {
    # The official program does not run 002 on accounts: 003–014 check each field under their own names.
    **{form: _ACCOUNTS for form in ACCOUNTS_FORMS},
    "11F": FormFamily("kostra.controls.filecheck.sosialhjelp", runs_rule_002=True),
    # Nor on 11CF, whose own rules (08–37) check the fields; we keep that to stay comparable.
    "11CF": FormFamily("kostra.controls.filecheck.kvalifisering", runs_rule_002=False),
    **{form: FormFamily("kostra.controls.filecheck.famvern", runs_rule_002=True) for form in FAMVERN_FORMS},
}


def family_of(form: str) -> FormFamily | None:
    """The family of ``form``, or None for a form without fixed-width controls."""
    return _FAMILIES.get(form)


def load_rule_module(form: str) -> ModuleType | None:
    """The rule module of ``form``; None when the form is unknown or its module does not exist (yet)."""
    family = _FAMILIES.get(form)
    if family is None:
        return None
    try:
        return import_module(family.module)
    except ModuleNotFoundError as error:
        if error.name != family.module:
            raise
        log.info("rule module %s not installed: only generic rules run for %s", family.module, form)
        return None


def rules_of(module_name: str, args: CheckArguments) -> tuple[FileRule, ...]:
    """``rules_for(args)`` of the rule module, kept for later files whose arguments agree on what it read.

    Rules are immutable, and building them (with their expressions) costs more than running them on a small
    file; the demo and the portal check many files of one form and year for different regions.
    """
    return _rules_of(args, module_name)


def _build_rules(args: CheckArguments, module_name: str) -> tuple[FileRule, ...]:
    return tuple(import_module(module_name).rules_for(args))


_rules_of = by_arguments_read(_build_rules)
