"""Rules shared by the social-service files 11F (sosialhjelp) and 11CF (kvalifisering).

Each rule is a record-level condition written as a Polars expression over the raw layout columns
(not trimmed) plus a message expression; :func:`record_rule` turns it into a :class:`FileRule`.
Names and severities follow SSB's ``SosialRuleId.kt``; deliberate differences are listed in
``docs/file-controls-sosial.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kostra.controls.filecheck.memo import by_arguments_read
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry, Severity
from kostra.controls.filecheck.statistics import StatisticsQuery
from kostra.errors import DefinitionError
from kostra.intake.identifiers import fnr_columns

# libyaml's safe loader when installed (the layouts are large: the pure-Python one takes a second)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "OSLO",
    "OSLO_DISTRICTS",
    "RuleContext",
    "common_rules",
    "flag",
    "int_of",
    "layout_codes",
    "packaged_layout",
    "person_statistics",
    "record_rule",
    "text_of",
]

OSLO = "0301"
OSLO_DISTRICTS = tuple(f"{n:02d}" for n in range(1, 16))  # 01–15 report; 16 Sentrum, 17 Marka do not
AGE_BANDS = ((18, 24), (25, 29), (30, 39), (40, 49), (50, 66), (67, None))


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule's expressions may depend on: the arguments and the columns of this year's layout."""

    args: CheckArguments
    columns: frozenset[str]

    def date(self, name: str) -> pl.Expr:
        """A layout date column parsed (ddMMyyyy, or ddMMyy in layouts before 2025); null when invalid."""
        return date_of(name)

    def birth_date(self) -> pl.Expr:
        """Birth date from FODSELSDATO where the layout has it (2025–), else from the fødselsnummer."""
        if "FODSELSDATO" in self.columns:
            return date_of("FODSELSDATO")
        return fnr_columns(pl.col("PERSON_FODSELSNR"))[1]

    def age(self) -> pl.Expr:
        """Age as KOSTRA counts it: reporting year minus birth year (null when unknown)."""
        return pl.lit(self.args.year) - self.birth_date().dt.year()


Predicate = Callable[[RuleContext], pl.Expr]


def text_of(name: str) -> pl.Expr:
    """A column trimmed of surrounding spaces."""
    return pl.col(name).str.strip_chars()


def int_of(name: str) -> pl.Expr:
    """A right-justified integer column; null when blank or not a number."""
    return text_of(name).cast(pl.Int64, strict=False)


def date_of(name: str) -> pl.Expr:
    """A ddMMyyyy (8 chars) or ddMMyy (6 chars) column as Date; null when blank or invalid."""
    raw = pl.col(name)
    long = raw.str.strptime(pl.Date, "%d%m%Y", strict=False)
    short = raw.str.strptime(pl.Date, "%d%m%y", strict=False)
    return pl.when(raw.str.len_chars() == 8).then(long).otherwise(short)


def flag(records: pl.DataFrame, mask: pl.Expr, rule_name: str, severity: Severity,
         message: pl.Expr) -> list[ReportEntry]:
    """One entry per record where ``mask`` is true (null counts as false), with journal id and caseworker."""
    hits = records.filter(mask.fill_null(False)).select(
        pl.col("line"),
        text_of("PERSON_JOURNALNR").alias("journal"),
        text_of("SAKSBEHANDLER").alias("caseworker"),
        message.alias("message"),
    )
    return [
        ReportEntry(severity, rule_name, msg or "", (int(line),), journal or "", worker or "")
        for line, journal, worker, msg in hits.iter_rows()
    ]


def record_rule(name: str, severity: Severity, when: Predicate, message: Callable[[RuleContext], pl.Expr],
                needs: Sequence[str] = (), screen: Predicate | None = None) -> FileRule:
    """A rule that flags each record where ``when`` holds. Skipped when a column in ``needs`` is absent.

    ``screen``, when given, is a cheaper condition that holds wherever ``when`` does (the engine's screen,
    ``FileRule.screen``); by default ``when`` itself.
    """

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        context = RuleContext(args, frozenset(records.columns))
        if records.is_empty() or any(column not in context.columns for column in needs):
            return []
        return flag(records, when(context), name, severity, message(context))

    def build_screen(args: CheckArguments, columns: frozenset[str]) -> pl.Expr | None:
        if any(column not in columns for column in needs):
            return None
        return (screen or when)(RuleContext(args, columns))

    # The engine keeps the rules (registry.rules_of); their screens are kept per arguments read
    return FileRule(name=name, severity=severity, check=check, screen=by_arguments_read(build_screen, size=64))


def quoted(name: str) -> pl.Expr:
    """The raw field value in quotes, for messages."""
    return pl.format("'{}'", pl.col(name).fill_null(""))


def code_rule(name: str, column: str, codes: Sequence[str], label: str) -> FileRule:
    """Field must hold one of ``codes`` (compared after trimming)."""
    expected = ", ".join(codes)
    return record_rule(
        name, Severity.ERROR,
        lambda _c: ~text_of(column).is_in(list(codes)),
        lambda _c: pl.format("{} {}: {} is not a valid code; expected one of {}", pl.lit(label), pl.lit(column),
                             quoted(column), pl.lit(expected)),
    )


# -- rule 03–05B -------------------------------------------------------------------------------------------

def _municipality(c: RuleContext) -> pl.Expr:
    return pl.col("KOMMUNE_NR") != c.args.region[:4]


def _district(c: RuleContext) -> pl.Expr:
    # Blank BYDELSNR outside Oslo is correct (the official 002 flags it: kostra-files.md §7.1).
    district = text_of("BYDELSNR")
    if c.args.region[:4] == OSLO:
        return ~district.is_in(list(OSLO_DISTRICTS))
    return district != ""


def _district_message(c: RuleContext) -> pl.Expr:
    expected = "01–15 (Oslo district)" if c.args.region[:4] == OSLO else "blank (only Oslo reports districts)"
    return pl.format("BYDELSNR {} for KOMMUNE_NR {}: expected {}", quoted("BYDELSNR"), quoted("KOMMUNE_NR"),
                     pl.lit(expected))


def _year_rules() -> list[FileRule]:
    return [
        record_rule("Kontroll 03 : Kommunenummer", Severity.ERROR, _municipality,
                    lambda c: pl.format("KOMMUNE_NR {} differs from the municipality of the report, expected '{}'",
                                        quoted("KOMMUNE_NR"), pl.lit(c.args.region[:4]))),
        record_rule("Kontroll 03 : Bydelsnummer", Severity.ERROR, _district, _district_message),
        record_rule("Kontroll 04 : Oppgaveår", Severity.ERROR,
                    lambda c: pl.col("VERSION") != f"{c.args.year % 100:02d}",
                    lambda c: pl.format("VERSION {} is not the reporting year, expected '{}' for {}",
                                        quoted("VERSION"), pl.lit(f"{c.args.year % 100:02d}"), pl.lit(c.args.year))),
        record_rule("Kontroll 04A : Fødselsdato", Severity.ERROR,
                    lambda c: c.date("FODSELSDATO").is_null(),
                    lambda _c: pl.format("FODSELSDATO {} is not a valid date, expected ddMMyyyy",
                                         quoted("FODSELSDATO")),
                    needs=("FODSELSDATO",)),
    ]


def _fnr_rules() -> list[FileRule]:
    fnr = pl.col("PERSON_FODSELSNR")
    valid = fnr_columns(fnr)[0]
    complete_valid = valid & ~fnr.str.slice(6, 5).is_in(["00100", "00200", "99999"])
    duplicate_fnr = complete_valid & (fnr.count().over(pl.when(complete_valid).then(fnr)) > 1)
    journal = text_of("PERSON_JOURNALNR")
    duplicate_journal = (journal != "") & (journal.count().over(journal) > 1)
    return [
        record_rule("Kontroll 05 : Fødselsnummer", Severity.WARNING, lambda _c: ~valid,
                    lambda _c: pl.format("PERSON_FODSELSNR {} is missing or not a valid fødselsnummer/D-number "
                                         "(11 digits with correct check digits)", quoted("PERSON_FODSELSNR"))),
        # Screened by the value alone: a number flagged here occurs twice, valid or not (far cheaper to test)
        record_rule("Kontroll 05A : Fødselsnummer, dubletter", Severity.ERROR, lambda _c: duplicate_fnr,
                    lambda _c: pl.format("fødselsnummer {} occurs in {} records; each person is reported once",
                                         quoted("PERSON_FODSELSNR"), fnr.count().over(fnr)),
                    screen=lambda _c: fnr.is_duplicated()),
        record_rule("Kontroll 05B : Journalnummer, dubletter", Severity.ERROR, lambda _c: duplicate_journal,
                    lambda _c: pl.format("PERSON_JOURNALNR {} occurs in {} records; expected unique journal numbers",
                                         quoted("PERSON_JOURNALNR"), journal.count().over(journal))),
    ]


# -- rule 06–13 --------------------------------------------------------------------------------------------

def age_rules(minor_severity: Severity, old_limit: int, old_title: str, inclusive: bool) -> list[FileRule]:
    """06 (age under 18) and 07 (too old; ``inclusive`` means ``age >= old_limit``)."""
    too_old: Predicate = (lambda c: c.age() >= old_limit) if inclusive else (lambda c: c.age() > old_limit)
    op = "≥" if inclusive else ">"
    return [
        record_rule("Kontroll 06 : Alder under 18 år", minor_severity, lambda c: c.age() < 18,
                    lambda c: pl.format("age {} (born {}) is under 18 in {}", c.age(), c.birth_date(),
                                        pl.lit(c.args.year))),
        record_rule(old_title, Severity.WARNING, too_old,
                    lambda c: pl.format("age {} (born {}) is {} {} in {}; check the birth date", c.age(),
                                        c.birth_date(), pl.lit(op), pl.lit(old_limit), pl.lit(c.args.year))),
    ]


def _children_rules() -> list[FileRule]:
    has_children, count = text_of("BU18"), int_of("ANTBU18")
    return [
        code_rule("Kontroll 08 : Kjønn", "KJONN", ("1", "2"), "sex"),
        code_rule("Kontroll 09 : Sivilstand", "EKTSTAT", ("1", "2", "3", "4", "5"), "marital status"),
        code_rule("Kontroll 10 : Forsørgerplikt for barn under 18 år i husholdningen. Gyldige verdier", "BU18",
                  ("1", "2"), "children under 18"),
        record_rule("Kontroll 11 : Det bor barn under 18 år i husholdningen. Mangler antall barn.", Severity.ERROR,
                    lambda _c: (has_children == "1") & (count.fill_null(0) == 0),
                    lambda _c: pl.format("BU18 is '1' (children under 18) but ANTBU18 is {}; expected a number > 0",
                                         quoted("ANTBU18"))),
        record_rule("Kontroll 12 : Det bor barn under 18 år i husholdningen.", Severity.ERROR,
                    lambda _c: (has_children == "2") & (count.fill_null(0) > 0),
                    lambda _c: pl.format("BU18 is '2' (no children under 18) but ANTBU18 is {}; expected blank or 0",
                                         quoted("ANTBU18"))),
        record_rule("Kontroll 13 : Mange barn under 18 år i husholdningen.", Severity.ERROR,
                    lambda _c: count >= 14,
                    lambda _c: pl.format("ANTBU18 {}: 14 or more children under 18 in the household is implausible",
                                         quoted("ANTBU18"))),
    ]


def common_rules(minor_severity: Severity, old_limit: int, old_title: str, inclusive: bool) -> list[FileRule]:
    """Rules 03–13 shared by 11F and 11CF; the age rules differ by form."""
    return [*_year_rules(), *_fnr_rules(), *age_rules(minor_severity, old_limit, old_title, inclusive),
            *_children_rules()]


# -- statistics --------------------------------------------------------------------------------------------

def person_statistics(args: CheckArguments, columns: frozenset[str], sums: Sequence[tuple[str, pl.Expr]],
                      extra: Callable[[pl.DataFrame], list[dict[str, object]]] | None = None) -> StatisticsQuery:
    """The statistics of an 11F/11CF report as one query: records, age bands, the form's ``sums`` (label,
    expression), recipients per month (STMND_1..12 set to the month number), households with children under 18,
    then the ``extra`` rows.
    """
    age = RuleContext(args, columns).age()
    bands = [("under 18", age < 18)]
    for low, high in AGE_BANDS:
        inside = (age >= low) if high is None else ((age >= low) & (age <= high))
        bands.append((f"{low}+" if high is None else f"{low}–{high}", inside))
    labels, sum_labels, months = [label for label, _ in bands], [label for label, _ in sums], range(1, 13)
    exprs = {
        **{f"band {i}": inside.sum() for i, (_, inside) in enumerate(bands)},
        "unknown": age.null_count(),
        **{f"sum {i}": expr for i, (_, expr) in enumerate(sums)},
        **{f"month {m}": (pl.col(f"STMND_{m}") == f"{m:02d}").sum() for m in months},
        "households": (text_of("BU18") == "1").sum(),
    }

    def rows(values: Mapping[str, object], height: int) -> list[dict[str, object]]:
        return [
            {"statistic": "records", "group": "", "count": height},
            *({"statistic": "age band", "group": label, "count": _count(values[f"band {i}"])}
              for i, label in enumerate(labels)),
            {"statistic": "age band", "group": "unknown", "count": _count(values["unknown"])},
            *({"statistic": label, "group": "", "count": _count(values[f"sum {i}"])}
              for i, label in enumerate(sum_labels)),
            *({"statistic": "recipients per month", "group": f"{m:02d}", "count": _count(values[f"month {m}"])}
              for m in months),
            {"statistic": "households with children under 18", "group": "", "count": _count(values["households"])},
        ]

    return StatisticsQuery(exprs, rows, extra)


def _count(value: object) -> int:
    """A count or sum from a query row as int (an empty sum is 0)."""
    return int(value or 0)  # type: ignore[call-overload]


# -- layouts shipped in the package ------------------------------------------------------------------------

@cache
def packaged_layout(form: str, year: int) -> dict[str, Any]:
    """The official layout YAML of ``form`` for ``year`` as shipped inside the ``kostra`` package.

    Raises DefinitionError when the package holds no such file (the intake step ships them).
    """
    path = Path(__file__).resolve().parents[2] / "intake" / "layouts" / str(year) / f"{form}.yaml"
    if not path.is_file():
        raise DefinitionError(f"no layout for {form} {year} in the installed package (expected {path}); "
                              "layouts exist for 2022–2026", item=form)
    found = [path]
    loaded: dict[str, Any] = yaml.load(found[0].read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    return loaded


def layout_codes(layout: dict[str, Any], field_name: str) -> frozenset[str]:
    """The code list of one field of a layout (empty when the field has none or is absent)."""
    for spec in layout.get("fields", []):
        if spec.get("name") == field_name:
            return frozenset(str(item["code"]) for item in spec.get("codeList") or [])
    return frozenset()
