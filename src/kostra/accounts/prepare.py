"""One period's inputs made ready as kostraregnskap's ``KostraRegnskapEnPeriode`` makes them.

Codes are fixed (with R's warnings), ``COPY`` netting rows expanded, duplicated hierarchy rows dropped,
hierarchies checked for cycles, formulas resolved, and every code of the data and the formulas checked
against the hierarchies: a code they do not know is an error naming the file, the line and the code
(kostraregnskap would let such a row count only in itself; here it is refused so nothing is silently lost).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kostra.accounts.codes import ART_WARNING, FUNCTION_WARNING, Warnings, fix_code_column, fix_region_column
from kostra.accounts.engine import Definitions
from kostra.accounts.formulas import resolve_formulas
from kostra.accounts.hierarchy import Hierarchy
from kostra.accounts.tables import Table, data_frame, formula_texts, hierarchy
from kostra.errors import AccountsInputError

__all__ = ["PeriodTables", "Prepared", "prepare"]


@dataclass(frozen=True)
class PeriodTables:
    """The R arguments of one call, as tables (``None`` when not given)."""

    data: Table
    funksjonshierarki: Table
    artshierarki: Table
    data_saer: Table | None = None
    artshierarki_nettinger: Table | None = None
    artshierarki_nettinger_kasse: Table | None = None
    stjernetabell: Table | None = None
    formler: Table | None = None


@dataclass(frozen=True)
class Prepared:
    data: pl.DataFrame
    data_saer: pl.DataFrame | None
    definitions: Definitions
    all_arts: list[str]  # every art code of data and hierarchies, R's order
    all_functions: list[str]
    output_arts: list[str]  # R's default output arts: the hierarchies' ``to`` codes
    kontoklasser: list[str]


def _fixed_data(table: Table, warnings: Warnings) -> pl.DataFrame:
    frame = data_frame(table)
    frame = fix_region_column(frame, "region", warnings)
    frame = fix_code_column(frame, "art", ART_WARNING, warnings)
    frame = fix_code_column(frame, "funksjon", FUNCTION_WARNING, warnings)
    return frame.with_columns(pl.col("kontoklasse").str.strip_chars())


def _fixed_hierarchy(table: Table | None, periode: str | None, warnings: Warnings) -> Hierarchy | None:
    if table is None:
        return None
    return hierarchy(table.for_period(periode)).fixed(warnings)


def prepare(tables: PeriodTables, periode: str | None, warnings: Warnings) -> Prepared:
    """Fix, expand and check one period's inputs (``periode`` None: the tables hold one period)."""
    data = _fixed_data(tables.data.for_period(periode), warnings)
    if data.is_empty():
        raise AccountsInputError("there are no rows in data" + (f" for periode {periode}" if periode else ""),
                                 file=tables.data.name)
    arts = _fixed_hierarchy(tables.artshierarki, periode, warnings)
    functions = _fixed_hierarchy(tables.funksjonshierarki, periode, warnings)
    assert arts is not None and functions is not None
    nettinger_kasse = _fixed_hierarchy(tables.artshierarki_nettinger_kasse, periode, warnings)
    if nettinger_kasse is not None:
        nettinger_kasse = nettinger_kasse.with_copies(arts).deduplicated()
    nettinger = _fixed_hierarchy(tables.artshierarki_nettinger, periode, warnings)
    if nettinger is not None:
        nettinger = nettinger.with_copies(arts).deduplicated()
    saer = None
    if tables.data_saer is not None:
        saer = _fixed_data(tables.data_saer.for_period(periode), warnings)
        if saer.is_empty():
            warnings.append("Det er ingen rader i data_saer. Alt derfra blir 0.")
    arts, functions = arts.deduplicated(), functions.deduplicated()
    for h in (arts, functions, nettinger, nettinger_kasse):
        if h is not None:
            h.check_acyclic()
    frames = [f for f in (data, saer) if f is not None]
    all_arts = _unique(arts.codes(), *(h.codes() for h in (nettinger, nettinger_kasse) if h is not None),
                       *(_distinct(f, "art") for f in frames))
    all_functions = _unique(functions.codes(), *(_distinct(f, "funksjon") for f in frames))
    _check_known(tables.data, data, functions, arts)
    if tables.data_saer is not None and saer is not None:
        _check_known(tables.data_saer, saer, functions, arts)
    formulas = ()
    if tables.formler is not None:
        formulas = tuple(resolve_formulas(formula_texts(tables.formler.for_period(periode)), tables.formler.name))
        _check_formula_codes(formulas, set(all_functions), set(all_arts))
    output_arts = _unique(arts.to_codes(), *(h.to_codes() for h in (nettinger, nettinger_kasse) if h is not None))
    kontoklasser = _unique(*(_distinct(f, "kontoklasse") for f in frames))
    return Prepared(data, saer, Definitions(functions, arts, nettinger, nettinger_kasse, formulas), all_arts,
                    all_functions, output_arts, kontoklasser)


def _distinct(frame: pl.DataFrame, column: str) -> list[str]:
    """Distinct values in order of first appearance (as R's ``unique``)."""
    return frame.get_column(column).unique(maintain_order=True).to_list()


def _unique(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(c for codes in lists for c in codes))


def _check_known(table: Table, frame: pl.DataFrame, functions: Hierarchy, arts: Hierarchy) -> None:
    for column, h, what in (("funksjon", functions, "function"), ("art", arts, "art")):
        known = set(h.codes())
        if all(code in known for code in frame.get_column(column).unique().to_list()):
            continue  # the usual case, decided on the distinct codes only
        unknown = frame.filter(~pl.col(column).is_in(pl.Series(sorted(known), dtype=pl.String).implode()))
        if unknown.height:
            row = unknown.row(0, named=True)
            more = f" ({unknown.height} rows in all)" if unknown.height > 1 else ""
            raise AccountsInputError(f"{column} {row[column]!r} is not a code of {h.name}: the {what} hierarchy "
                                     f"does not know it{more}", file=table.name, line=int(row["line"]))


def _check_formula_codes(formulas: tuple, functions: set[str], arts: set[str]) -> None:  # type: ignore[type-arg]
    for formula in formulas:
        for _kk, f, a in (formula.left, *formula.terms):
            if f not in functions:
                raise AccountsInputError(f"formula {formula.text!r}: funksjon {f!r} is in no hierarchy or data",
                                         file=formula.file, line=formula.line)
            if a not in arts:
                raise AccountsInputError(f"formula {formula.text!r}: art {a!r} is in no hierarchy or data",
                                         file=formula.file, line=formula.line)
