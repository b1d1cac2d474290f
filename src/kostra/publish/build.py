"""A table's cells from a frozen snapshot: the source form's fields per unit, summed over the region hierarchy,
with a symbol per cell. Suppression (``protect.py``) marks cells ``:`` afterwards.

A cell's symbol: ``..`` when no unit under it has reported a value (missing, not yet received), ``.`` when every
unit under it answered "not applicable", ``-`` when the sum is zero, else empty. A nil return counts as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

from kostra.catalog.tables import DefinedTable, DimensionModel
from kostra.disclosure.hierarchy import Link
from kostra.disclosure.regions import region_links
from kostra.publish.definitions import ReleaseRefused, field_codes
from kostra.publish.model import Dimension
from kostra.reference.regions import regions

__all__ = ["region_dimension", "region_labels", "region_order", "table_cells", "unit_values"]

_VALUE_STATUSES = ("reported", "edited", "estimated")


def _links(dim: DimensionModel, year: int) -> list[Link]:
    assert dim.region is not None
    return region_links(year, districts=dim.region.districts, kostra_groups=dim.region.kostra_groups,
                        country_without_oslo=dim.region.country_without_oslo)


@cache
def _names(year: int) -> dict[str, str]:
    return {r.code: r.name for r in regions(year)}


def region_order(code: str) -> tuple[int, str]:
    """The statbank's order of regions: the country, counties, KOSTRA groups, municipalities, districts."""
    if code.startswith("EAK"):
        return 0, code
    if code.startswith("EKA"):
        return 1, code
    if code.startswith("EKG"):
        return 2, code
    return (3 if len(code) == 4 else 4), code


def _label(code: str, names: Mapping[str, str]) -> str:
    """Unique labels as the statbank writes them ("0301 Oslo", "EKA03 Oslo"); the country by name."""
    name = names.get(code)
    if name is None:
        return code
    return name if code in ("EAK", "EAKUO") else f"{code} {name}"


def region_labels(codes: list[str], year: int) -> dict[str, dict[str, str]]:
    """Each code's label in both languages, as the statbank writes them."""
    names = _names(year)
    return {c: {"nb": _label(c, names), "en": _label(c, names)} for c in codes}


def region_dimension(dim: DimensionModel, year: int) -> tuple[Dimension, pl.DataFrame]:
    """The region dimension as published, and each code's leaves (``leaf``, ``code``: the leaf itself too)."""
    links = _links(dim, year)
    children: dict[str, list[str]] = {}
    for link in links:
        children.setdefault(link.parent, []).append(link.child)
    codes = sorted({link.child for link in links} | set(children), key=region_order)

    @cache
    def leaves(code: str) -> frozenset[str]:
        if code not in children:
            return frozenset({code})
        return frozenset().union(*(leaves(child) for child in children[code]))

    labels = region_labels(codes, year)
    pairs = [(leaf, code) for code in codes for leaf in sorted(leaves(code))]
    mapping = pl.DataFrame(pairs, schema={"leaf": pl.String, "code": pl.String}, orient="row")
    return Dimension(dim.name, dim.label.model_dump(), tuple(codes), labels, "geo"), mapping


def unit_values(snapshot: pl.DataFrame, table: DefinedTable, unit_regions: Mapping[str, str],
                leaves: set[str], parents: set[str]) -> pl.DataFrame:
    """One row per unit and field: ``region`` (a leaf of the hierarchy), ``field``, ``unit_code``, ``value``
    (null without a value), ``has_value``, ``not_applicable``. Units whose code is a sum of the hierarchy
    (Oslo when its districts report) are left out: their districts' rows stand for them."""
    source = table.model.source
    assert source is not None
    rows = snapshot.filter((pl.col("form_id") == source.form) & pl.col("field_id").is_in(field_codes(table))
                           & pl.col("row_key").is_null())
    if source.unit_level == "municipality":
        region = pl.col("unit_code").replace_strict(dict(unit_regions), default=None)
    else:  # a district counts in its municipality when the table has no districts
        code = pl.col("unit_code")
        region = (pl.when(~code.is_in(sorted(leaves)) & code.str.slice(0, 4).is_in(sorted(leaves)))
                  .then(code.str.slice(0, 4)).otherwise(code))
    value = (pl.when(pl.col("field_type") == "yes_no").then(pl.col("value_bool").cast(pl.Float64))
             .otherwise(pl.col("value_number")))
    frame = rows.select(
        region.alias("region"), pl.col("field_id").alias("field"), "unit_code",
        pl.when(pl.col("status") == "nil").then(pl.lit(0.0))
        .when(pl.col("status").is_in(_VALUE_STATUSES)).then(value).otherwise(None).alias("value"),
        (pl.col("status") == "not_applicable").alias("not_applicable"),
    ).with_columns(pl.col("value").is_not_null().alias("has_value"))
    frame = frame.filter(~pl.col("region").is_in(sorted(parents)))
    unknown = frame.filter(pl.col("region").is_null() | ~pl.col("region").is_in(sorted(leaves)))
    if unknown.height:
        unit = unknown["unit_code"][0]
        raise ReleaseRefused(f"table {table.name}: unit {unit} has no region of the {snapshot['year'][0]} "
                             "structure to be counted in (its municipality is unknown)")
    return frame


def table_cells(units: pl.DataFrame, mapping: pl.DataFrame, region_name: str, fields_name: str,
                codes: list[str], total: str) -> pl.DataFrame:
    """Sums per region code and field code (and the fields' total), with counts for the symbols."""
    joined = units.join(mapping, left_on="region", right_on="leaf")
    per_field = joined.group_by("code", "field").agg(*_counts())
    per_total = joined.group_by("code").agg(*_counts()).with_columns(pl.lit(total).alias("field"))
    sums = pl.concat([per_field, per_total.select(per_field.columns)])
    return sums.rename({"code": region_name, "field": fields_name})


def _counts() -> list[pl.Expr]:
    return [pl.col("value").sum().alias("sum"), pl.col("has_value").sum().alias("n_values"),
            pl.col("not_applicable").sum().alias("n_not_applicable"), pl.len().alias("n_units")]


def symbols(frame: pl.DataFrame) -> pl.DataFrame:
    """``value`` and ``symbol`` from the counts (rows without any unit are ``..``)."""
    n_values = pl.col("n_values").fill_null(0)
    all_not_applicable = (pl.col("n_not_applicable").fill_null(0) > 0) & (
        pl.col("n_not_applicable") == pl.col("n_units"))
    symbol = (pl.when(n_values == 0).then(pl.when(all_not_applicable).then(pl.lit(".")).otherwise(pl.lit("..")))
              .when(pl.col("sum") == 0).then(pl.lit("-"))
              .otherwise(pl.lit("")))
    return frame.with_columns(symbol.alias("symbol")).with_columns(
        pl.when(pl.col("symbol").is_in(["..", "."])).then(None).otherwise(pl.col("sum")).alias("value"))
