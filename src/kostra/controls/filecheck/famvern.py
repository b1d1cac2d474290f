"""Family-counselling rules (familievern 52AF, 52BF, 53F, 55F), all WARNING (``specs/kostra-files.md`` §3.3
items 48–52). Rule names follow SSB's ``Familievern5x*RuleId``; names the specification does not give
(52AF 038, 52BF 008/017/020/021, 53F 004/005/010, 55F 017–019 wording) are our own, see docs/file-controls.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity
from kostra.intake.fixedwidth import LINE_COLUMN
from kostra.intake.layouts import famvern_offices

__all__ = ["rules_for"]

W = Severity.WARNING
_DELT_SAMT = (("PARTNER", "PARTNER"), ("EKSPART", "EKSPART"), ("BARNU18", "BARNU18"), ("BARNO18", "BARNO18"),
              ("FORELDRE", "FORELDRE"), ("OVRFAM", "OVRFAM"), ("VENN", "VENN"), ("ANDR", "ANDRE"))
_CATEGORIES_53F = ("TILTAK_PUBLIKUM", "VEILEDNING_STUDENTER", "VEILEDNING_HJELPEAP", "INFO_MEDIA", "TILSYN",
                   "FORELDREVEIL", "ANNET")
_KINDS_55F = ("SEP", "SAM", "SAK", "TILB", "FLY")


def _int(name: str) -> pl.Expr:
    """The field as an integer; null when blank or not a number."""
    return pl.col(name).str.strip_chars().cast(pl.Int64, strict=False)


def _date(name: str) -> pl.Expr:
    """The field as a date (ddMMyyyy); null when blank or invalid."""
    return pl.when(pl.col(name).str.contains(r"^[0-9]{8}$")).then(
        pl.col(name).str.strptime(pl.Date, "%d%m%Y", strict=False))


def _flag(records: pl.DataFrame, mask: pl.Expr, name: str, message: pl.Expr,
          journal: str | None) -> list[ReportEntry]:
    """One WARNING entry per record where ``mask`` holds; ``message`` is a string expression."""
    journal_expr = pl.col(journal).str.strip_chars() if journal else pl.lit("")
    hits = records.filter(mask.fill_null(False)).select(
        message.alias("_message"), journal_expr.alias("_journal"), pl.col(LINE_COLUMN))
    return [ReportEntry(W, name, text, (line,), journal_id=jid) for text, jid, line in hits.iter_rows()]


def _rule(name: str, check: Callable[[pl.DataFrame, CheckArguments], list[ReportEntry]]) -> FileRule:
    return FileRule(name=name, severity=W, check=check)


def _key_rules(region_field: str, office_field: str, journal: str, by_fylke: bool) -> list[FileRule]:
    """003/004/005: region (or fylke) and office are known, and the office belongs to that region."""
    unit = "Fylkesnummer" if by_fylke else "Regionsnummer"
    unit_nb = "fylkesnummeret" if by_fylke else "regionsnummeret"
    pair_name = ("Kontroll 005 : Manglende samsvar mellom fylkes- og kontornummer" if by_fylke
                 else "Kontroll 005 : Manglende samsvar mellom regions- og kontornummer")

    def units(args: CheckArguments) -> tuple[list[str], list[str], list[str]]:
        offices = famvern_offices(args.year)
        keys = [o.fylke if by_fylke else o.region for o in offices]
        return sorted(set(keys)), sorted({o.kontor for o in offices}), [k + o.kontor for k, o in
                                                                           zip(keys, offices, strict=True)]

    def check_unit(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        valid = units(args)[0]
        message = pl.format(f"Det er ikke oppgitt gyldig {unit_nb}, '{{}}'. Gyldige verdier: {', '.join(valid)}.",
                            pl.col(region_field))
        return _flag(records, ~pl.col(region_field).is_in(valid), f"Kontroll 003 : {unit}", message, journal)

    def check_office(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        valid = units(args)[1]
        message = pl.format("Det er ikke oppgitt gyldig familievernkontornummer, '{}'.", pl.col(office_field))
        return _flag(records, ~pl.col(office_field).is_in(valid), "Kontroll 004 : Kontornummer", message, journal)

    def check_pair(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        pairs = units(args)[2]
        mask = ~(pl.col(region_field) + pl.col(office_field)).is_in(pairs)
        message = pl.format(f"Kontornummeret '{{}}' hører ikke til {unit_nb} '{{}}'.",
                            pl.col(office_field), pl.col(region_field))
        return _flag(records, mask, pair_name, message, journal)

    return [_rule(f"Kontroll 003 : {unit}", check_unit), _rule("Kontroll 004 : Kontornummer", check_office),
            _rule(pair_name, check_pair)]


def _duplicates(keys: Sequence[str], name: str, what: str) -> FileRule:
    """One WARNING per duplicated key, listing all its lines."""

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        groups = (records.group_by(list(keys)).agg(pl.col(LINE_COLUMN).sort())
                  .filter(pl.col(LINE_COLUMN).list.len() > 1).sort(pl.col(LINE_COLUMN).list.first()))
        entries = []
        for row in groups.iter_rows(named=True):
            values = ", ".join(f"{key} '{row[key]}'" for key in keys)
            entries.append(ReportEntry(W, name, f"Dublett: {what} ({values}) forekommer flere ganger.",
                                       tuple(row[LINE_COLUMN]), journal_id=str(row[keys[-1]]).strip()))
        return entries

    return _rule(name, check)


def _simple(name: str, mask: Callable[[CheckArguments], pl.Expr], message: pl.Expr,
            journal: str | None) -> FileRule:
    return _rule(name, lambda records, args: _flag(records, mask(args), name, message, journal))


def _rules_52a() -> list[FileRule]:
    j = "JOURNAL_NR_A"
    henv, forste, avsl = _date("HENV_DATO_A"), _date("FORSTE_SAMT_A"), _date("DATO_AVSL_A")
    born = _int("PRIMK_FODT_A")
    rules = _key_rules("REGION_NR_A", "KONTOR_NR_A", j, by_fylke=False)
    rules.append(_duplicates(("KONTOR_NR_A", j), "Kontroll 006 : Dubletter", "kontornummer og journalnummer"))
    rules.append(_simple(
        "Kontroll 014 : Primærklientens fødselsår",
        lambda a: born.is_null() | (born < a.year - 100) | (born > a.year),
        pl.format("Primærklientens fødselsår '{}' mangler eller er ugyldig; forventet et årstall de siste 100 år.",
                  pl.col("PRIMK_FODT_A")), j))
    rules.append(_simple(
        "Kontroll 021 : Første behandlingssamtale er før henvendelsesdato", lambda a: forste < henv,
        pl.format("Dato for første behandlingssamtale '{}' er før henvendelsesdato '{}'.",
                  pl.col("FORSTE_SAMT_A"), pl.col("HENV_DATO_A")), j))
    rules.append(_simple(
        "Kontroll 038 : Mer enn ett år fra henvendelse til første behandlingssamtale",
        lambda a: (forste - henv).dt.total_days() > 365,
        pl.format("Det er mer enn ett år fra henvendelsesdato '{}' til første behandlingssamtale '{}'.",
                  pl.col("HENV_DATO_A"), pl.col("FORSTE_SAMT_A")), j))
    rules.append(_rule("Kontroll 026 : Relasjon mellom antall behandlingssamtaler og hvem som har deltatt",
                       _check_026))
    rules.append(_simple(
        "Kontroll 030 : Totalt antall timer i løpet av året", lambda a: _int("TIMER_IARET_A").fill_null(0) <= 0,
        pl.format("Totalt antall timer i løpet av året er '{}', forventet mer enn 0.", pl.col("TIMER_IARET_A")), j))
    rules.append(_simple(
        "Kontroll 035 : Saken avsluttet, men ikke satt avslutningsdato",
        lambda a: pl.col("STATUS_ARETSSL_A").is_in(["1", "2"]) & avsl.is_null(),
        pl.format("Saken er avsluttet (status '{}'), men avslutningsdato '{}' mangler eller er ugyldig.",
                  pl.col("STATUS_ARETSSL_A"), pl.col("DATO_AVSL_A")), j))
    rules.append(_simple(
        "Kontroll 036 : Avslutningsdato før første samtale", lambda a: avsl < forste,
        pl.format("Avslutningsdato '{}' er før dato for første behandlingssamtale '{}'.",
                  pl.col("DATO_AVSL_A"), pl.col("FORSTE_SAMT_A")), j))
    return rules


def _check_026(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
    name = "Kontroll 026 : Relasjon mellom antall behandlingssamtaler og hvem som har deltatt"
    entries: list[ReportEntry] = []
    for delt, samt in _DELT_SAMT:
        mask = (pl.col(f"DELT_{delt}_A") == "1") & (_int(f"SAMT_{samt}_A").fill_null(0) <= 0)
        message = pl.format(f"DELT_{delt}_A er 1 (har deltatt), men SAMT_{samt}_A er '{{}}'; forventet "
                            "antall samtaler større enn 0.", pl.col(f"SAMT_{samt}_A"))
        entries.extend(_flag(records, mask, name, message, "JOURNAL_NR_A"))
    return sorted(entries, key=lambda entry: entry.line_numbers)


def _rules_52b() -> list[FileRule]:
    j = "GRUPPE_NR_B"
    start, end = _date("DATO_GRSTART_B"), _date("DATO_GRAVSLUTN_B")
    closed = pl.col("STATUS_ARETSSL_B") == "2"
    rules = _key_rules("REGION_NR_B", "KONTOR_NR_B", j, by_fylke=False)
    rules.append(_simple("Kontroll 008 : Dato for gruppestart", lambda a: start.is_null(),
                         pl.format("Dato for gruppestart '{}' mangler eller er ugyldig.", pl.col("DATO_GRSTART_B")),
                         j))
    rules.append(_simple("Kontroll 017 : Antall terapeuter", lambda a: _int("ANTTER_GRUPPEB_B").fill_null(0) <= 0,
                         pl.format("Antall terapeuter i gruppen er '{}', forventet mer enn 0.",
                                   pl.col("ANTTER_GRUPPEB_B")), j))
    rules.append(_simple("Kontroll 020 : Avsluttet gruppe uten avslutningsdato", lambda a: closed & end.is_null(),
                         pl.format("Gruppen er avsluttet, men avslutningsdato '{}' mangler eller er ugyldig.",
                                   pl.col("DATO_GRAVSLUTN_B")), j))
    rules.append(_simple("Kontroll 021 : Avslutningsdato før startdato", lambda a: closed & (end < start),
                         pl.format("Avslutningsdato '{}' er før dato for gruppestart '{}'.",
                                   pl.col("DATO_GRAVSLUTN_B"), pl.col("DATO_GRSTART_B")), j))
    return rules


def _rules_53() -> list[FileRule]:
    rules = _key_rules("FYLKE_NR", "KONTORNR", "KONTORNR", by_fylke=True)

    def check_010(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        name = "Kontroll 010 : Utadrettet virksomhet, tiltak og timer"
        entries: list[ReportEntry] = []
        for cat in _CATEGORIES_53F:
            mask = (_int(f"{cat}_TILTAK").fill_null(0) <= 0) | (_int(f"{cat}_TIMER").fill_null(0) <= 0)
            message = pl.format(f"{cat}: antall tiltak '{{}}' og antall timer '{{}}' skal begge være større enn 0.",
                                pl.col(f"{cat}_TILTAK"), pl.col(f"{cat}_TIMER"))
            entries.extend(_flag(records, mask, name, message, "KONTORNR"))
        return sorted(entries, key=lambda entry: entry.line_numbers)

    return [*rules, _rule("Kontroll 010 : Utadrettet virksomhet, tiltak og timer", check_010)]


def _sum_rule(name: str, equations: Sequence[tuple[Sequence[str], str]]) -> FileRule:
    """Each equation: the parts (blank = 0) must sum to the total field."""

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        entries: list[ReportEntry] = []
        for parts, total in equations:
            if not set(parts) | {total} <= set(records.columns):
                continue  # the 2024 55F layout has other cells; only equations over its own fields apply
            summed = pl.sum_horizontal([_int(p).fill_null(0) for p in parts])
            mask = summed != _int(total).fill_null(0)
            message = pl.format(f"Summen av {' + '.join(parts)} er {{}}, men {total} er '{{}}'.",
                                summed, pl.col(total))
            entries.extend(_flag(records, mask, name, message, "KONTOR_NR"))
        return sorted(entries, key=lambda entry: entry.line_numbers)

    return _rule(name, check)


def _matrix(prefix: str, rows: Sequence[str], columns: Sequence[str], total_col: str = "TOT",
            total_row: str = "TOT", grand: str = "TOT") -> list[tuple[list[str], str]]:
    """Row sums and column sums of ``PREFIX_ROW_COL`` cells (Famvern55Utils.validateMatrix)."""
    eq = [([f"{prefix}{r}_{c}" for c in columns], f"{prefix}{r}_{total_col}") for r in rows]
    eq.append(([f"{prefix}{total_row}_{c}" for c in columns], f"{prefix}{total_row}_{grand}"))
    eq.extend(([f"{prefix}{r}_{c}" for r in rows], f"{prefix}{total_row}_{c}") for c in columns)
    return eq


def _rules_55() -> list[FileRule]:
    rules = _key_rules("FYLKE_NR", "KONTOR_NR", "KONTOR_NR", by_fylke=True)
    deltakere = [([f"{k}_BEGGE", f"{k}_EN"], f"{k}_TOT") for k in _KINDS_55F]
    deltakere += [([f"{k}_BEGGE" for k in _KINDS_55F], "BEGGE_TOT"), ([f"{k}_EN" for k in _KINDS_55F], "EN_TOT"),
                  (["BEGGE_TOT", "EN_TOT"], "ENBEGGE_TOT")]
    rules += [
        _sum_rule("Kontroll 005 : Avsluttede meklinger etter tidsbruk, (sumfelt)",
                  _matrix("MEKLING_", _KINDS_55F, ("1", "2", "3"), grand="ALLE")),
        _sum_rule("Kontroll 006 : Avsluttede meklinger etter deltakere, (sumfelt)", deltakere),
        _sum_rule("Kontroll 007 : Avsluttede meklinger etter ventetid, (sumfelt)",
                  _matrix("VENTETID_", _KINDS_55F, ("1", "2", "3", "4"))),
        _sum_rule("Kontroll 008 : Avsluttede meklinger, ikke overholdt tidsfrist",
                  [(["FORHOLD_MEKLER", "FORHOLD_KLIENT"], "FORHOLD_TOT")]),
        _sum_rule("Kontroll 009 : Avsluttede meklinger etter varighet, (sumfelt)",
                  _matrix("VARIGHET_", _KINDS_55F, ("1", "2", "3"))),
        _sum_rule("Kontroll 011 : Resultat av avsluttede meklinger, (sumfelt)",
                  [(["RESULT_TOT_1", "RESULT_TOT_2", "RESULT_TOT_3"], "RESULT_TOT_TOT")]),
        _sum_rule("Kontroll 014 : Kontroll av totalsummer for meklinger",
                  [([t], "MEKLING_TOT_ALLE") for t in ("ENBEGGE_TOT", "VENTETID_TOT_TOT", "VARIGHET_TOT_TOT",
                                                        "RESULT_TOT_TOT")]),
        _sum_rule("Kontroll 017 : Barn har deltatt, (sumfelt)", [(["BARN_DELT", "BARN_IKKE_DELT"], "BARN_TOT")]),
        _sum_rule("Kontroll 018 : Bekymringsmelding sendt, (sumfelt)",
                  [(["BEKYMR_SENDT", "BEKYMR_IKKE_SENDT"], "BEKYMR_TOT")]),
        _sum_rule("Kontroll 019 : Vold som tema, (sumfelt)", [(["VOLD_TEMA", "VOLD_IKKE_TEMA"], "VOLD_TOT")]),
        _sum_rule("Kontroll 020 : Kontroll av totalsummer for meklinger",
                  [(["BEKYMR_TOT"], "BARN_TOT"), (["VOLD_TOT"], "BARN_TOT")]),
    ]
    return rules


_BUILDERS: dict[str, Callable[[], list[FileRule]]] = {
    "52AF": _rules_52a, "52BF": _rules_52b, "53F": _rules_53, "55F": _rules_55,
}


def rules_for(args: CheckArguments) -> list[FileRule]:
    """The family-counselling rules of ``args.form`` (all WARNING); empty for other forms."""
    builder = _BUILDERS.get(args.form)
    return builder() if builder else []
