"""Suppress a table from its definition (``kostra.catalog.tables``): the publication step passes tables through.

    table = load_tables(2025)["helse_omsorg_brukere"]
    result = suppress_defined(table, data, year=2025)

The definition's region dimension becomes the year's region hierarchy from the reference data, a code list
becomes a hierarchy of its codes (a code without a parent sums into the dimension's total), and the rules
become the arguments of the GaussSuppression function the definition names.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from kostra.catalog.tables import DefinedTable, DimensionModel
from kostra.disclosure.hierarchy import Link
from kostra.disclosure.regions import region_links
from kostra.disclosure.suppress import Fun, PrimaryRule, SuppressionResult, SuppressionSpec, suppress

__all__ = ["spec_of_definition", "suppress_defined"]


def _links(dim: DimensionModel, year: int) -> list[Link]:
    if dim.region is not None:
        return region_links(year, districts=dim.region.districts, kostra_groups=dim.region.kostra_groups,
                            country_without_oslo=dim.region.country_without_oslo)
    assert dim.codes is not None
    return [Link(c.code, c.parent or dim.total) for c in dim.codes]


def spec_of_definition(table: DefinedTable, year: int) -> SuppressionSpec:
    """The GaussSuppression arguments a table definition stands for."""
    model = table.model
    rules = table.rules  # a DefinitionError when the table names none
    magnitude = model.measure.kind == "magnitude"
    return SuppressionSpec(
        fun=Fun(rules.fun),
        hierarchies={d.name: _links(d, year) for d in model.dimensions},
        freq_var=None if magnitude else model.measure.variable,
        num_var=(model.measure.variable,) if magnitude and model.measure.variable else (),
        contributor_var=model.contributor,
        max_n=rules.maxN, protect_zeros=rules.protectZeros, secondary_zeros=rules.secondaryZeros,
        extend0=rules.extend0, n=tuple(rules.n), k=tuple(rules.k), p_percent=rules.pPercent,
        primary=tuple(PrimaryRule(p) for p in rules.primary),
    )


def suppress_defined(table: DefinedTable, data: pl.DataFrame, *, year: int, source: str = "data",
                     forced: Collection[tuple[str, ...]] = ()) -> SuppressionResult:
    """Suppress ``data`` (one row per inner cell or contribution, codes as text) as ``table`` defines.

    ``forced``: cells (codes in dimension order) to treat as primary, e.g. cells suppressed in a linked table.
    """
    return suppress(data, spec_of_definition(table, year), source=f"{source} (table {table.name})", forced=forced)
