"""55F meklingssaker (one record per office, aggregate counts): key rules and the sum checks, all WARNING.

The sum checks are SSB's ``validateMatrix``: a table of cells given row by row, each row ending with its
total and the last row holding the column totals. Every row must add up to its total and every column
(the total column too) to its column total; each equation that fails is one entry. Which tables a year has
depends on its layout: 2024 has the per-kind result, agreement, concern and no-show tables (rules 010, 012,
013, 015, 016), 2025– the child/concern/violence counts (017–020). A rule whose fields a layout lacks is
not run for that year.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kostra.controls.filecheck.famvern_common import Keys, W, flag, key_rules, number_or_zero
from kostra.controls.filecheck.model import CheckArguments, FileRule, ReportEntry

__all__ = ["KINDS", "matrix_equations", "rules"]

KEYS = Keys("55F", office="KONTOR_NR", journal="KONTOR_NR")
KINDS = ("SEP", "SAM", "SAK", "TILB", "FLY")
Equation = tuple[Sequence[str], str]


def matrix_equations(rows: Sequence[Sequence[str]]) -> list[Equation]:
    """Row equations (parts → last cell) then column equations (cells above → last row), as SSB orders them."""
    equations: list[Equation] = [(row[:-1], row[-1]) for row in rows]
    if len(rows) > 1:
        equations += [([row[j] for row in rows[:-1]], rows[-1][j]) for j in range(len(rows[0]))]
    return equations


def _table(prefix: str, columns: Sequence[str], grand: str = "TOT") -> list[list[str]]:
    """Rows ``PREFIX_KIND_COL`` for each kind and the total row ``PREFIX_TOT_COL`` (its last cell ``grand``)."""
    rows = [[f"{prefix}_{kind}_{c}" for c in columns] for kind in KINDS]
    rows.append([f"{prefix}_TOT_{c}" for c in columns[:-1]] + [f"{prefix}_TOT_{grand}"])
    return rows


def _sum_message(parts: Sequence[str], total: str) -> pl.Expr:
    listed = ", ".join(f"{part}={{}}" for part in parts)
    summed = pl.sum_horizontal([number_or_zero(p) for p in parts])
    return pl.format(f"Summen ({total}) med verdi ({{}}) er ulik summen ({{}}) av følgende liste ({listed})",
                     number_or_zero(total), summed, *[number_or_zero(p) for p in parts])


def sum_rule(name: str, *tables: Sequence[Sequence[str]]) -> FileRule:
    """The matrix check of the first of ``tables`` whose fields the layout has; none: the rule is skipped."""
    choices = [(matrix_equations(rows), {field for row in rows for field in row}) for rows in tables]

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        equations = next((eqs for eqs, fields in choices if fields <= set(records.columns)), None)
        if equations is None:
            return []
        entries: list[ReportEntry] = []
        for parts, total in equations:
            mask = pl.sum_horizontal([number_or_zero(p) for p in parts]) != number_or_zero(total)
            entries.extend(flag(records, mask, name, _sum_message(parts, total), KEYS))
        return sorted(entries, key=lambda entry: entry.line_numbers)  # stable: per record, official order

    return FileRule(name=name, severity=W, check=check)


def equal_rule(name: str, fields: Sequence[str], optional: Sequence[str] = ()) -> FileRule:
    """All of ``fields`` (and of ``optional`` where the layout has them) hold the same number."""

    def check(records: pl.DataFrame, args: CheckArguments) -> list[ReportEntry]:
        present = [*fields, *(f for f in optional if f in records.columns)]
        if not set(present) <= set(records.columns):
            return []
        values = [number_or_zero(f) for f in present]
        mask = ~pl.all_horizontal([value == values[0] for value in values[1:]])
        listed = ", ".join(f"{field}={{}}" for field in present)
        message = pl.format(f"Én eller flere i følgende liste har ulik verdi i forhold til de andre: {listed}",
                            *values)
        return flag(records, mask, name, message, KEYS)

    return FileRule(name=name, severity=W, check=check)


def _tables() -> list[FileRule]:
    deltakere = [[f"{kind}_BEGGE", f"{kind}_EN", f"{kind}_TOT"] for kind in KINDS]
    deltakere.append(["BEGGE_TOT", "EN_TOT", "ENBEGGE_TOT"])
    return [
        sum_rule("Kontroll 005 : Avsluttede meklinger etter tidsbruk, (sumfelt)",
                 _table("MEKLING", ("1", "2", "3", "TOT"), grand="ALLE")),
        sum_rule("Kontroll 006 : Avsluttede meklinger etter deltakere, (sumfelt)", deltakere),
        sum_rule("Kontroll 007 : Avsluttede meklinger etter ventetid, (sumfelt)",
                 _table("VENTETID", ("1", "2", "3", "4", "TOT"))),
        sum_rule("Kontroll 008 : Avsluttede meklinger, ikke overholdt tidsfrist",
                 [["FORHOLD_MEKLER", "FORHOLD_KLIENT", "FORHOLD_TOT"]]),
        sum_rule("Kontroll 009 : Avsluttede meklinger etter varighet, (sumfelt)",
                 _table("VARIGHET", ("1", "2", "3", "TOT"))),
    ]


def _tables_2024() -> list[FileRule]:
    """Tables of the 2024 layout (SSB's rules as they were for that year); 011 has a 2025– form too."""
    return [
        sum_rule("Kontroll 010 : Avsluttede meklinger hvor barn har deltatt, (sumfelt)",
                 [[*(f"BARNDELT_{kind}_TOT" for kind in KINDS), "BARNDELT_TOT_TOT"]]),
        _results(),
        sum_rule("Kontroll 012 : Antall avsluttede meklinger, skriftlig avtale etter resultat, (sumfelt)",
                 _table("AVTALE", ("1", "2", "3", "TOT"))),
        sum_rule("Kontroll 013 : Avsluttede meklinger og bekymringsmeldinger, (sumfelt)",
                 _table("BEKYMR", ("1", "2", "TOT"))),
    ]


def _totals() -> list[FileRule]:
    return [
        equal_rule("Kontroll 014 : Kontroll av totalsummer for meklinger",
                   ("MEKLING_TOT_ALLE", "ENBEGGE_TOT", "VENTETID_TOT_TOT", "VARIGHET_TOT_TOT", "RESULT_TOT_TOT"),
                   optional=("BEKYMR_TOT_TOT",)),
        equal_rule("Kontroll 015 : Kontroll av totalsummer for skriftlige avtaler",
                   ("RESULT_TOT_1", "AVTALE_TOT_TOT")),
        sum_rule("Kontroll 016 : Avsluttede meklinger uten oppmøte, (sumfelt)",
                 [[*(f"UTEN_OPPM_{n}" for n in range(1, 6)), "UTEN_OPPM_TOT"]]),
        # 2025–: names ours, after SSB's class names (Rule017BarnDeltatt …)
        sum_rule("Kontroll 017 : Barn har deltatt, (sumfelt)", [["BARN_DELT", "BARN_IKKE_DELT", "BARN_TOT"]]),
        sum_rule("Kontroll 018 : Bekymringsmelding sendt, (sumfelt)",
                 [["BEKYMR_SENDT", "BEKYMR_IKKE_SENDT", "BEKYMR_TOT"]]),
        sum_rule("Kontroll 019 : Vold som tema, (sumfelt)", [["VOLD_TEMA", "VOLD_IKKE_TEMA", "VOLD_TOT"]]),
        equal_rule("Kontroll 020 : Kontroll av totalsummer for meklinger", ("BARN_TOT", "BEKYMR_TOT", "VOLD_TOT")),
    ]


def _results() -> FileRule:
    """2024: the result table per kind; 2025–: only the result totals, RESULT_TOT_1 + 2 + 3 = RESULT_TOT_TOT."""
    return sum_rule("Kontroll 011 : Resultat av avsluttede meklinger, (sumfelt)",
                    _table("RESULT", ("1", "2", "3", "TOT")),
                    [["RESULT_TOT_1", "RESULT_TOT_2", "RESULT_TOT_3", "RESULT_TOT_TOT"]])


def rules() -> list[FileRule]:
    """All 55F content rules; each runs only on the years whose layout has its fields."""
    return [*key_rules(KEYS, "FYLKE_NR", by_fylke=True), *_tables(), *_tables_2024(), *_totals()]
