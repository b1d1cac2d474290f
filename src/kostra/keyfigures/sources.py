"""Population and accounts for key figures: per base unit of a year's structure.

Population (``kostra.reference``, SSB table 07459 and 10826 for Oslo districts) is taken on 1 January of
the year or of the next year, as the figure says; when that date is in another region structure than the
year's (1 January 2024 for the 2023 structure) it is carried over through the code changes (mergers sum).
A date not loaded gives missing with the reason, or, only when asked, the newest loaded year as a
clearly labelled stand-in. Accounts come from the accounts engine over the submitted 0A/0C (kasse) and
0M/0P (konsern) files, with the year's definitions (brutto AGD9, netto AGD1, in 1000 NOK).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import numpy as np
import polars as pl
from sqlalchemy.orm import Session

from kostra.errors import KostraError
from kostra.reference import base_units, district_years, mapping, population, population_years, region
from kostra.reference.datafiles import district_cube, municipality_cube

__all__ = ["AccountsSource", "PopulationSource"]


class PopulationSource:
    """Persons by unit and age band for year ``year`` (units in that year's structure)."""

    def __init__(self, year: int, *, stand_in: bool = False) -> None:
        self.year = year
        self.stand_in = stand_in
        self._held = population_years()
        self._dates: dict[str, tuple[int | None, str]] = {}

    def date_year(self, date: str) -> tuple[int | None, str]:
        """The population year to read for ``date`` and a note ('' when it is the real date)."""
        if date not in self._dates:
            self._dates[date] = self._date_year(date)
        return self._dates[date]

    def _date_year(self, date: str) -> tuple[int | None, str]:
        wanted = self.year + (1 if date == "jan1_next_year" else 0)
        held = self._held
        if wanted in held:
            return wanted, ""
        if self.stand_in and held:
            chosen = max(y for y in held if y <= wanted) if any(y <= wanted for y in held) else min(held)
            return chosen, (f"stand-in: population 1 January {chosen} used for 1 January {wanted}, "
                            f"which is not loaded")
        return None, (f"population 1 January {wanted} is not loaded (SSB table 07459; loaded: "
                      f"{', '.join(map(str, held))}); load it with: kostra reference load-population FILE")

    def band(self, unit: str, age_from: int, age_to: int, date: str) -> tuple[int | None, str]:
        chosen, note = self.date_year(date)
        if chosen is None:
            return None, note
        try:
            return _band(self.year, chosen, unit, age_from, age_to), note
        except KostraError as error:
            return None, f"population of {unit} on 1 January {chosen}: {error}"


@lru_cache(maxsize=16384)
def _band(structure: int, date_year: int, unit: str, age_from: int, age_to: int) -> int:
    level = region(structure, unit).level
    if level == "fylkeskommune":  # the inhabitants of the county: the sum of its municipalities
        return sum(_band(structure, date_year, m, age_from, age_to) for m in base_units(structure, unit))
    if structure == date_year or level == "bydel":
        return _persons(date_year, unit, age_from, age_to)
    return round(sum(share * _persons(date_year, new, age_from, age_to)
                     for new, share in _inverse(structure, date_year).get(unit, {}).items()))


def _persons(year: int, unit: str, age_from: int, age_to: int) -> int:
    """Straight from the population cubes (a municipality or district of ``year``'s structure)."""
    if len(unit) == 6 and year not in _district_years():
        return population(year, unit, age_from, age_to)  # raises UnknownYear naming the years held
    cube = district_cube(year) if len(unit) == 6 else municipality_cube(year)
    row = cube.index.get(unit)
    if row is None:
        return population(year, unit, age_from, age_to)  # raises UnknownRegion / UnknownYear with the reason
    return int(cube.persons[row, age_from:age_to + 1, :].sum())


@lru_cache(maxsize=1)
def _district_years() -> tuple[int, ...]:
    return tuple(district_years())


@lru_cache(maxsize=8)
def _inverse(structure: int, date_year: int) -> dict[str, dict[str, float]]:
    """Unit of ``structure`` → {code of ``date_year``: share of that code's persons that belong to it}."""
    found: dict[str, dict[str, float]] = {}
    for new, targets in mapping(date_year, structure).items():
        for old, share in targets.items():
            found.setdefault(old, {})[new] = share
    return found


class AccountsSource:
    """Values of (function, art, scope) per unit from the submitted accounts, computed once per year."""

    def __init__(self, session: Session, year: int, units: list[str], *, as_of: datetime | None = None,
                 approved_only: bool = False) -> None:
        self.session, self.year, self.units = session, year, units
        self.as_of, self.approved_only = as_of, approved_only  # only files submitted by then (a snapshot)
        self._values: dict[tuple[str, str, str], dict[str, float]] = {}
        self._have: dict[str, set[str]] = {}
        self.error = ""

    def prepare(self, cells: set[tuple[str, str, str]]) -> None:
        """Compute every (function, art, scope) the figures ask for, in one engine run per scope."""
        from kostra.accounts.definitions import load_year
        from kostra.accounts.engine import Definitions, compute
        from kostra.keyfigures.accounts import accounts_attachments, read_accounts

        try:
            defs = load_year(self.year)
        except KostraError as error:
            self.error = f"no accounts definitions for {self.year}: {error}"
            return
        plain = Definitions(defs.definitions.funksjonshierarki, defs.definitions.artshierarki, None, None,
                            defs.definitions.formulas)
        # A county municipality ff00 may report its accounts as unit ff (as kostra.accounts.regions reads them).
        codes = {u: u for u in self.units}
        codes.update({u[:2]: u for u in self.units if len(u) == 4 and u.endswith("00") and u != "0300"})
        found = accounts_attachments(self.session, self.year, codes, as_of=self.as_of,
                                     approved_only=self.approved_only)
        kasse, konsern = read_accounts(self.session, self.year, found)
        for scope, raw in (("kasse", kasse), ("konsern", konsern)):
            frame = raw.with_columns(pl.col("region").replace(codes))
            wanted = sorted({(f, a) for f, a, s in cells if s == scope})
            self._have[scope] = set(frame.get_column("region").unique().to_list())
            if not wanted:
                continue
            engine_cells = [(defs.manifest.office.kontoklasse, f, a) for f, a in wanted]
            values = compute(plain, frame, None, engine_cells, self.units).values("kasse")
            for i, (function, art) in enumerate(wanted):
                row = np.asarray(values[i]).ravel()
                self._values[(function, art, scope)] = dict(zip(self.units, row.tolist(), strict=True))

    def value(self, unit: str, function: str, art: str, scope: str) -> tuple[float | None, str]:
        if self.error:
            return None, self.error
        if unit not in self._have.get(scope, set()):
            forms = "0A/0C" if scope == "kasse" else "0M/0P"
            return None, f"{unit} has not submitted its accounts ({forms}, {scope}) for {self.year}"
        return self._values[(function, art, scope)][unit], ""
