"""Content rules and statistics of file 11F, økonomisk sosialhjelp (one record per recipient).

Rules 03–13 come from :mod:`sosial_common`; 14–43 are specific to 11F. Names follow SSB's
``SosialhjelpRuleId.kt`` in the form "Kontroll NN : <title>"; differences (rule 30's threshold in its
title, 20_B as WARNING, ...) are listed in ``docs/file-controls-sosial.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments, FileRule, Severity
from kostra.controls.filecheck.sosial_common import (
    RuleContext,
    code_rule,
    common_rules,
    int_of,
    person_statistics,
    quoted,
    record_rule,
    text_of,
)
from kostra.controls.filecheck.statistics import StatisticsQuery
from kostra.intake.identifiers import duf_valid_expr
from kostra.intake.layouts import load_layout

__all__ = ["MONTHS", "VILKAR_CODES", "rules_for", "statistics", "statistics_query"]

MONTHS = ("JAN", "FEB", "MARS", "APRIL", "MAI", "JUNI", "JULI", "AUG", "SEPT", "OKT", "NOV", "DES")
MAX_TOTAL = 1_000_000
MIN_TOTAL = 200
# Each condition flag holds its own fixed code when set (layout codeList).
VILKAR_CODES = {
    "VILKARARBEID": "16", "VILKARKURS": "17", "VILKARUTD": "04", "VILKARJOBBLOG": "06", "VILKARJOBBTILB": "07",
    "VILKARSAMT": "08", "VILKAROKRETT": "10", "VILKARLIVSH": "18", "VILKARHELSE": "14", "VILKARANNET": "15",
    "VILKARDIGPLAN": "19", "VILKARNORSKSAMISKOPPL": "20",
}
VKLO_TITLE = "Viktigste kilde til livsopphold i relasjon til arbeidssituasjon"
# (rule id, VKLO code, VKLO label, valid ARBSIT codes, severity)
VKLO_ARBSIT = (
    ("15", "1", "Arbeidsinntekt", ("01", "02"), Severity.ERROR),
    ("16", "2", "Kursstønad/lønn i arbeidsmarkedstiltak", ("03", "05", "06"), Severity.ERROR),
    ("17", "4", "Stipend/lån", ("03",), Severity.ERROR),
    ("18", "6", "Introduksjonsstøtte", ("09",), Severity.ERROR),
    ("19", "8", "Kvalifiseringsstønad", ("10",), Severity.ERROR),
    ("21", "5", "Sosialhjelp", ("02", "04", "05", "06", "07", "08"), Severity.WARNING),
)


def total() -> pl.Expr:
    """BIDRAG + LAAN, blanks counting as 0."""
    return int_of("BIDRAG").fill_null(0) + int_of("LAAN").fill_null(0)


def _vklo_rule(rule_id: str, vklo: str, label: str, codes: Sequence[str], severity: Severity) -> FileRule:
    return record_rule(
        f"Kontroll {rule_id} : {VKLO_TITLE}. {label}", severity,
        lambda _c: (text_of("VKLO") == vklo) & ~pl.col("ARBSIT").is_in(list(codes)),
        lambda _c: pl.format("VKLO is {} ({}) but ARBSIT is {}; expected one of {}", pl.lit(vklo), pl.lit(label),
                             quoted("ARBSIT"), pl.lit(", ".join(codes))),
    )


def _message_24b(c: RuleContext) -> pl.Expr:
    """SSB's text with both codes and their labels ("11=Arbeidsavklaringspenger"); 2022's layout has no labels."""
    layout = load_layout("11F", c.args.year)

    def label(field: str, code: str) -> str:
        found = [item.value for item in layout.field(field).code_list if item.code == code]
        return f"{code}={found[0]}" if found else code

    return pl.lit(f"Mottakeren mottar trygd ({label('TRYGDESIT', '11')}), men det er oppgitt ugyldig kode "
                  f"({label('ARBSIT', '08')}) på arbeidssituasjon.")


def _living_rules() -> list[FileRule]:
    return [
        code_rule("Kontroll 14 : Viktigste kilde til livsopphold. Gyldige verdier", "VKLO",
                  tuple(str(n) for n in range(1, 10)), "main source of income"),
        *(_vklo_rule(*row) for row in VKLO_ARBSIT),
        record_rule(f"Kontroll 20_B : {VKLO_TITLE}. Trygd/pensjon", Severity.WARNING,
                    lambda _c: (text_of("VKLO") == "3") & (pl.col("TRYGDESIT") == "12"),
                    lambda _c: pl.lit("VKLO is 3 (Trygd/pensjon) but TRYGDESIT is '12' (har ingen trygd/pensjon)")),
        code_rule("Kontroll 22 : Tilknytning til trygdesystemet. Gyldige koder", "TRYGDESIT",
                  ("01", "02", "04", "05", "06", "07", "09", "10", "11", "12", "13"), "social security"),
        record_rule("Kontroll 23A : Tilknytning til trygdesystemet og alder. Alderspensjon under 62 år",
                    Severity.ERROR, lambda c: (pl.col("TRYGDESIT") == "07") & (c.age() < 62),
                    lambda c: pl.format("TRYGDESIT is '07' (alderspensjon) but the age is {}; expected 62 or older",
                                        c.age())),
        record_rule("Kontroll 23B : Tilknytning til trygdesystemet og barn. Overgangsstønad", Severity.ERROR,
                    lambda _c: (pl.col("TRYGDESIT") == "05")
                    & ~((text_of("BU18") == "1") & (int_of("ANTBU18").fill_null(0) > 0)),
                    lambda _c: pl.format("TRYGDESIT is '05' (overgangsstønad) but BU18 is {} and ANTBU18 {}; "
                                         "expected children under 18", quoted("BU18"), quoted("ANTBU18"))),
        record_rule("Kontroll 23C : Tilknytning til trygdesystemet og barn. Barnetrygd", Severity.ERROR,
                    lambda _c: (pl.col("TRYGDESIT") == "13")
                    & ~((text_of("BU18") == "1") & (int_of("ANTBU18").fill_null(0) > 0)),
                    lambda _c: pl.format("Mottakeren mottar barnetrygd, men det er ikke oppgitt barn under 18 år i "
                                         "husholdningen (BU18 {}, ANTBU18 {}).", quoted("BU18"), quoted("ANTBU18"))),
        record_rule("Kontroll 24 : Tilknytning til trygdesystemet og arbeidssituasjon. Uføretrygd/alderspensjon",
                    Severity.WARNING,
                    lambda _c: pl.col("TRYGDESIT").is_in(["04", "07"])
                    & ~pl.col("ARBSIT").is_in(["02", "03", "04", "05", "06", "07"]),
                    lambda _c: pl.format("TRYGDESIT {} (uføretrygd/alderspensjon) with ARBSIT {}; expected one of "
                                         "02–07", quoted("TRYGDESIT"), quoted("ARBSIT"))),
        record_rule("Kontroll 24B : Tilknytning til trygdesystemet og arbeidssituasjon. Arbeidsavklaringspenger",
                    Severity.ERROR,
                    lambda _c: (text_of("VKLO") == "3") & (pl.col("TRYGDESIT") == "11") & (pl.col("ARBSIT") == "08"),
                    _message_24b),
        code_rule("Kontroll 25 : Arbeidssituasjon. Gyldige koder", "ARBSIT",
                  tuple(f"{n:02d}" for n in range(1, 11)), "work situation"),
    ]


def _month_flags() -> pl.Expr:
    return pl.sum_horizontal([(pl.col(f"STMND_{m}") == f"{m:02d}").cast(pl.Int32) for m in range(1, 13)])


def _bad_month_codes() -> pl.Expr:
    return pl.any_horizontal([~text_of(f"STMND_{m}").is_in(["", f"{m:02d}"]) for m in range(1, 13)])


def _month_sum(kind: str) -> pl.Expr:
    return pl.sum_horizontal([int_of(f"{kind}_{month}").fill_null(0) for month in MONTHS])


def _sum_rule(rule_id: str, kind: str, label: str) -> FileRule:
    return record_rule(
        f"Kontroll {rule_id} : {label} fordelt på måneder", Severity.WARNING,
        lambda _c: _month_sum(kind) != int_of(kind).fill_null(0),
        lambda _c: pl.format("sum of monthly {}_JAN..{}_DES is {}, but {} is {}; expected equal", pl.lit(kind),
                             pl.lit(kind), _month_sum(kind), pl.lit(kind), int_of(kind).fill_null(0)),
    )


def _amount_rules() -> list[FileRule]:
    amounts_unreadable = pl.any_horizontal([(text_of(c) != "") & int_of(c).is_null() for c in ("BIDRAG", "LAAN")])
    return [
        record_rule("Kontroll 26 : Stønadsmåneder. Gyldige koder", Severity.ERROR,
                    lambda _c: (_month_flags() == 0) | _bad_month_codes(),
                    lambda _c: pl.lit("STMND_1..STMND_12: expected at least one month, each blank or its own month "
                                      "number ('01' in STMND_1 … '12' in STMND_12)")),
        record_rule("Kontroll 27 : Stønadssum mangler eller har ugyldige tegn", Severity.ERROR,
                    lambda _c: amounts_unreadable | (total() <= 0),
                    lambda _c: pl.format("BIDRAG {} and LAAN {}: expected whole kroner with a sum above 0",
                                         quoted("BIDRAG"), quoted("LAAN"))),
        record_rule("Kontroll 30 : Stønadssum over kr 1 000 000", Severity.WARNING,
                    lambda _c: total() > MAX_TOTAL,
                    lambda _c: pl.format("BIDRAG + LAAN is {} kr, more than {} kr; check the amounts", total(),
                                         pl.lit(MAX_TOTAL))),
        record_rule("Kontroll 31 : Stønadssum på kr 200,- eller lavere", Severity.WARNING,
                    lambda _c: (total() > 0) & (total() <= MIN_TOTAL),
                    lambda _c: pl.format("BIDRAG + LAAN is {} kr, {} kr or less; check the amounts", total(),
                                         pl.lit(MIN_TOTAL))),
        _sum_rule("36", "BIDRAG", "Bidrag"),
        _sum_rule("37", "LAAN", "Lån"),
    ]


def _vilkar_rules() -> list[FileRule]:
    def any_condition(c: RuleContext) -> pl.Expr:
        present = [name for name in VILKAR_CODES if name in c.columns]
        return pl.any_horizontal([pl.col(name) == VILKAR_CODES[name] for name in present])

    conditions = text_of("VILKARSOSLOV") == "1"
    return [
        code_rule("Kontroll 32 : Økonomisk rådgivning. Gyldige koder", "GITT_OKONOMIRAD", ("1", "2"), "advice"),
        code_rule("Kontroll 33 : Utarbeidelse av individuell plan. Gyldige koder", "FAAT_INDIVIDUELL_PLAN",
                  ("1", "2"), "individual plan"),
        code_rule("Kontroll 35 : Boligsituasjon. Gyldige koder", "BOSIT", tuple("123456"), "housing"),
        record_rule("Kontroll 38 : DUF-nummer", Severity.WARNING,
                    lambda _c: (text_of("PERSON_FODSELSNR") == "") & ~duf_valid_expr(pl.col("PERSON_DUF")),
                    lambda _c: pl.format("PERSON_FODSELSNR is blank and PERSON_DUF {} is not a valid DUF number "
                                         "(12 digits with check digits)", quoted("PERSON_DUF"))),
        code_rule("Kontroll 39 : Første vilkår i året, vilkår", "VILKARSOSLOV", ("1", "2"), "conditions"),
        code_rule("Kontroll 40 : Første vilkår i året, vilkår til søkerens samboer/ektefelle", "VILKARSAMEKT",
                  ("1", "2"), "conditions for spouse"),
        record_rule("Kontroll 41 : Dato for utbetalingsvedtak", Severity.ERROR,
                    lambda c: conditions & c.date("UTBETDATO").is_null(),
                    lambda _c: pl.format("VILKARSOSLOV is 1 but UTBETDATO {} is not a valid date",
                                         quoted("UTBETDATO"))),
        record_rule("Kontroll 42 : Til og med dato for utbetalingsvedtak", Severity.ERROR,
                    lambda c: conditions & c.date("UTBETTOMDATO").is_null(),
                    lambda _c: pl.format("VILKARSOSLOV is 1 but UTBETTOMDATO {} is not a valid date",
                                         quoted("UTBETTOMDATO"))),
        record_rule("Kontroll 43 : Type vilkår det stilles til mottakeren", Severity.ERROR,
                    lambda c: conditions & ~any_condition(c),
                    lambda _c: pl.lit("VILKARSOSLOV is 1 but no type of condition (VILKARARBEID … VILKARANNET) is "
                                      "set; expected at least one")),
    ]


def rules_for(args: CheckArguments) -> list[FileRule]:
    """All content rules of 11F for these arguments (generic 000–002 are the engine's)."""
    return [
        *common_rules(Severity.WARNING, 96, "Kontroll 07 : Alder 96 år eller over", inclusive=True),
        *_living_rules(),
        *_amount_rules(),
        *_vilkar_rules(),
    ]


def statistics(records: pl.DataFrame, args: CheckArguments) -> list[dict[str, object]]:
    """Statistics section of an 11F report: age bands, amounts, recipients per month, households."""
    return statistics_query(args, frozenset(records.columns)).run(records)


def statistics_query(args: CheckArguments, columns: frozenset[str]) -> StatisticsQuery:
    """:func:`statistics` as one query (``engine.check_files`` runs it for many files together)."""
    return _statistics_query(args, columns)


def _build_statistics_query(args: CheckArguments, columns: frozenset[str]) -> StatisticsQuery:
    return person_statistics(args, columns, [("sum BIDRAG (kr)", int_of("BIDRAG").fill_null(0).sum()),
                                             ("sum LAAN (kr)", int_of("LAAN").fill_null(0).sum())])


_statistics_query = by_arguments_read(_build_statistics_query, size=16)
