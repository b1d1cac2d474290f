"""File-level accounts sum rules (Kontroll 085–190, church 113/143/210/215/220): no line numbers.

Amounts are in 1000 NOK; expenses and assets are positive, income and liabilities negative, so a balanced
account sums to about zero: ±30 for drift/investering, ±10 for the balance and memoria accounts and the Oslo
district internal arts. Names, messages and severities follow SSB's control program.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import polars as pl

from kostra.controls.filecheck.accounts_codes import (
    BALANCE_FORMS,
    BEVILGNING_FORMS,
    FYLKE_FORMS,
    KOMMUNE_FORMS,
    REGIONAL_FORMS,
)
from kostra.controls.filecheck.accounts_frame import prepared, quarter, sum_of, total_entry
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity

__all__ = ["church_sum_rules", "common_sum_rules", "kommune_sum_rules"]

Check = Callable[[pl.DataFrame, CheckArguments], str | None]
A, F = pl.col("a"), pl.col("f")
# The derived columns the sums read: the checks filter a frame of just these (selecting them copies nothing),
# so that a filter over 500 000 records copies a few narrow columns instead of all twenty.
_SUM_COLUMNS = ("f", "a", "fnum", "anum", "amt", "drift", "inv", "utgift", "inntekt")


def _sum_rule(name: str, severity: Severity, check: Check,
              severity_of: Callable[[CheckArguments], Severity] | None = None) -> FileRule:
    """``check`` returns the message when the file fails, else None."""

    def run(frame: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        message = check(_narrowed(prepared(frame, args)), args)
        if message is None:
            return []
        return total_entry(name, severity_of(args) if severity_of else severity, message)

    return FileRule(name=name, severity=severity, check=run)


# The last prepared frame, its narrowed frame and its drift/investering parts: some twenty sum rules read the
# same few frames, and on a small file each filter costs more than the sums (identity-keyed like ``prepared``).
_lock = threading.Lock()
_last: list[tuple[pl.DataFrame, pl.DataFrame, dict[str, pl.DataFrame]]] = []


def _narrowed(full: pl.DataFrame) -> pl.DataFrame:
    with _lock:
        if _last and _last[0][0] is full:
            return _last[0][1]
    narrowed = full.select(_SUM_COLUMNS)
    with _lock:
        _last[:] = [(full, narrowed, {})]
    return narrowed


def _part(rows: pl.DataFrame, part: str) -> pl.DataFrame:
    """``rows`` whose flag ``part`` (drift, inv) is set, kept with the narrowed frame it came from."""
    with _lock:
        parts = _last[0][2] if _last and _last[0][1] is rows else None
        if parts is not None and part in parts:
            return parts[part]
    found = rows.filter(pl.col(part))
    if parts is not None:
        with _lock:
            parts[part] = found
    return found


def _district(args: CheckArguments) -> bool:
    return args.region.startswith("0301") and args.region[4:] != "00"


def _scope(rows: pl.DataFrame, args: CheckArguments, part: str, *, skip_district: bool = True) -> pl.DataFrame:
    """Drift or investering records of a bevilgning file (empty for balance files and, often, Oslo districts)."""
    if args.form not in BEVILGNING_FORMS or (skip_district and _district(args)):
        return rows.clear()
    return _part(rows, part)


def _annual_error(args: CheckArguments) -> Severity:
    return Severity.ERROR if quarter(args) == " " else Severity.WARNING


def _reg_error(args: CheckArguments) -> Severity:
    return Severity.ERROR if args.form in REGIONAL_FORMS else Severity.INFO


def _sign_check(part: str, kind: str, want_positive: bool, text: str, regional_only: bool = False) -> Check:
    def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        scoped = _scope(rows, args, part)
        if scoped.is_empty() or (regional_only and args.form not in REGIONAL_FORMS):
            return None
        total = sum_of(scoped, pl.col(kind))
        if (total > 0) if want_positive else (total < 0):
            return None
        return f"Korrigér slik at fila inneholder {text} ({total}) i {_where(part)}"

    return check


def _where(part: str) -> str:
    return "driftsregnskapet" if part == "drift" else "investeringsregnskapet"


def _difference(part: str, require_signs: bool) -> Check:
    def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        scoped = _scope(rows, args, part)
        if scoped.is_empty():
            return None
        utg, inn = sum_of(scoped, pl.col("utgift")), sum_of(scoped, pl.col("inntekt"))
        signs_ok = utg > 0 and inn < 0 if require_signs else True
        if signs_ok and abs(utg + inn) <= 30:
            return None
        return f"Korrigér differansen ({utg + inn}) mellom inntekter ({inn}) og utgifter ({utg}) i {_where(part)}"

    return check


def _pair(part: str | None, left: pl.Expr, right: pl.Expr, tolerance: int, text: Callable[[int, int], str],
          applies: Callable[[CheckArguments], bool] = lambda a: True, skip_district: bool = True) -> Check:
    """Two sums over the same scope that must cancel within ±tolerance."""

    def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        if not applies(args):
            return None
        scoped = rows if part is None else _scope(rows, args, part, skip_district=skip_district)
        if scoped.is_empty():
            return None
        x, y = sum_of(scoped, left), sum_of(scoped, right)
        return None if abs(x + y) <= tolerance else text(x, y)

    return check


def common_sum_rules() -> list[FileRule]:
    """100/105 (drift has expenses and income) and 130/135 (tax and block grant): in every municipal family."""

    def income_tax(f: str, art: str, text: str, exempt: frozenset[str]) -> Check:
        def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
            scoped = _scope(rows, args, "drift")
            if args.form not in REGIONAL_FORMS or args.region in exempt or scoped.is_empty():
                return None
            total = sum_of(scoped, (f == F) & (art == A))
            return None if total < 0 else f"Korrigér slik at fila inneholder {text} ({total})."

        return check

    return [
        _sum_rule("Kontroll 100 : Summeringskontroller driftsregnskapet, utgiftsposteringer i driftsregnskapet",
                  Severity.ERROR, _sign_check("drift", "utgift", True, "utgiftsposteringene"), _annual_error),
        _sum_rule("Kontroll 105 : Summeringskontroller driftsregnskapet, inntektsposteringer i driftsregnskapet",
                  Severity.ERROR, _sign_check("drift", "inntekt", False, "inntektsposteringene"), _annual_error),
        _sum_rule("Kontroll 130 : Skatteinntekter", Severity.ERROR,
                  income_tax("800", "870", "skatteinntekter", frozenset({"211100"})), _annual_error),
        _sum_rule("Kontroll 135 : Rammetilskudd", Severity.ERROR,
                  income_tax("840", "800", "rammetilskudd", frozenset({"211100", "501400"})), _annual_error),
    ]


def _balance(rows: pl.DataFrame, args: CheckArguments) -> tuple[int, int] | None:
    if args.form not in BALANCE_FORMS or rows.is_empty():
        return None
    return sum_of(rows, pl.col("fnum").is_between(10, 29)), sum_of(rows, pl.col("fnum").is_between(31, 5999))


def _balance_rules() -> list[FileRule]:
    def aktiva(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        sums = _balance(rows, args)
        return None if sums is None or sums[0] > 0 else f"Korrigér slik at fila inneholder eiendeler ({sums[0]})"

    def passiva(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        sums = _balance(rows, args)
        return None if sums is None or sums[1] < 0 else \
            f"Korrigér slik at fila inneholder gjeld og egenkapital ({sums[1]})"

    def difference(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        sums = _balance(rows, args)
        if sums is None or (sums[0] > 0 and sums[1] < 0 and abs(sum(sums)) <= 10):
            return None
        return (f"Korrigér differansen ({sum(sums)}) mellom eiendeler ({sums[0]}) og gjeld og egenkapital "
                f"({sums[1]}) i fila (Differanser opptil ±10' godtas)")

    return [
        _sum_rule("Kontroll 115 : Summeringskontroller balanseregnskapet, aktiva", Severity.ERROR, aktiva),
        _sum_rule("Kontroll 120 : Summeringskontroller balanseregnskapet, passiva", Severity.ERROR, passiva),
        _sum_rule("Kontroll 125 : Summeringskontroller balanseregnskapet, differanse i balanseregnskapet",
                  Severity.ERROR, difference),
    ]


def _transfer(x: int, y: int) -> str:
    return (f"Korrigér i fila slik at differansen ({x + y}) i overføringer mellom drifts- ({x}) og "
            f"investeringsregnskapet ({y}) stemmer overens.")


def _transfer_rule() -> FileRule:
    def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        if args.form not in BEVILGNING_FORMS or _district(args) or rows.is_empty():
            return None
        x = sum_of(rows, pl.col("drift") & (A == "570"))
        y = sum_of(rows, pl.col("inv") & (A == "970"))
        return None if abs(x + y) <= 30 else _transfer(x, y)

    return _sum_rule("Kontroll 140 : Overføring mellom drifts- og investeringsregnskap", Severity.ERROR, check)


def _avskrivning_rules() -> list[FileRule]:
    avskr = pl.col("fnum").is_between(100, 799) & (A == "590")
    motpost = (F == "860") & (A == "990")

    def nonzero(selector: pl.Expr, text: str) -> Check:
        def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
            scoped = _scope(rows, args, "drift").filter(selector)
            # Only a file that books the account but nets it to 0 fails, as in the official program.
            if scoped.is_empty() or sum_of(scoped) != 0:
                return None
            return f"Korrigér i fila slik at den inneholder {text}"

        return check

    def elsewhere(selector: pl.Expr, text: str) -> Check:
        def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
            scoped = _scope(rows, args, "drift").filter(selector)
            total = sum_of(scoped)
            if scoped.is_empty() or total == 0:
                return None
            functions = ", ".join(sorted(set(scoped["f"].to_list())))
            return f"Korrigér i fila slik at {text} ({total}) ikke føres på funksjonene ({functions})"

        return check

    return [
        _sum_rule("Kontroll 145 : Avskrivninger, motpost avskrivninger", Severity.ERROR,
                  nonzero(motpost, "motpost avskrivninger (0), føres på funksjon 860 og art 990."), _reg_error),
        _sum_rule("Kontroll 150 : Avskrivninger, avskrivninger", Severity.ERROR,
                  nonzero(avskr, "avskrivninger (0), føres på tjenestefunksjon og art 590."), _reg_error),
        _sum_rule("Kontroll 155 : Avskrivninger, differanse", Severity.ERROR,
                  _pair("drift", avskr, motpost, 30,
                        lambda x, y: f"Korrigér i fila slik at avskrivninger ({x}) stemmer overens med motpost "
                                     f"avskrivninger ({y}) (margin på +/- 30')")),
        _sum_rule("Kontroll 160 : Avskrivninger, avskrivninger ført på andre funksjoner", Severity.ERROR,
                  elsewhere(pl.col("fnum").is_between(800, 899) & (A == "590"),
                            "avskrivningene føres på tjenestefunksjon, og avskrivningene")),
        _sum_rule("Kontroll 165 : Avskrivninger, motpost avskrivninger ført på andre funksjoner", Severity.ERROR,
                  elsewhere((F != "860") & (A == "990"),
                            "motpost avskrivninger kun er ført på funksjon 860, art 990, og motpost avskrivninger")),
    ]


def _zero_function(part: str, function: str, forms: frozenset[str], what: str) -> Check:
    def check(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        scoped = _scope(rows, args, part).filter(function == F)
        if args.form not in forms or scoped.is_empty():
            return None
        total = sum_of(scoped)
        if abs(total) <= 30:
            return None
        return (f"Korrigér i fila slik at differanse ({total}) på funksjon {function} {what} går i 0 i "
                f"{_where(part)}. (margin på +/- 30')")

    return check


def _memoria(rows: pl.DataFrame, args: CheckArguments) -> str | None:
    if args.form not in BALANCE_FORMS:
        return None
    scoped = rows.filter(pl.col("fnum").is_between(9100, 9999))
    if scoped.is_empty():
        return None
    motpost = sum_of(scoped, pl.col("fnum") == 9999)
    memoria = sum_of(scoped, pl.col("fnum") != 9999)
    if abs(memoria + motpost) <= 10:
        return None
    return (f"Korrigér i fila slik at differansen ({memoria + motpost}) mellom memoriakontiene ({memoria}) og "
            f"motkonto for memoriakontiene ({motpost}) går i 0. (margin på +/- 10')")


def _oslo_internal(part: str) -> Check:
    def text(x: int, y: int) -> str:
        return (f"Korrigér differansen ({x + y}) mellom sum over alle funksjoner for art 298 ({x}) og sum over "
                f"alle funksjoner for art 798 ({y}) i {_where(part)}.")

    return _pair(part, A == "298", A == "798", 10, text,
                 applies=lambda a: _district(a) and a.form in ("0A", "0M"), skip_district=False)


def kommune_sum_rules() -> list[FileRule]:
    """Sum rules of the annual municipal/county validator (085–190, without the common 100/105/130/135)."""
    inv_utg = _sign_check("inv", "utgift", True, "utgiftsposteringene", regional_only=True)
    inv_inn = _sign_check("inv", "inntekt", False, "inntektsposteringene", regional_only=True)
    return [
        _sum_rule("Kontroll 085 : Summeringskontroller investeringsregnskapet, utgiftsposteringer i "
                  "investeringsregnskapet", Severity.ERROR, inv_utg),
        _sum_rule("Kontroll 090 : Summeringskontroller investeringsregnskapet, inntektsposteringer i "
                  "investeringsregnskapet", Severity.ERROR, inv_inn),
        _sum_rule("Kontroll 095 : Summeringskontroller investeringsregnskapet, differanse i "
                  "investeringsregnskapet", Severity.ERROR, _difference("inv", require_signs=False)),
        _sum_rule("Kontroll 110 : Summeringskontroller driftsregnskapet, differanse i driftsregnskapet",
                  Severity.ERROR, _difference("drift", require_signs=True)),
        *_balance_rules(),
        _sum_rule("Kontroll 126 : Summeringskontroller driftsregnskapet for de Oslointerne artene 298 og 798, "
                  "differanse i driftsregnskapet", Severity.WARNING, _oslo_internal("drift")),
        _sum_rule("Kontroll 127 : Summeringskontroller investeringsregnskapet for de Oslointerne artene 298 og "
                  "798, differanse i investeringsregnskapet", Severity.WARNING, _oslo_internal("inv")),
        _transfer_rule(),
        *_avskrivning_rules(),
        _sum_rule("Kontroll 170 : Funksjon 290, investeringsregnskapet", Severity.ERROR,
                  _zero_function("inv", "290", KOMMUNE_FORMS, "interkommunale samarbeid")),
        _sum_rule("Kontroll 175 : Funksjon 290, driftsregnskapet", Severity.ERROR,
                  _zero_function("drift", "290", KOMMUNE_FORMS, "interkommunale samarbeid")),
        _sum_rule("Kontroll 180 : Funksjon 465, investeringsregnskapet", Severity.ERROR,
                  _zero_function("inv", "465", FYLKE_FORMS, "interfylkeskommunale samarbeid")),
        _sum_rule("Kontroll 185 : Funksjon 465, driftsregnskapet", Severity.ERROR,
                  _zero_function("drift", "465", FYLKE_FORMS, "interfylkeskommunale samarbeid")),
        _sum_rule("Kontroll 190 : Memoriakonti", Severity.ERROR, _memoria),
    ]


def church_sum_rules() -> list[FileRule]:
    """Sum rules of the church validator (0F/0G): 095, 110, 113, 115–125, 140, 143, 210, 215, 220."""

    def grant(rows: pl.DataFrame, args: CheckArguments) -> str | None:
        scoped = _scope(rows, args, "drift")
        if scoped.is_empty():
            return None
        total = sum_of(scoped, A == "830")
        return None if total < 0 else f"Korrigér slik at fila inneholder tilskudd ({total}) fra kommunen"

    def internal(number: str, title: str, x_art: str, y_art: str, what: tuple[str, str]) -> FileRule:
        def text(x: int, y: int) -> str:
            return (f"Korrigér i fila slik at differansen ({x + y}) mellom {what[0]} ({x}) og {what[1]} ({y}) "
                    "stemmer overens (margin på +/- 30')")

        check = _pair(None, x_art == A, y_art == A, 30, text, applies=lambda a: a.form in BEVILGNING_FORMS)
        return _sum_rule(f"Kontroll {number} : {title}", Severity.ERROR, check)

    avskr = pl.col("fnum").is_between(41, 45)
    return [
        _sum_rule("Kontroll 095 : Summeringskontroller investeringsregnskapet, differanse i "
                  "investeringsregnskapet", Severity.ERROR, _difference("inv", require_signs=False)),
        _sum_rule("Kontroll 110 : Summeringskontroller driftsregnskapet, differanse i driftsregnskapet",
                  Severity.ERROR, _difference("drift", require_signs=True)),
        _sum_rule("Kontroll 113 : Summeringskontroller driftsregnskapet, tilskudd", Severity.ERROR, grant),
        *_balance_rules(),
        _transfer_rule(),
        _sum_rule("Kontroll 143 : Avskrivninger", Severity.ERROR,
                  _pair("drift", avskr & (A == "590"), avskr & (A == "990"), 30,
                        lambda x, y: f"Korrigér i fila slik at differansen ({x + y}) mellom art 590 ({x}) stemmer "
                                     f"overens med art 990 ({y}) (margin på +/- 30')")),
        internal("210", "Interne overføringer, kjøp og salg", "380", "780", ("internkjøp", "internsalg")),
        internal("215", "Interne overføringer, kalkulatoriske utgifter og inntekter", "390", "790",
                 ("kalkulatoriske utgifter", "kalkulatoriske inntekter")),
        internal("220", "Interne overføringer, midler", "465", "865",
                 ("overførte midler", "mottatte overførte midler")),
    ]
