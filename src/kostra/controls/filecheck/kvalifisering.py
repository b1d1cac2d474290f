"""Content rules and statistics of file 11CF, kvalifiseringsstønad (one record per participant).

Rules 03–13 come from :mod:`sosial_common` (06 is an ERROR here, 07 is "over 68"); 14–37 are specific
to 11CF. SSB's ids for these (``KvalifiseringRuleId.kt``) are bare CamelCase words, so we name them in
the common form "Kontroll NN : <title>"; the titles are listed in ``docs/file-controls-sosial.md``.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments, FileRule, Severity
from kostra.controls.filecheck.sosial_common import (
    OSLO,
    RuleContext,
    code_rule,
    common_rules,
    int_of,
    layout_codes,
    packaged_layout,
    person_statistics,
    quoted,
    record_rule,
    text_of,
)
from kostra.controls.filecheck.statistics import StatisticsQuery

__all__ = ["MAX_STONAD", "rules_for", "statistics", "statistics_query"]

MAX_STONAD = 600_000
DATE_WINDOW_YEARS = 4
CLOSED_STATUSES = ("3", "4", "5", "7")
# What was received during the programme, each box holding its own code when ticked (layout codeList).
SUPPORT_FIELDS = ("KVP_MED_KOMMBOS", "KVP_MED_HUSBANKBOS", "KVP_MED_SOSHJ_ENGANG", "KVP_MED_SOSHJ_PGM",
                  "KVP_MED_SOSHJ_SUP")
DATE_FIELDS = (
    ("14", "REG_DATO", "Registreringsdato"),
    ("15", "VEDTAK_DATO", "Vedtaksdato"),
    ("16", "BEGYNT_DATO", "Begyntdato"),
)


def _date_rule(rule_id: str, column: str, title: str) -> FileRule:
    def bad(c: RuleContext) -> pl.Expr:
        value = c.date(column)
        too_old = (c.args.year - value.dt.year()) > DATE_WINDOW_YEARS
        if c.args.region[:4] == OSLO:  # Oslo is exempt from the 4-year window, as in SSB's code
            too_old = pl.lit(False)
        after_year = value.dt.year() > c.args.year if column == "BEGYNT_DATO" else pl.lit(False)
        return value.is_null() | too_old | after_year

    return record_rule(
        f"Kontroll {rule_id} : {title}", Severity.ERROR, bad,
        lambda c: pl.format("{} {}: expected a valid date from {} to 31.12.{}", pl.lit(column), quoted(column),
                            pl.lit(c.args.year - DATE_WINDOW_YEARS), pl.lit(c.args.year)),
    )


def _municipality_rule(municipalities: Collection[str] | None) -> FileRule:
    def bad(c: RuleContext) -> pl.Expr:
        codes = municipalities
        if codes is None:
            codes = layout_codes(packaged_layout("11CF", c.args.year), "KOMMNR_KVP_KOMM")
        return (text_of("KVP_KOMM") == "1") & ~pl.col("KOMMNR_KVP_KOMM").is_in(sorted(codes))

    return record_rule(
        "Kontroll 20 : Kvalifiseringsprogram i annen kommune. Kommunenummer", Severity.ERROR, bad,
        lambda c: pl.format("KVP_KOMM is 1 (programme started in another municipality) but KOMMNR_KVP_KOMM {} is "
                            "not a municipality number of {}", quoted("KOMMNR_KVP_KOMM"), pl.lit(c.args.year)),
    )


def _codes(c: RuleContext, field: str) -> list[str]:
    return sorted(layout_codes(packaged_layout("11CF", c.args.year), field))


def _support_rules() -> list[FileRule]:
    """21 (type of social assistance before the programme), 26/27 (support received during the programme)."""

    def missing(c: RuleContext, field: str) -> pl.Expr:
        return ~text_of(field).is_in(_codes(c, field))

    def support_27(c: RuleContext) -> pl.Expr:
        answer = text_of("KVP_MED_ASTONAD")
        none_given = pl.all_horizontal([missing(c, f) for f in SUPPORT_FIELDS])
        return ((answer == "1") & none_given) | ((answer == "2") & ~none_given)

    def message_27(c: RuleContext) -> pl.Expr:
        values = ", ".join(f"{field}='{{}}'" for field in SUPPORT_FIELDS)
        received = pl.when(text_of("KVP_MED_ASTONAD") == "1").then(pl.lit("Det er mottatt støtte.")).otherwise(
            pl.lit("Det er IKKE mottatt støtte."))
        return pl.format(f"Svaralternativer for feltet \"Har deltakeren i {c.args.year} i løpet av perioden med "
                         "kvalifiseringsstønad mottatt økonomisk sosialhjelp, kommunal bostøtte eller Husbankens "
                         f"bostøtte?\" har ugyldige koder. Feltet er obligatorisk å fylle ut. {{}} {values}",
                         received, *[pl.col(f) for f in SUPPORT_FIELDS])

    return [
        record_rule("Kontroll 21 : Ytelser", Severity.ERROR,
                    lambda c: (text_of("YTELSE_SOSHJELP") == "1") & missing(c, "YTELSE_TYPE_SOSHJ"),
                    lambda _c: pl.format("Feltet for 'Hadde deltakeren i løpet av de siste to månedene før "
                                         "registrert søknad ved NAV-kontoret en eller flere av følgende ytelser?' "
                                         "inneholder ugyldige verdier (YTELSE_TYPE_SOSHJ {}).",
                                         quoted("YTELSE_TYPE_SOSHJ"))),
        record_rule("Kontroll 26 : Mottatt støtte", Severity.ERROR, lambda c: missing(c, "KVP_MED_ASTONAD"),
                    lambda c: pl.format(f"Feltet for 'Har deltakeren i {c.args.year} i løpet av perioden med "
                                        "kvalifiseringsstønad også mottatt økonomisk sosialhjelp, kommunal bostøtte "
                                        "eller Husbankens bostøtte?', er ikke utfylt eller feil kode ({}) er benyttet. "
                                        "Feltet er obligatorisk å fylle ut.", pl.col("KVP_MED_ASTONAD"))),
        record_rule("Kontroll 27 : Mottatt økonomisk sosialhjelp", Severity.ERROR, support_27, message_27),
    ]


def _months() -> pl.Expr:
    return pl.sum_horizontal([(pl.col(f"STMND_{m}") == f"{m:02d}").cast(pl.Int32) for m in range(1, 13)])


def _amount_rules() -> list[FileRule]:
    amount = int_of("KVP_STONAD").fill_null(0)
    return [
        record_rule("Kontroll 28 : Måneder med kvalifiseringsstønad", Severity.ERROR,
                    lambda _c: pl.any_horizontal([~text_of(f"STMND_{m}").is_in(["", f"{m:02d}"])
                                                  for m in range(1, 13)]),
                    lambda _c: pl.lit("STMND_1..STMND_12: expected blank or the month's own number "
                                      "('01' in STMND_1 … '12' in STMND_12)")),
        record_rule("Kontroll 29 : Kvalifiseringssum mangler", Severity.ERROR,
                    lambda _c: (text_of("KVP_STONAD") != "") & int_of("KVP_STONAD").is_null(),
                    lambda _c: pl.format("KVP_STONAD {} is not a whole number of kroner", quoted("KVP_STONAD"))),
        record_rule("Kontroll 30 : Har varighet, men mangler kvalifiseringssum", Severity.ERROR,
                    lambda _c: (_months() > 0) & (amount == 0),
                    lambda _c: pl.format("{} months with stønad but KVP_STONAD {}; expected an amount above 0",
                                         _months(), quoted("KVP_STONAD"))),
        record_rule("Kontroll 31 : Har kvalifiseringssum, men mangler varighet", Severity.ERROR,
                    lambda _c: (amount > 0) & (_months() == 0),
                    lambda _c: pl.format("KVP_STONAD is {} kr but no month STMND_1..12 is set", amount)),
        record_rule("Kontroll 32 : Kvalifiseringssum over kr 600 000", Severity.WARNING,
                    lambda _c: amount > MAX_STONAD,
                    lambda _c: pl.format("KVP_STONAD is {} kr, more than {} kr; check the amount", amount,
                                         pl.lit(MAX_STONAD))),
    ]


def _status_rules() -> list[FileRule]:
    def closed_without_date(c: RuleContext) -> pl.Expr:
        ended = c.date("AVSL_DATO")
        return text_of("STATUS").is_in(list(CLOSED_STATUSES)) & (ended.dt.year() != c.args.year).fill_null(True)

    return [
        code_rule("Kontroll 36 : Status for deltakelse i kvalifiseringsprogram", "STATUS", tuple("1234567"),
                  "participation status"),
        record_rule("Kontroll 37 : Dato for avsluttet program", Severity.ERROR, closed_without_date,
                    lambda c: pl.format("STATUS {} (programme ended) but AVSL_DATO {} is not a date in {}",
                                        quoted("STATUS"), quoted("AVSL_DATO"), pl.lit(c.args.year))),
    ]


def rules_for(args: CheckArguments, municipalities: Collection[str] | None = None) -> list[FileRule]:
    """All content rules of 11CF. ``municipalities`` overrides the year's list from the packaged layout."""
    return [
        *common_rules(Severity.ERROR, 68, "Kontroll 07 : Alder over 68 år", inclusive=False),
        *(_date_rule(*row) for row in DATE_FIELDS),
        code_rule("Kontroll 19 : Kvalifiseringsprogram i annen kommune", "KVP_KOMM", ("1", "2"),
                  "programme in another municipality"),
        _municipality_rule(municipalities),
        *_support_rules(),
        *_amount_rules(),
        *_status_rules(),
    ]


def statistics(records: pl.DataFrame, args: CheckArguments) -> list[dict[str, object]]:
    """Statistics section of an 11CF report: age bands, total stønad, participants per month and status."""
    return statistics_query(args, frozenset(records.columns)).run(records)


def statistics_query(args: CheckArguments, columns: frozenset[str]) -> StatisticsQuery:
    """:func:`statistics` as one query (``engine.check_files`` runs it for many files together)."""
    return _statistics_query(args, columns)


def _status_rows(records: pl.DataFrame) -> list[dict[str, object]]:
    status = records.group_by(text_of("STATUS").alias("s")).len().sort("s")
    return [{"statistic": "status", "group": s, "count": int(n)} for s, n in status.iter_rows()]


def _build_statistics_query(args: CheckArguments, columns: frozenset[str]) -> StatisticsQuery:
    return person_statistics(args, columns, [("sum KVP_STONAD (kr)", int_of("KVP_STONAD").fill_null(0).sum())],
                             extra=_status_rows)


_statistics_query = by_arguments_read(_build_statistics_query, size=16)
