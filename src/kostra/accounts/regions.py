"""Gross and net operating expenditure per function group for a region, from the year's submitted accounts.

A municipality, Oslo district or county municipality has its own accounts (kasse 0A/0C, konsern 0M/0P); an
aggregate (county ``03``, ``EKA03``, ``EKG12``, ``EAK``, ``EAKUO``, ``EAFK``, ``EAB`` …) is the sum of the
accounts of the units it covers. Every value is made through the engine with the year's definitions
(``definitions/<year>/accounts``: the function groups, the arts ``AGD9`` brutto and ``AGD1`` netto
driftsutgifter, kontoklasse D, the formulas), and ``trace`` lists the records (attachment and line) that
make one value, with the sign each counts with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl
from sqlalchemy.orm import Session

from kostra.accounts.definitions import YearDefinitions, load_year
from kostra.accounts.engine import Computation, Definitions, compute
from kostra.accounts.submitted import Submitted, read_submitted
from kostra.errors import UsageError
from kostra.reference.regions import members, region

__all__ = ["GroupRow", "RegionAccounts", "TraceRow", "accounting_units", "frame_of", "region_accounts",
           "shown_groups", "trace"]

SCOPES = ("kasse", "konsern")
_OWN_ACCOUNTS = ("kommune", "bydel", "fylkeskommune")


@dataclass(frozen=True)
class GroupRow:
    funksjon: str
    values: dict[str, int | None]  # "<scope>:<art>" -> 1000 NOK; None when no unit has submitted


@dataclass(frozen=True)
class RegionAccounts:
    year: int
    region: str
    name: str
    level: str
    arts: dict[str, str]  # art group -> label
    units: list[str]  # the units whose accounts make the region
    submitted: dict[str, list[str]]  # scope -> units with an accepted file
    rows: list[GroupRow]


@dataclass(frozen=True)
class TraceRow:
    unit: str
    form: str
    attachment: int
    line: int
    kontoklasse: str
    funksjon: str
    art: str
    reported: int  # belop as in the file
    sign: float  # reported x sign is this record's part of the value


def accounting_units(year: int, code: str) -> list[str]:
    """Units with own accounts that make up ``code`` (itself for a municipality, district, county municipality)."""
    info = region(year, code)
    if info.level in _OWN_ACCOUNTS:
        return [code]
    found: list[str] = []
    for member in members(year, code):
        found.extend(accounting_units(year, member))
    return sorted(set(found))


def _submitted(session: Session, year: int, units: list[str]) -> Submitted:
    """The units' files, by region code: a county municipality ``ff00`` may report as unit ``ff``."""
    codes = {u: u for u in units}
    codes.update({u[:2]: u for u in units if region(year, u).level == "fylkeskommune"})
    found = read_submitted(session, year, set(codes))

    def by_region(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col("region").replace(codes))

    return Submitted(found.year, by_region(found.kasse), by_region(found.konsern))


def _plain(definitions: Definitions) -> Definitions:
    """Reported konsern and kasse files are aggregated through the hierarchies only (no nettings)."""
    return Definitions(definitions.funksjonshierarki, definitions.artshierarki, None, None, definitions.formulas)


def shown_groups(defs: YearDefinitions, level: str) -> list[str]:
    """Totals first (FG2 all, FG5, FG4 services, FG1 finance), then the municipal (FGK) and county (FGF) groups;
    a municipality or district is shown no county groups, a county municipality no municipal ones (Oslo, a
    municipality with county tasks, and aggregates get both)."""
    groups = defs.function_groups()
    totals = [g for g in ("FG2", "FG5", "FG4", "FG1") if g in groups]
    rest = sorted((g for g in groups if g not in totals), key=_natural)
    if level in ("kommune", "bydel"):
        rest = [g for g in rest if not g.startswith("FGF")]
    elif level == "fylkeskommune":
        rest = [g for g in rest if not g.startswith("FGK")]
    return totals + rest


def _natural(code: str) -> tuple[str, int, str]:
    """FGK2 before FGK10: letters, then the number, then the rest."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)(.*)", code)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (code, 0, "")


def _cells(defs: YearDefinitions) -> list[tuple[str, str, str]]:
    kk = defs.manifest.office.kontoklasse
    return [(kk, group, art) for group in defs.function_groups() for art in defs.manifest.office.arter]


def _computations(defs: YearDefinitions, submitted: Submitted, units: list[str]) -> dict[str, Computation]:
    frames = {"kasse": submitted.kasse, "konsern": submitted.konsern}
    return {scope: compute(_plain(defs.definitions), frame, None, _cells(defs), units)
            for scope, frame in frames.items()}


def region_accounts(session: Session, year: int, code: str) -> RegionAccounts:
    """The function groups of ``code`` in ``year`` with brutto and netto driftsutgifter, kasse and konsern.

    Raises UnknownYear (no definitions or region structure), UnknownRegion."""
    defs = load_year(year)
    info = region(year, code)
    units = accounting_units(year, code)
    submitted = _submitted(session, year, units)
    have = {"kasse": sorted(set(submitted.kasse.get_column("region"))),
            "konsern": sorted(set(submitted.konsern.get_column("region")))}
    computations = _computations(defs, submitted, units)
    cells = _cells(defs)
    totals = {scope: c.values("kasse").sum(axis=1) for scope, c in computations.items()}
    rows = []
    groups = shown_groups(defs, "aggregate" if code == "0301" else info.level)
    for group in groups:
        values: dict[str, int | None] = {}
        for scope in SCOPES:
            for art in defs.manifest.office.arter:
                i = cells.index((defs.manifest.office.kontoklasse, group, art))
                values[f"{scope}:{art}"] = int(np.rint(totals[scope][i])) if have[scope] else None
        rows.append(GroupRow(group, values))
    return RegionAccounts(year, code, info.name, info.level, dict(defs.manifest.office.arter), units, have, rows)


def trace(session: Session, year: int, code: str, funksjon: str, art: str, scope: str = "kasse") -> list[TraceRow]:
    """The records that make the value of (funksjon, art) for ``code``: unit, attachment, line, sign."""
    if scope not in SCOPES:
        raise UsageError(f"scope {scope!r}: expected kasse or konsern")
    defs = load_year(year)
    cell = (defs.manifest.office.kontoklasse, funksjon, art)
    if cell not in _cells(defs):
        raise UsageError(f"{funksjon}:{art} is not shown for {year}: expected a function group of the year's "
                         f"hierarchy and an art of {', '.join(defs.manifest.office.arter)}")
    units = accounting_units(year, code)
    submitted = _submitted(session, year, units)
    frame = submitted.kasse if scope == "kasse" else submitted.konsern
    computation = compute(_plain(defs.definitions), frame, None, [cell], units)
    details = {row["id"]: row for row in frame.iter_rows(named=True)}
    out = []
    for r, unit in enumerate(units):
        for item in computation.contributions("kasse", 0, r):
            row = details[item.id]
            flip = -1.0 if row["belop"] != row["reported"] else 1.0
            out.append(TraceRow(unit, row["form"], row["attachment"], row["line"], row["kontoklasse"],
                                row["funksjon"], row["art"], row["reported"], item.sign * flip))
    return out


def frame_of(accounts: RegionAccounts) -> pl.DataFrame:
    """The rows as a frame: funksjon, then one column per scope and art."""
    columns = [f"{s}:{a}" for s in SCOPES for a in accounts.arts]
    return pl.DataFrame([{"funksjon": r.funksjon, **{c: r.values[c] for c in columns}} for r in accounts.rows],
                        schema={"funksjon": pl.String, **dict.fromkeys(columns, pl.Int64)})
