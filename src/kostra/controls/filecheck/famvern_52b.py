"""52BF gruppeskjema (one record per group): rules 003–021 after SSB's ``Familievern52bRuleId``, all WARNING."""

from __future__ import annotations

import polars as pl

from kostra.controls.filecheck.famvern_common import (
    Keys,
    code_rule,
    date_of,
    duplicates_rule,
    key_rules,
    positive_rule,
    record_rule,
    text_of,
)
from kostra.controls.filecheck.model import FileRule

__all__ = ["rules"]

KEYS = Keys("52BF", office="KONTOR_NR_B", journal="GRUPPE_NR_B")
# (rule, title, field, message): counts that must be above 0
COUNTS = (
    ("011", "Antall gruppemøter gjennomført totalt i løpet av året", "ANTMOTERTOT_IARET_B",
     "Det er ikke fylt ut hvor mange gruppemøter det er gjennomført i alt i løpet av rapporteringsåret."),
    ("012", "Antall gruppemøter gjennomført siden opprettelsen", "ANTMOTERTOT_OPPR_B",
     "Det er ikke fylt ut hvor mange gruppemøter det er gjennomført i alt siden gruppen ble opprettet."),
    ("013", "Antall timer anvendt i gruppen totalt i løpet av året", "TIMERTOT_IARET_B",
     "Det er ikke fylt ut hvor mange timer som er anvendt for gruppen i løpet av året. (For og etterarbeid skal "
     "ikke regnes med)."),
    ("014", "Antall timer anvendt i gruppen totalt siden opprettelsen", "TIMERTOT_OPPR_B",
     "Det er ikke fylt ut hvor mange timer som er anvendt for gruppen siden opprettelsen."),
    ("015", "Antall deltagere i gruppen i løpet av året", "ANTDELT_IARET_B",
     "Det er ikke fylt ut hvor mange som har deltatt i gruppen i løpet av året. Terapeuter holdes utenom."),
    ("016", "Antall deltagere i gruppen siden opprettelsen", "ANTDELT_OPPR_B",
     "Det er ikke fylt ut hvor mange som har deltatt i gruppen siden opprettelsen. Terapeuter holdes utenom."),
    ("017", "Antall terapeuter involvert i gruppebehandlingen", "ANTTER_GRUPPEB_B",
     "Det er ikke oppgitt hvor mange hovedterapeut eller andre ansatte som har deltatt i gruppen."),
)


def _group_rules() -> list[FileRule]:
    return [
        *key_rules(KEYS, "REGION_NR_B", by_fylke=False),
        duplicates_rule(KEYS, "Kontroll 006 : Dubletter", "kontornummer og gruppenummer"),
        record_rule("Kontroll 007 : Gruppenavn", KEYS, lambda _a: text_of("GRUPPE_NAVN_B") == "",
                    lambda _a: pl.lit("Det er ikke oppgitt navn på gruppen. Tekstfeltet skal ha maksimalt 30 "
                                      "posisjoner.")),
        record_rule("Kontroll 008 : Start dato", KEYS, lambda _a: date_of("DATO_GRSTART_B").is_null(),
                    lambda _a: pl.format("Det er ikke oppgitt dato for gruppebehandlingens start på formatet "
                                         "DDMMÅÅÅÅ. Fant '{}'.", pl.col("DATO_GRSTART_B"))),
        code_rule("Kontroll 009 : Målgruppe", KEYS, "STRUKTUR_GR_B",
                  "Det er ikke fylt ut hva som er målgruppe for behandlingen.", mandatory=False),
        # SSB's 010 repeats 009's text; ours names the main theme
        code_rule("Kontroll 010 : Gruppens hovedtema", KEYS, "HOVEDI_GR_B",
                  "Det er ikke fylt ut hva som er gruppens hovedtema.", mandatory=False),
    ]


def _closing_rules() -> list[FileRule]:
    start, end = date_of("DATO_GRSTART_B"), date_of("DATO_GRAVSLUTN_B")
    both_filled = (text_of("DATO_GRSTART_B") != "") & (text_of("DATO_GRAVSLUTN_B") != "")
    return [
        code_rule("Kontroll 018 : Er det benyttet tolk i minst én gruppesamtale?", KEYS, "TOLK_B",
                  "Kontroller at feltet er utfylt.", mandatory=False),
        code_rule("Kontroll 019 : Status ved året slutt", KEYS, "STATUS_ARETSSL_B",
                  "Det er ikke fylt ut hva som er gruppens status ved utgangen av året.", mandatory=False),
        record_rule("Kontroll 020 : Gruppebehandlingen er avsluttet, men avslutningsdato mangler", KEYS,
                    lambda _a: (text_of("STATUS_ARETSSL_B") == "2") & end.is_null(),
                    lambda _a: pl.format("Det er krysset av for at gruppebehandlingen er avsluttet i "
                                         "rapporteringsåret, men ikke fylt ut dato '{}' for avslutning av saken.",
                                         pl.col("DATO_GRAVSLUTN_B"))),
        # both filled in: an invalid date or an end before the start (same day is fine), as SSB's 021
        record_rule("Kontroll 021 : Avslutningsdato før første samtale", KEYS,
                    lambda _a: both_filled & (start.is_null() | end.is_null() | (end < start)),
                    lambda _a: pl.format("Dato for avslutting av gruppebehandlingen '{}' kommer før dato for "
                                         "gruppebehandlingens start '{}'.", pl.col("DATO_GRAVSLUTN_B"),
                                         pl.col("DATO_GRSTART_B"))),
    ]


def rules() -> list[FileRule]:
    """All 52BF content rules, in the official order."""
    counts = [positive_rule(f"Kontroll {rule} : {title}", KEYS, (field,), text) for rule, title, field, text in COUNTS]
    return [*_group_rules(), *counts, *_closing_rules()]
