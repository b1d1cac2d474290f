"""Family-counselling rules (familievern 52AF, 52BF, 53F, 55F), all WARNING, after SSB's ``Familievern5x*RuleId``.

The rules of each form live in their own module (``famvern_52a``, ``famvern_52b``, ``famvern_55``; 53F's few
rules are here); ``famvern_common`` has the shared building blocks. Every rule and each deliberate difference
from the official program is listed in ``docs/file-controls-famvern.md``.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kostra.controls.filecheck import famvern_52a, famvern_52b, famvern_55
from kostra.controls.filecheck.famvern_common import Keys, key_rules, number_or_zero, record_rule
from kostra.controls.filecheck.model import CheckArguments, FileRule

__all__ = ["CATEGORIES_53F", "rules_for"]

KEYS_53F = Keys("53F", office="KONTORNR", journal="KONTORNR")
# (field prefix, SSB's category label): each category has *_TILTAK and *_TIMER
CATEGORIES_53F = (
    ("TILTAK_PUBLIKUM", "Andre tiltak mot publikum"),
    ("VEILEDNING_STUDENTER", "Undervisning/veiledning studenter"),
    ("VEILEDNING_HJELPEAP", "Veiledning/konsultasjon for hjelpeapparatet"),
    ("INFO_MEDIA", "Informasjon i media"),
    ("TILSYN", "Tilsyn"),
    ("FORELDREVEIL", "Foreldreveiledning"),
    ("ANNET", "Annet"),
)


def _rules_53() -> list[FileRule]:
    """003–005, then 010 per category: measures reported (tiltak > 0) and, if so, their hours (timer > 0).

    SSB names these "Kontroll 010 : <category>, tiltak" / "…, timer", one rule name per category and kind.
    """
    rules = key_rules(KEYS_53F, "FYLKE_NR", by_fylke=True)
    for prefix, label in CATEGORIES_53F:
        tiltak, timer = f"{prefix}_TILTAK", f"{prefix}_TIMER"
        rules.append(record_rule(
            f"Kontroll 010 : {label}, tiltak", KEYS_53F,
            lambda _a, tiltak=tiltak: number_or_zero(tiltak) == 0,
            lambda _a, tiltak=tiltak, label=label: pl.format(
                f"Det er ikke fylt hvor mange tiltak ({{}}) kontoret har gjennomført når det gjelder '{label}, "
                f"tiltak'. Sjekk om det er glemt å rapportere '{label}'.", pl.col(tiltak))))
        rules.append(record_rule(
            f"Kontroll 010 : {label}, timer", KEYS_53F,
            lambda _a, tiltak=tiltak, timer=timer: (number_or_zero(tiltak) > 0) & (number_or_zero(timer) == 0),
            lambda _a, timer=timer, label=label: pl.format(
                f"Det er ikke fylt hvor mange timer '{{}}' kontoret har gjennomført når det gjelder '{label}, "
                f"timer'. Sjekk om det er glemt å rapportere '{label}, timer'.", pl.col(timer))))
    return rules


_BUILDERS: dict[str, Callable[[], list[FileRule]]] = {
    "52AF": famvern_52a.rules, "52BF": famvern_52b.rules, "53F": _rules_53, "55F": famvern_55.rules,
}


def rules_for(args: CheckArguments) -> list[FileRule]:
    """The family-counselling rules of ``args.form`` (all WARNING); empty for other forms."""
    builder = _BUILDERS.get(args.form)
    return builder() if builder else []
