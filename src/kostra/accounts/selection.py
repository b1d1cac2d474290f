"""One accounts value per unit (a function × an art, drift or investering), through the engine.

This is what controls read when a check relates a form to the accounts (``accounts: {function: "253",
art: AGD1}``): the unit's accounts aggregated with the year's definitions, so a control sees the same
number as the office and the key figures. A function or art may be

* a code or group of the year's hierarchies (``253``, ``FGK11``, ``AGD1`` netto, ``AGD9`` brutto): SSB's
  definition, revenues read positive (``submitted`` explains the sign convention);
* a range ``100-285`` or nothing (every code): the plain sum of the amounts as reported.

``scope`` keeps the kasse (0A/0C, kontoklasse 1 and 0) or the konsern (0M/0P, 3 and 4) records only; without
it both count. Years without accounts definitions use the nearest earlier year's (else the first year's).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from kostra.accounts.definitions import YearDefinitions, available_years, load_year
from kostra.accounts.engine import Definitions, compute
from kostra.accounts.hierarchy import Hierarchy, HierarchyRow
from kostra.accounts.submitted import KASSE_FORMS, KONSERN_FORMS

__all__ = ["KONTOKLASSER", "SCOPES", "definitions_for", "unit_sums", "year_definitions_for"]

# Kontoklasse of the files: 1 (kasse) / 3 (særbedrift, konsern) drift, 0 / 4 investering.
KONTOKLASSER = {"drift": "D", "investering": "I"}
_FILE_KONTOKLASSE = {"1": "D", "3": "D", "0": "I", "4": "I"}
# scope -> the file kontoklasser of its forms (kasse 0A/0C: 1, 0; konsern 0M/0P: 3, 4)
SCOPES: dict[str, frozenset[str]] = {
    "kasse": frozenset(k for codes in KASSE_FORMS.values() for k in codes),
    "konsern": frozenset(k for codes in KONSERN_FORMS.values() for k in codes),
}


def year_definitions_for(year: int) -> YearDefinitions:
    """The accounts definitions ``year`` is aggregated with: its own, else the nearest earlier (first) year's."""
    years = available_years()
    earlier = [y for y in years if y <= year]
    return load_year(earlier[-1] if earlier else years[0])


def definitions_for(year: int) -> Definitions:
    found = year_definitions_for(year).definitions
    return Definitions(found.funksjonshierarki, found.artshierarki, None, None, found.formulas)


def _spec(spec: str | None, codes: list[str], hierarchy: Hierarchy, signed: bool) -> tuple[str, list[HierarchyRow]]:
    """The code to ask the engine for, and the extra hierarchy rows a range or 'everything' needs."""
    if spec is not None and "-" not in spec.strip("-"):
        return spec, []
    if spec is None:
        members = codes
        name = "__all__"
    else:
        low, high = spec.split("-", 1)
        members = [c for c in codes if c.isdigit() and int(low) <= int(c) <= int(high)]
        name = f"__{spec}__"
    # For arts: the file's sign, i.e. -1 on revenue arts, whose amounts the engine reads negated.
    rows = [HierarchyRow(name, c, -1.0 if signed and c.isdigit() and c >= "600" else 1.0, 0) for c in members]
    return name, rows


def _with(hierarchy: Hierarchy, rows: list[HierarchyRow]) -> Hierarchy:
    return hierarchy if not rows else replace(hierarchy, rows=hierarchy.rows + tuple(rows), _memo={}, _index={})


def unit_sums(accounts: pl.DataFrame, year: int, *, function: str | None, art: str | None,
              kontoklasse: str = "drift", scope: str = "kasse") -> pl.DataFrame:
    """``unit``, ``value`` for every unit in ``accounts`` (columns unit, kontoklasse as in the files,
    funksjon, art, belop as reported) from the records of ``scope``: kasse (0A/0C) or konsern (0M/0P), never
    both (the consolidated accounts include the kasse's, so adding them would count it twice); a unit without
    rows for the selection has 0."""
    accounts = accounts.filter(pl.col("kontoklasse").is_in(sorted(SCOPES[scope])))
    data = accounts.select(
        pl.col("unit").alias("region"),
        pl.col("kontoklasse").replace_strict(_FILE_KONTOKLASSE, default=None).alias("kontoklasse"),
        "funksjon", "art",
        pl.when(pl.col("art").str.contains(r"^[6-9]\d\d$")).then(-pl.col("belop")).otherwise(pl.col("belop"))
        .alias("belop"),
        pl.int_range(pl.len()).cast(pl.String).alias("id"),
    ).filter(pl.col("kontoklasse").is_not_null())
    units = accounts.get_column("unit").unique(maintain_order=True).to_list()
    base = definitions_for(year)
    f_code, f_rows = _spec(function, sorted(set(data.get_column("funksjon"))), base.funksjonshierarki, False)
    a_code, a_rows = _spec(art, sorted(set(data.get_column("art"))), base.artshierarki, True)
    definitions = Definitions(_with(base.funksjonshierarki, f_rows), _with(base.artshierarki, a_rows), None, None,
                              base.formulas)
    computation = compute(definitions, data, None, [(KONTOKLASSER[kontoklasse], f_code, a_code)], units)
    values = computation.values("kasse")[0] if units else np.zeros(0)
    return pl.DataFrame({"unit": units, "value": values.astype(float)},
                        schema={"unit": pl.String, "value": pl.Float64})
