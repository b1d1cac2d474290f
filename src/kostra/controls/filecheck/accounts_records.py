"""Record-level accounts rules (Kontroll 003–081 and church 200): one entry per failing record.

Each rule is a Polars filter over the prepared frame (``accounts_frame.prepared``); messages are built as
string expressions, so no Python loop runs per record except to wrap the failing ones into entries.
Names, messages and severities follow SSB's control program (``validation/rule/regnskap/**``).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kostra.controls.filecheck.accounts_codes import BALANCE_FORMS, BEVILGNING_FORMS, KONTOKLASSER, lists_for
from kostra.controls.filecheck.accounts_frame import lenient, per_record, prepared, quarter
from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity

__all__ = ["code_rules", "combination_rules", "identity_rules"]

SeverityOf = Callable[[CheckArguments], Severity]
Condition = Callable[[CheckArguments], pl.Expr | None]


def _rule(name: str, severity: Severity, condition: Condition, message: Callable[[CheckArguments], pl.Expr],
          severity_of: SeverityOf | None = None) -> FileRule:
    """A record rule: ``condition`` selects failing records (None = rule does not apply to this form)."""

    def check(frame: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        expr = condition(args)
        if expr is None:
            return []
        rows = prepared(frame, args).filter(expr)
        return per_record(name, severity_of(args) if severity_of else severity, rows, message(args))

    def build_screen(args: CheckArguments, _columns: frozenset[str]) -> pl.Expr | None:
        return condition(args)

    # The engine keeps the rules (registry.rules_of); their screens are kept per arguments read
    return FileRule(name=name, severity=severity, check=check, screen=by_arguments_read(build_screen, size=64))


def _quoted(prefix: str, column: str, suffix: str) -> pl.Expr:
    return pl.concat_str(pl.lit(prefix + "'"), pl.col(column), pl.lit("'" + suffix))


def _codes(codes: frozenset[str], width: int) -> list[str]:
    return sorted(c.ljust(width) for c in codes)


def identity_rules() -> list[FileRule]:
    """003–009 and 014: the record must echo the portal's form, year, quarter, region and orgnr."""
    def orgnr_ok(column: str, blank_ok: bool) -> Condition:
        def condition(args: CheckArguments) -> pl.Expr:
            value = pl.col(column).str.strip_chars()
            allowed = list(args.orgnrs) if args.orgnrs else [""]
            ok = value.is_in(allowed) | ((value == "") if blank_ok else pl.lit(False))
            return ~ok

        return condition

    def valid_list(args: CheckArguments) -> str:
        return ", ".join(args.orgnrs) if args.orgnrs else "blank"

    return [
        _rule("Kontroll 003 : Skjema", Severity.ERROR, lambda a: pl.col("skjema") != a.form[:2],
              lambda a: _quoted("Fant ugyldig skjema ", "skjema", f". Korrigér skjema til '{a.form[:2]}'")),
        _rule("Kontroll 004 : Årgang", Severity.ERROR, lambda a: pl.col("aargang") != str(a.year),
              lambda a: _quoted("Fant ugyldig årgang ", "aargang", f". Korrigér årgang til '{a.year}'")),
        _rule("Kontroll 005 : Kvartal", Severity.ERROR, lambda a: pl.col("kvartal") != quarter(a),
              lambda a: _quoted("Fant ugyldig kvartal ", "kvartal", f". Korrigér kvartal til '{quarter(a)}'")),
        _rule("Kontroll 006 : Region", Severity.ERROR, lambda a: pl.col("region") != a.region,
              lambda a: _quoted("Fant ugyldig region ", "region", f". Korrigér region til '{a.region}'")),
        # Any orgnr of the comma list is accepted (the official program compares with the whole list, §7.3).
        _rule("Kontroll 007 : Organisasjonsnummer", Severity.ERROR, orgnr_ok("orgnr", blank_ok=False),
              lambda a: _quoted("Fant ugyldig orgnr ", "orgnr", f". Korrigér orgnr til en av '{valid_list(a)}'")),
        _rule("Kontroll 008 : Foretaksnummer", Severity.ERROR, orgnr_ok("foretaksnr", blank_ok=True),
              lambda a: _quoted("Fant ugyldig foretaksnummer ", "foretaksnr",
                                f". Korrigér foretaksnummer til blank eller en av '{valid_list(a)}'")),
        _rule("Kontroll 009 : Kontoklasse", Severity.ERROR,
              lambda a: ~pl.col("kontoklasse").is_in(list(KONTOKLASSER.get(a.form, ()))),
              lambda a: _quoted("Fant ugyldig kontoklasse ", "kontoklasse",
                                f". Korrigér kontoklasse til en av '{', '.join(KONTOKLASSER.get(a.form, ()))}'")),
        _rule("Kontroll 014 : Beløp", Severity.ERROR,
              lambda a: ~pl.col("belop").str.contains(r"^ *-?\d+$"),
              lambda a: _quoted("Fant ugyldig beløp ", "belop", ". Korrigér beløp")),
    ]


def _list_rule(number: str, title: str, column: str, pick: Callable[[CheckArguments], frozenset[str]],
               width: int, exclude: Callable[[CheckArguments], frozenset[str]] | None = None) -> FileRule:
    def condition(args: CheckArguments) -> pl.Expr | None:
        codes = pick(args)
        if not codes:
            return None
        expr = ~pl.col(column).is_in(_codes(codes, width))
        if exclude is not None and exclude(args):
            expr = expr & ~pl.col("f").is_in(list(exclude(args)))
        return expr

    def message(args: CheckArguments) -> pl.Expr:
        valid = ", ".join(c.strip() or "blank" for c in _codes(pick(args), width))
        return _quoted(f"Fant ugyldig {title.lower()} ", column,
                       f". Korrigér {title.lower()} til en av '{valid}' (gyldige i {args.year})")

    return _rule(f"Kontroll {number} : {title}", Severity.ERROR, condition, message, lenient)


def code_rules() -> list[FileRule]:
    """010–013 against the year's code lists, 010 Utgått funksjon, 015 duplicates."""
    utgatt = FileRule(name="Kontroll 010 : Utgått funksjon", severity=Severity.WARNING, check=_check_utgatt)
    return [
        _list_rule("010", "Funksjon", "funksjon_kapittel", lambda a: lists_for(a).funksjon, 4,
                   exclude=lambda a: lists_for(a).utgatt),
        utgatt,
        _list_rule("011", "Kapittel", "funksjon_kapittel", lambda a: lists_for(a).kapittel, 4),
        _list_rule("012", "Art", "art_sektor", lambda a: lists_for(a).art, 3),
        _list_rule("013", "Sektor", "art_sektor", lambda a: lists_for(a).sektor, 3),
        # Screened only with other files: a large file alone gains little (bench_check's sample is full of
        # duplicates, so the check runs anyway), a batch of small clean files saves the check on each.
        FileRule(name="Kontroll 015 : Dubletter", severity=Severity.WARNING, check=_check_duplicates,
                 screen=lambda _args, _columns: _DUPLICATED, screen_alone=False),
    ]


def _check_utgatt(frame: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
    codes = lists_for(args).utgatt
    if not codes:
        return []
    rows = prepared(frame, args).filter(pl.col("f").is_in(list(codes)))
    message = _quoted("Fant utgått funksjon ", "funksjon_kapittel", ", men godtas midlertidig.")
    return per_record("Kontroll 010 : Utgått funksjon", Severity.WARNING, rows, message)


def _duplicate_key() -> pl.Expr:
    """One string key per record (kontoklasse, function, art) instead of three key columns: grouping on several
    string columns costs far more memory. The length prefixes keep the key unambiguous (kk and f cannot run into a).
    """
    kk, f, a = pl.col("kontoklasse").str.strip_chars(), pl.col("f"), pl.col("a")
    return pl.concat_str(kk.str.len_chars().cast(pl.Utf8), pl.lit(":"), f.str.len_chars().cast(pl.Utf8),
                         pl.lit(":"), kk, f, a)


# The screen of 015: a record whose key occurs again (exactly the records the rule reports, in one query).
_DUPLICATED = _duplicate_key().is_duplicated()


def _check_duplicates(frame: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
    balance = args.form in BALANCE_FORMS
    titles = "Kontoklasse * Kapittel * Sektor" if balance else "Kontoklasse * Funksjon * Art"
    rows = prepared(frame, args)
    kk = pl.col("kontoklasse").str.strip_chars()
    f, a = pl.col("f"), pl.col("a")
    key = _duplicate_key()
    firsts = (
        rows.select(key.alias("key"), pl.col("line"))
        .group_by("key")
        .agg(pl.col("line").sort())
        .filter(pl.col("line").list.len() > 1)
        .select(pl.col("line"), pl.col("line").list.first().alias("first"))
    )
    names = rows.filter(pl.col("line").is_in(firsts["first"].implode())).select(
        pl.col("line").alias("first"), kk.alias("kk"), f, a)
    groups = firsts.join(names, on="first").sort("first").select("kk", "f", "a", "line")
    return [
        ReportEntry(
            Severity.WARNING, "Kontroll 015 : Dubletter",
            f"Det er oppgitt flere beløp på samme kombinasjon av ({titles} - {kk} * {f} * {a}).<br/> "
            "Hvis dette er riktig, kan du sende inn filen, og beløpene summeres hos SSB. "
            "Dersom dette er feil må recordene korrigeres før innsending til SSB.",
            tuple(lines),
        )
        for kk, f, a, lines in groups.iter_rows()
    ]


def _bev(args: CheckArguments) -> bool:
    return args.form in BEVILGNING_FORMS


def _when(applies: Callable[[CheckArguments], bool], expr: Callable[[CheckArguments], pl.Expr]) -> Condition:
    return lambda a: expr(a) if applies(a) else None


def _art_in(codes: str) -> pl.Expr:
    return pl.col("a").is_in(codes.split())


def combination_rules() -> list[FileRule]:
    """016–081: sign of balance chapters and the drift/investering, funksjon/art combinations."""
    d, i = pl.col("drift"), pl.col("inv")
    f = pl.col("f")
    drift_msg = " i driftsregnskapet til en gyldig {} i driftsregnskapet eller overfør posteringen til " \
        "investeringsregnskapet."
    inv_msg = " i investeringsregnskapet til en gyldig {} i investeringsregnskapet eller overfør posteringen " \
        "til driftsregnskapet."
    info = "Kun advarsel, hindrer ikke innsending: "
    comb = "Ugyldig kombinasjon i bevilgningsregnskapet, funksjon og art"
    not_county = lambda a: _bev(a) and a.form[:2] not in ("0C", "0K", "0P")  # noqa: E731
    return [
        _rule("Kontroll 016 : Kapittel, fortegn", Severity.ERROR,
              _when(lambda a: a.form in BALANCE_FORMS, lambda a: f.is_in(["5900", "5970"]) & (pl.col("amt") < 0)),
              lambda a: pl.concat_str(pl.lit("Kapittel "), f, pl.lit(" (Beløp = "), pl.col("belop").str.strip_chars(),
                                      pl.lit(") skal bare kunne rapporteres som positive tall, altså tall større "
                                             "eller lik 0 (5900 Merforbruk i driftsregnskapet, 5970 Udekket "
                                             "beløp i investeringsregnskapet)."))),
        _rule("Kontroll 020 : Kombinasjon i driftsregnskapet, kontoklasse og funksjon", Severity.ERROR,
              _when(_bev, lambda a: d & f.is_in(list(lists_for(a).invalid_drift_funksjon))),
              lambda a: _quoted("Korrigér ugyldig funksjon ", "funksjon_kapittel", drift_msg.format("funksjon")),
              lenient),
        _rule("Kontroll 025 : Kombinasjon i driftsregnskapet, kontoklasse og art", Severity.ERROR,
              _when(_bev, lambda a: d & pl.col("a").is_in(list(lists_for(a).invalid_drift_art))),
              lambda a: _quoted("Korrigér ugyldig art ", "art_sektor", drift_msg.format("art")), lenient),
        _rule("Kontroll 030 : Kombinasjon i driftsregnskapet, kontoklasse og art", Severity.INFO,
              _when(_bev, lambda a: d & _art_in("285 660")),
              lambda a: _quoted(info + "(", "art_sektor", ") regnes å være ulogisk art i driftsregnskapet. "
                                "Vennligst vurder å postere på annen art eller om posteringen hører til i "
                                "investeringsregnskapet.")),
        _rule("Kontroll 035 : Kombinasjon i driftsregnskapet, kontoklasse og art", Severity.WARNING,
              _when(_bev, lambda a: d & _art_in("520 920") & ~f.is_in(["281", "325", "701"])),
              lambda a: _quoted(info + "(", "art_sektor", ") regnes å være ulogisk i driftsregnskapet utenom "
                                "funksjon 281, 325 og 701 (sosiale utlån og næringsutlån).")),
        _rule("Kontroll 040 : Kombinasjon i investeringsregnskapet, kontoklasse og funksjon", Severity.ERROR,
              _when(_bev, lambda a: i & f.is_in(list(lists_for(a).invalid_inv_funksjon))),
              lambda a: _quoted("Korrigér ugyldig funksjon ", "funksjon_kapittel", inv_msg.format("funksjon")),
              lenient),
        _rule("Kontroll 045 : Kombinasjon i investeringsregnskapet, kontoklasse og funksjon", Severity.INFO,
              _when(_bev, lambda a: i & f.is_in(list(lists_for(a).illogical_inv_funksjon))),
              lambda a: _quoted(info + "(", "funksjon_kapittel", ") regnes å være ulogisk funksjon i "
                                "investeringsregnskapet. Vennligst vurder å postere på annen funksjon eller om "
                                "posteringen hører til i driftsregnskapet.")),
        _rule("Kontroll 050 : Ugyldig kombinasjon i investeringsregnskapet, kontoklasse og art", Severity.ERROR,
              _when(_bev, lambda a: i & pl.col("a").is_in(list(lists_for(a).invalid_inv_art))),
              lambda a: _quoted("Korrigér ugyldig art ", "art_sektor", inv_msg.format("art")), lenient),
        _rule("Kontroll 055 : Ugyldig kombinasjon i investeringsregnskapet, kontoklasse og art", Severity.INFO,
              _when(_bev, lambda a: i & _art_in("620 650 900")),
              lambda a: _quoted(info + "(", "art_sektor", ") regnes å være ulogisk art i investeringsregnskapet. "
                                "Vennligst vurder å postere på annen art eller om posteringen hører til i "
                                "driftsregnskapet.")),
        _rule("Kontroll 060 : Ugyldig kombinasjon i investeringsregnskapet, kontoklasse, funksjon og art",
              Severity.ERROR, _when(_bev, lambda a: i & (pl.col("a") == "729") & (f != "841")),
              lambda a: _quoted("Korrigér til riktig kombinasjon av kontoklasse, funksjon og art. Art 729 er kun "
                                "gyldig i kombinasjon med funksjon 841 i investeringsregnskapet, ikke funksjon ",
                                "funksjon_kapittel", "."), lenient),
        _rule(f"Kontroll 065 : {comb}", Severity.ERROR,
              _when(_bev, lambda a: (f == "899") ^ _art_in("589 980 989")),
              lambda a: pl.concat_str(pl.lit("Artene 589, 980 og 989 er kun tillat brukt i kombinasjon med funksjon "
                                             "899, og funksjon 899 kun med disse artene (funksjon '"), f,
                                      pl.lit("', art '"), pl.col("a"), pl.lit("').")), lenient),
        _rule(f"Kontroll 070 : {comb}", Severity.ERROR,
              _when(_bev, lambda a: (pl.col("a") == "530") & (f != "880")),
              lambda a: _quoted("Art 530 er kun tillat brukt i kombinasjon med funksjon 880, ikke funksjon ",
                                "funksjon_kapittel", "."), lenient),
        _rule(f"Kontroll 075 : {comb}", Severity.ERROR,
              _when(_bev, lambda a: _art_in("870 871 872 873 874 875 876 878 879") & (f != "800")),
              lambda a: _quoted("Artene 870–879 er kun tillat brukt i kombinasjon med funksjon 800 (fant art ",
                                "a", ")."), lenient),
        _rule(f"Kontroll 080 : {comb}", Severity.ERROR,
              _when(_bev, lambda a: (pl.col("a") == "800") & (f != "840")),
              lambda a: _quoted("Art 800 er kun tillat brukt i kombinasjon med funksjon 840, ikke funksjon ",
                                "funksjon_kapittel", "."), lenient),
        _rule("Kontroll 081 : Ulogisk kombinasjon i bevilgningsregnskapet, funksjon og art", Severity.ERROR,
              _when(not_county, lambda a: (f == "850") & ~_art_in("450 810 850")),
              lambda a: _quoted("Det er kun artene 450, 810 og 850 som er logiske i kombinasjon med funksjon 850. "
                                "Andre arter (her ", "a", ") er ulogiske i kombinasjon med funksjon 850."),
              lambda a: Severity.ERROR if quarter(a) in ("3", "4") else Severity.WARNING),
    ]


def church_record_rules() -> list[FileRule]:
    """Church (0F) Kontroll 200: funksjon 089 only with arts 500–580, 830 and 900–980."""
    anum = pl.col("anum")
    valid = anum.is_between(500, 580) | (anum == 830) | anum.is_between(900, 980)
    return [
        _rule("Kontroll 200 : Funksjon 089, Finansieringstransaksjoner", Severity.ERROR,
              _when(_bev, lambda a: (pl.col("f") == "089") & ~valid.fill_null(False)),
              lambda a: _quoted("Korrigér i fila slik at art (", "a",
                                ") er gyldig mot funksjon 089. Gyldige arter er 500-580, 830 og 900-980.")),
    ]
