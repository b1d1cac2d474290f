"""52AF familievernsaker (one record per case): rules 003–038 after SSB's ``Familievern52aRuleId``, all WARNING.

Messages follow the official texts. Deliberate differences (021 on the same day, 038's name) are listed in
``docs/file-controls-famvern.md``.
"""

from __future__ import annotations

import polars as pl

from kostra.controls.filecheck.famvern_common import (
    Keys,
    any_code_rule,
    code_rule,
    date_of,
    duplicates_rule,
    flag,
    int_of,
    key_rules,
    number_or_zero,
    positive_rule,
    record_rule,
    text_of,
)
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity

__all__ = ["rules"]

KEYS = Keys("52AF", office="KONTOR_NR_A", journal="JOURNAL_NR_A")
# (DELT_x_A, SAMT_x_A): who took part, and in how many sessions
DELT_SAMT = (("PARTNER", "PARTNER"), ("EKSPART", "EKSPART"), ("BARNU18", "BARNU18"), ("BARNO18", "BARNO18"),
             ("FORELDRE", "FORELDRE"), ("OVRFAM", "OVRFAM"), ("VENN", "VENN"), ("ANDR", "ANDRE"))
TEMA = tuple(f"TEMA_{t}_A" for t in ("PARREL", "AVKLAR", "SAMLBRUDD", "SAMSPILL", "BARNSIT", "BARNFOR", "BOSTED",
                                     "FORELDRE", "FORBARN", "FLERGEN", "SAMBARN", "SÆRBARN", "KULTUR", "TVANG", "RUS",
                                     "SYKD", "VOLD", "ALVH"))
SAMT = tuple(f"SAMT_{p}_A" for p in ("PRIMK", "PARTNER", "EKSPART", "BARNU18", "BARNO18", "FORELDRE", "OVRFAM",
                                     "VENN", "ANDRE"))
SAMARB = tuple(f"SAMARB_{s}_A" for s in ("INGEN", "LEGE", "HELSE", "PSYKH", "JURIST", "KRISES", "SKOLE", "SOS",
                                         "KOMMB", "STATB", "ANDRE"))
CLOSED = ["1", "2"]


def _filled(name: str) -> pl.Expr:
    return text_of(name) != ""


def _date_pair_rule(name: str, earlier: str, later: str, same_day_ok: bool, message: str) -> FileRule:
    """Both dates filled in: fails when one is not a valid date or ``later`` comes before ``earlier``.

    A blank date is left to 007/020/035, as in SSB's current rules; an invalid one is reported here too
    (that is why the official 021 and 036 fire twice on the shared sample ``52AF.dat``).
    """
    first, second = date_of(earlier), date_of(later)
    wrong_order = (second < first) if same_day_ok else (second <= first)
    mask = _filled(earlier) & _filled(later) & (first.is_null() | second.is_null() | wrong_order)
    return record_rule(name, KEYS, lambda _a: mask,
                       lambda _a: pl.format(message, pl.col(later), pl.col(earlier)))


def _identity_rules() -> list[FileRule]:
    born = int_of("PRIMK_FODT_A")
    return [
        *key_rules(KEYS, "REGION_NR_A", by_fylke=False),
        duplicates_rule(KEYS, "Kontroll 006 : Dubletter", "kontornummer og journalnummer"),
        record_rule("Kontroll 007 : Henvendelsesdato", KEYS, lambda _a: date_of("HENV_DATO_A").is_null(),
                    lambda _a: pl.format("Dette er ikke oppgitt dato ({}) for når primærklienten henvendte seg til "
                                         "familievernkontoret eller feltet har ugyldig format (DDMMÅÅÅÅ). Feltet er "
                                         "obligatorisk å fylle ut.", pl.col("HENV_DATO_A"))),
        code_rule("Kontroll 009 : Primærklient hatt kontakt med eller vært klient tidligere", KEYS, "KONTAKT_TIDL_A",
                  "Det er ikke fylt ut om primærklienten har vært i kontakt med/klient ved familievernet tidligere, "
                  "eller feil kode er benyttet."),
        code_rule("Kontroll 011 : Primærklientens viktigste begrunnelse for å ta kontakt", KEYS, "HENV_GRUNN_A",
                  "Dette er ikke oppgitt hva som er primærklientens viktigste ønsker med kontakten, eller feltet har "
                  "ugyldig format."),
        code_rule("Kontroll 013 : Primærklientens kjønn", KEYS, "PRIMK_KJONN_A",
                  "Primærklientens kjønn er ikke fylt ut eller feil kode er benyttet."),
        record_rule("Kontroll 014 : Primærklientens fødselsår", KEYS,
                    lambda a: born.is_null() | (born < a.year - 100) | (born > a.year),
                    lambda _a: pl.format("Primærklientens fødselsår '{}' mangler eller er ugyldig; forventet et "
                                         "årstall de siste 100 år.", pl.col("PRIMK_FODT_A"))),
    ]


def _client_rules() -> list[FileRule]:
    relation = text_of("PRIMK_VSRELASJ_A")
    return [
        code_rule("Kontroll 015 : Primærklientens samlivsstatus", KEYS, "PRIMK_SIVILS_A",
                  "Primærklientens samlivsstatus ved sakens opprettelse er ikke fylt ut eller feil kode er benyttet."),
        code_rule("Kontroll 016 : Utdypende om primærklientens formelle sivilstand", KEYS, "FORMELL_SIVILS_A",
                  "Det er oppgitt at primærklientens samlivsstatus er Samboer eller at primærklient ikke lever i "
                  "samliv, men det er ikke fylt ut hva som er primærklientens korrekt sivilstand.",
                  only_when=text_of("PRIMK_SIVILS_A").is_in(["3", "4"]), mandatory=False),
        code_rule("Kontroll 017 : Primærklientens bosituasjon ved opprettelsen", KEYS, "PRIMK_SAMBO_A",
                  "Det er ikke fylt ut om primærklienten bor sammen med andre ved sakens opprettelse eller feil kode "
                  "er benyttet."),
        code_rule("Kontroll 018 : Primærklientens tilknytning til utdanning og arbeidsliv", KEYS, "PRIMK_ARBSIT_A",
                  "Det er ikke krysset av for primærklientens tilknytning til arbeidslivet ved sakens opprettelse "
                  "eller feil kode er benyttet."),
        code_rule("Kontroll 019 A : Varighet på relasjon mellom primærklient og viktigste samtalepartner, partnere",
                  KEYS, "PART_LENGDE_A",
                  "Det er oppgitt at primærklientens relasjon til viktigste deltager er partner, men det er ikke "
                  "oppgitt hvor lenge partene har vært gift, samboere eller registrerte partnere.",
                  only_when=relation == "1", mandatory=False),
        code_rule("Kontroll 019 B1 : Tid siden brudd for primærklient og viktigste samtalepartner, ekspartnere, "
                  "lengde", KEYS, "EKSPART_LENGDE_A",
                  "Det er oppgitt at primærklientens relasjon til viktigste deltager er ekspartner, men det er ikke "
                  "oppgitt tid siden brudd.", only_when=relation == "2", mandatory=False),
        code_rule("Kontroll 019 B2 : Varighet på relasjon mellom primærklient og viktigste samtalepartner, "
                  "ekspartnere, varighet", KEYS, "EKSPART_VARIGH_A",
                  "Det er oppgitt at primærklientens relasjon til viktigste deltager er ekspartner, men det er ikke "
                  "oppgitt hvor lenge partene var gift, samboere eller registrerte partnere.",
                  only_when=relation == "2", mandatory=False),
    ]


def _treatment_rules() -> list[FileRule]:
    return [
        record_rule("Kontroll 020 : Dato for første behandlingssamtale", KEYS,
                    lambda _a: date_of("FORSTE_SAMT_A").is_null(),
                    lambda _a: pl.format("Det er ikke oppgitt dato for første behandlingssamtale eller feltet har "
                                         "ugyldig format. Fant '{}'. Feltet er obligatorisk å fylle ut.",
                                         pl.col("FORSTE_SAMT_A"))),
        _date_pair_rule("Kontroll 021 : Første behandlingssamtale er før henvendelsesdato", "HENV_DATO_A",
                        "FORSTE_SAMT_A", same_day_ok=True,
                        message="Dato for første behandlingssamtale '{}' er før dato for primærklientens "
                                "henvendelse '{}' til familievernkontoret."),
        any_code_rule("Kontroll 022 : Områder det har vært arbeidet med i saken", KEYS, TEMA,
                      "Det er ikke fylt ut hvilke områder det har vært arbeidet med siden saken ble opprettet. "
                      "Feltet er obligatorisk å fylle ut, og kan inneholde mer enn ett område."),
        code_rule("Kontroll 023 : Hovedform på behandlingstilbudet", KEYS, "HOVEDF_BEHAND_A",
                  "Det er ikke krysset av for hva som har vært hovedformen på behandlingstilbudet siden saken ble "
                  "opprettet, eller feil kode er benyttet."),
        positive_rule("Kontroll 025 : Behandlingssamtaler for de involverte i saken i løpet av året", KEYS, SAMT,
                      "Det er ikke fylt ut hvor mange behandlingssamtaler de ulike deltakerne i saken har deltatt i "
                      "gjennom året. Feltet er obligatorisk å fylle ut, og kan inneholde mer enn ett område."),
        rule_026(),
        positive_rule("Kontroll 027 : Antall behandlingssamtaler for ansatte ved kontoret i løpet av året", KEYS,
                      ("ANTSAMT_HOVEDT_A", "ANTSAMT_ANDREANS_A"),
                      "Det er ikke oppgitt hvor mange behandlingssamtaler hovedterapeut eller andre ansatte har "
                      "deltatt i gjennom året. Feltet er obligatorisk å fylle ut."),
        positive_rule("Kontroll 028 : Antall behandlingssamtaler i løpet av året", KEYS, ("ANTSAMT_IARET_A",),
                      "Det er ikke fylt ut hvor mange behandlingssamtaler det er gjennomført i saken i løpet av "
                      "rapporteringsåret. Feltet er obligatorisk å fylle ut."),
        positive_rule("Kontroll 029 : Antall behandlingssamtaler siden opprettelsen", KEYS, ("ANTSAMT_OPPR_A",),
                      "Det er ikke fylt ut hvor mange behandlingssamtaler det er gjennomført siden saken ble "
                      "opprettet. Feltet er obligatorisk å fylle ut."),
        record_rule("Kontroll 030 : Totalt antall timer i løpet av året", KEYS,
                    lambda _a: number_or_zero("TIMER_IARET_A") <= 0,
                    lambda _a: pl.format("Totalt antall timer i løpet av året er '{}', forventet mer enn 0.",
                                         pl.col("TIMER_IARET_A"))),
        positive_rule("Kontroll 031 : Totalt antall timer siden saken ble opprettet", KEYS, ("TIMER_OPPR_A",),
                      "Det er ikke fylt ut hvor mange timer hovedterapeut eller andre ved kontoret har anvendt siden "
                      "saken ble opprettet (for og etterarbeid skal ikke regnes med). Feltet er obligatorisk å fylle "
                      "ut."),
        any_code_rule("Kontroll 032 : Samarbeid med andre instanser siden opprettelsen", KEYS, SAMARB,
                      "Det er ikke krysset av for om det har vært samarbeid med andre instanser siden saken ble "
                      "opprettet. Feltet er obligatorisk å fylle ut."),
    ]


def _closing_rules() -> list[FileRule]:
    closed = text_of("STATUS_ARETSSL_A").is_in(CLOSED)
    henv, forste = date_of("HENV_DATO_A"), date_of("FORSTE_SAMT_A")
    return [
        code_rule("Kontroll 033 : Status ved året slutt", KEYS, "STATUS_ARETSSL_A",
                  "Det er ikke fylt ut hva som er sakens status ved utgangen av året."),
        code_rule("Kontroll 034 : Sakens hovedtema (Fylles ut når saken avsluttes)", KEYS, "HOVEDTEMA_A",
                  "Det er krysset av for at saken er avsluttet i rapporteringsåret, men ikke fylt ut hovedtema for "
                  "saken, eller feltet har ugyldig format.", only_when=closed, mandatory=False),
        record_rule("Kontroll 035 : Saken avsluttet, men ikke satt avslutningsdato", KEYS,
                    lambda _a: closed & date_of("DATO_AVSL_A").is_null(),
                    lambda _a: pl.format("Det er krysset av for at saken er avsluttet i rapporteringsåret, men ikke "
                                         "fylt ut dato '{}' for avslutning av saken.", pl.col("DATO_AVSL_A"))),
        _date_pair_rule("Kontroll 036 : Avslutningsdato før første samtale", "FORSTE_SAMT_A", "DATO_AVSL_A",
                        same_day_ok=True,
                        message="Dato for avslutting av saken '{}' kommer før dato for første behandlingssamtale "
                                "'{}'."),
        code_rule("Kontroll 037 : Bekymringsmelding sendt barnevernet", KEYS, "BEKYMR_MELD_A",
                  "Det er ikke svart på hvorvidt bekymringsmelding er sendt barnevernet eller ei, eller feil kode er "
                  "benyttet."),
        record_rule("Kontroll 038 : Mer enn ett år fra henvendelse til første behandlingssamtale", KEYS,
                    # calendar year, as SSB's ``plusYears(1).isBefore``: 29 February + 1 year is 28 February
                    lambda _a: forste > henv.dt.offset_by("1y"),
                    lambda _a: pl.format("Dato for primærklientens henvendelse '{}' til familievernkontoret er mer "
                                         "enn 1 år før første behandlingssamtale '{}'.", pl.col("HENV_DATO_A"),
                                         pl.col("FORSTE_SAMT_A"))),
    ]


def rule_026() -> FileRule:
    """DELT_x = 1 (took part) requires SAMT_x > 0, for each of the eight participant groups."""
    name = "Kontroll 026 : Relasjon mellom antall behandlingssamtaler og hvem som har deltatt"

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        entries: list[ReportEntry] = []
        for delt, samt in DELT_SAMT:
            mask = (pl.col(f"DELT_{delt}_A") == "1") & (number_or_zero(f"SAMT_{samt}_A") <= 0)
            message = pl.format(f"DELT_{delt}_A er 1 (har deltatt), men SAMT_{samt}_A er '{{}}'; forventet "
                                "antall samtaler større enn 0.", pl.col(f"SAMT_{samt}_A"))
            entries.extend(flag(records, mask, name, message, KEYS))
        return sorted(entries, key=lambda entry: entry.line_numbers)

    return FileRule(name=name, severity=Severity.WARNING, check=check)


def rules() -> list[FileRule]:
    """All 52AF content rules, in the official order."""
    return [*_identity_rules(), *_client_rules(), *_treatment_rules(), *_closing_rules()]
