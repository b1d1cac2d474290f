"""Building blocks of the family-counselling rules (52AF, 52BF, 53F, 55F): all WARNING, vectorised in Polars.

Every rule flags records through one boolean expression over the raw layout columns and builds its message
with ``pl.format``, so a file of any size is checked in a few column passes. Entries carry the office number
as caseworker and the case/group/office number as journal id, as SSB's ``Familievern5x`` rules do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity
from kostra.intake.fixedwidth import LINE_COLUMN
from kostra.intake.layouts import famvern_offices, load_layout

__all__ = [
    "Keys",
    "W",
    "any_code_rule",
    "code_rule",
    "codes_of",
    "date_of",
    "duplicates_rule",
    "flag",
    "int_of",
    "key_rules",
    "number_or_zero",
    "positive_rule",
    "record_rule",
    "text_of",
]

W = Severity.WARNING
ArgsExpr = Callable[[CheckArguments], pl.Expr]


@dataclass(frozen=True, slots=True)
class Keys:
    """The form and the columns an entry is reported under: office (caseworker) and case (journal id)."""

    form: str
    office: str
    journal: str


def text_of(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars()


def int_of(name: str) -> pl.Expr:
    """The field as an integer; null when blank or not a number."""
    return text_of(name).cast(pl.Int64, strict=False)


def number_or_zero(name: str) -> pl.Expr:
    """The field as an integer, 0 when blank or not a number (SSB's ``fieldAsIntOrDefault``)."""
    return int_of(name).fill_null(0)


def date_of(name: str) -> pl.Expr:
    """The field as a date (ddMMyyyy); null when blank or invalid."""
    return pl.when(pl.col(name).str.contains(r"^[0-9]{8}$")).then(
        pl.col(name).str.strptime(pl.Date, "%d%m%Y", strict=False))


def codes_of(keys: Keys, year: int, field: str) -> list[str]:
    """The codes the year's layout allows in ``field``."""
    return [item.code for item in load_layout(keys.form, year).field(field).code_list]


def _codes_text(keys: Keys, year: int, field: str) -> str:
    return ", ".join(f"{item.code} ({item.value})" for item in load_layout(keys.form, year).field(field).code_list)


def flag(records: pl.DataFrame, mask: pl.Expr, name: str, message: pl.Expr, keys: Keys) -> list[ReportEntry]:
    """One WARNING entry per record where ``mask`` holds (null counts as false)."""
    hits = records.filter(mask.fill_null(False)).select(
        message.alias("_message"), text_of(keys.journal).alias("_journal"), text_of(keys.office).alias("_office"),
        pl.col(LINE_COLUMN))
    return [ReportEntry(W, name, text, (line,), journal_id=journal, caseworker=office)
            for text, journal, office, line in hits.iter_rows()]


def record_rule(name: str, keys: Keys, when: ArgsExpr, message: ArgsExpr) -> FileRule:
    """A rule flagging each record where ``when(args)`` holds, with the message ``message(args)``."""

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        return flag(records, when(args), name, message(args), keys)

    return FileRule(name=name, severity=W, check=check)


def code_rule(name: str, keys: Keys, field: str, text: str, only_when: pl.Expr | None = None,
              mandatory: bool = True) -> FileRule:
    """``field`` must hold a code of its list (optionally only where ``only_when`` holds)."""
    suffix = " Feltet er obligatorisk å fylle ut." if mandatory else ""

    def when(args: CheckArguments) -> pl.Expr:
        bad = ~text_of(field).is_in(codes_of(keys, args.year, field))
        return bad if only_when is None else only_when & bad

    def message(args: CheckArguments) -> pl.Expr:
        return pl.format(f"{text} Fant '{{}}', forventet én av: {_codes_text(keys, args.year, field)}.{suffix}",
                         pl.col(field))

    return record_rule(name, keys, when, message)


def any_code_rule(name: str, keys: Keys, fields: Sequence[str], text: str) -> FileRule:
    """At least one of ``fields`` (check boxes) must hold a code of its list."""

    def when(args: CheckArguments) -> pl.Expr:
        return ~pl.any_horizontal([text_of(f).is_in(codes_of(keys, args.year, f)) for f in fields])

    return record_rule(name, keys, when, lambda _args: pl.lit(text))


def positive_rule(name: str, keys: Keys, fields: Sequence[str], text: str) -> FileRule:
    """At least one of ``fields`` must be a number above 0 (blank counts as 0)."""
    return record_rule(name, keys, lambda _args: ~pl.any_horizontal([number_or_zero(f) > 0 for f in fields]),
                       lambda _args: pl.lit(text))


def key_rules(keys: Keys, region_field: str, by_fylke: bool) -> list[FileRule]:
    """003/004/005: region (or fylke) and office are known, and the office belongs to that region."""
    unit = "Fylkesnummer" if by_fylke else "Regionsnummer"
    unit_nb = "fylkesnummeret" if by_fylke else "regionsnummeret"
    pair_name = ("Kontroll 005 : Manglende samsvar mellom fylkes- og kontornummer" if by_fylke
                 else "Kontroll 005 : Manglende samsvar mellom regions- og kontornummer")
    office_field = keys.office

    def units(args: CheckArguments) -> tuple[list[str], list[str], list[str]]:
        offices = famvern_offices(args.year)
        regions = [o.fylke if by_fylke else o.region for o in offices]
        return (sorted(set(regions)), sorted({o.kontor for o in offices}),
                [r + o.kontor for r, o in zip(regions, offices, strict=True)])

    def unit_message(args: CheckArguments) -> pl.Expr:
        valid = ", ".join(units(args)[0])
        return pl.format(f"Det er ikke oppgitt gyldig {unit_nb}, '{{}}'. Gyldige verdier: {valid}.",
                         pl.col(region_field))

    return [
        record_rule(f"Kontroll 003 : {unit}", keys, lambda a: ~pl.col(region_field).is_in(units(a)[0]), unit_message),
        record_rule("Kontroll 004 : Kontornummer", keys, lambda a: ~pl.col(office_field).is_in(units(a)[1]),
                    lambda _a: pl.format("Det er ikke oppgitt gyldig familievernkontornummer, '{}'.",
                                         pl.col(office_field))),
        record_rule(pair_name, keys,
                    lambda a: ~(pl.col(region_field) + pl.col(office_field)).is_in(units(a)[2]),
                    lambda _a: pl.format(f"Kontornummeret '{{}}' hører ikke til {unit_nb} '{{}}'.",
                                         pl.col(office_field), pl.col(region_field))),
    ]


def duplicates_rule(keys: Keys, name: str, what: str) -> FileRule:
    """One WARNING per duplicated (office, journal) key, listing all its lines."""
    columns = [keys.office, keys.journal]

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        groups = (records.group_by(columns).agg(pl.col(LINE_COLUMN).sort())
                  .filter(pl.col(LINE_COLUMN).list.len() > 1).sort(pl.col(LINE_COLUMN).list.first()))
        entries = []
        for row in groups.iter_rows(named=True):
            values = ", ".join(f"{key} '{row[key]}'" for key in columns)
            entries.append(ReportEntry(W, name, f"Dublett: {what} ({values}) forekommer flere ganger.",
                                       tuple(row[LINE_COLUMN]), journal_id=str(row[keys.journal]).strip(),
                                       caseworker=str(row[keys.office]).strip()))
        return entries

    return FileRule(name=name, severity=W, check=check)
