"""Every published table of a year from one frozen snapshot: values per region, symbols, suppression (linked
tables together) and the audit. Nothing here writes; ``releases.py`` stores what this returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.catalog.tables import DefinedTable
from kostra.publish.build import region_dimension, symbols, table_cells, unit_values
from kostra.publish.definitions import check_publishable, field_codes, fields_dimension, table_definitions
from kostra.publish.model import Dimension, PublishedTable
from kostra.publish.protect import protect
from kostra.publish.timing import phase
from kostra.store.models import Unit

__all__ = ["TOTAL_LABEL", "Built", "build_tables"]

TOTAL_LABEL = {"nb": "I alt", "en": "Total"}


@dataclass(frozen=True)
class Built:
    table: PublishedTable
    audit: dict[str, Any]
    units: pl.DataFrame  # unit × field values behind the table (the corrections log uses them)
    leaves: pl.DataFrame  # region code → its leaves (``leaf``, ``code``)
    region: str  # the region dimension's name
    fields: str  # the fields dimension's name


def _fields_dimension(table: DefinedTable) -> Dimension:
    dim = fields_dimension(table)
    codes = [dim.total, *field_codes(table)]
    labels = {dim.total: TOTAL_LABEL} | {c.code: c.label.model_dump() for c in dim.codes or []}
    return Dimension(dim.name, dim.label.model_dump(), tuple(codes), labels, "metric")


def _cube(dims: list[Dimension]) -> pl.DataFrame:
    frame = pl.DataFrame({dims[0].name: list(dims[0].codes)})
    for dim in dims[1:]:
        frame = frame.join(pl.DataFrame({dim.name: list(dim.codes)}), how="cross")
    return frame


def _one(table: DefinedTable, snapshot: pl.DataFrame, year: int,
         unit_regions: Mapping[str, str]) -> tuple[list[Dimension], pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    region_model = next(d for d in table.dimensions if d.region is not None)
    regions, mapping = region_dimension(region_model, year)
    fields = _fields_dimension(table)
    leaves = set(mapping["leaf"].to_list())
    parents = set(mapping.filter(pl.col("leaf") != pl.col("code"))["code"].to_list())
    units = unit_values(snapshot, table, unit_regions, leaves - parents, parents)
    sums = table_cells(units, mapping, regions.name, fields.name, field_codes(table), fields.codes[0])
    by_name = {regions.name: regions, fields.name: fields}
    dims = [by_name[d.name] for d in table.dimensions]
    time = Dimension("Tid", {"nb": "år", "en": "year"}, (str(year),), {str(year): {"nb": str(year), "en": str(year)}},
                     "time")
    cube = _cube([*dims, time]).join(sums, on=[d.name for d in dims], how="left")
    cells = symbols(cube).with_columns(pl.col("value").round(table.model.source.decimals + 6))  # type: ignore[union-attr]
    return [*dims, time], cells, units, mapping


def _inner(table: DefinedTable, units: pl.DataFrame) -> pl.DataFrame:
    """The suppression's input: one row per unit contribution (region leaf, field, value, unit_code)."""
    source = table.model.source
    assert source is not None
    region = next(d.name for d in table.dimensions if d.region is not None)
    return units.filter(pl.col("has_value")).select(
        pl.col("region").alias(region), pl.col("field").alias(source.fields_dimension),
        pl.col("value").alias(table.model.measure.variable or "value"), pl.col("unit_code"))


def unit_regions(session: Session) -> dict[str, str]:
    """Institution → the municipality it belongs to (form 5)."""
    rows = session.execute(select(Unit.code, Unit.municipality_code).where(Unit.municipality_code.is_not(None)))
    return {code: municipality for code, municipality in rows if municipality}


def build_tables(session: Session, snapshot: pl.DataFrame, year: int, *, status: str,
                 only: list[str] | None = None, tables_root: Path | None = None) -> dict[str, Built]:
    """Every table of the year (or ``only`` these), suppressed and audited; raises ReleaseRefused."""
    from kostra.publish.definitions import catalog_of

    with phase("definitions"):
        definitions = table_definitions(year, tables_root)
        if only is not None:
            definitions = {name: definitions[name] for name in only}
        catalog = catalog_of(year)
        for table in definitions.values():
            check_publishable(table, catalog)
    with phase("cells"):
        regions_of = unit_regions(session)
        parts = {name: _one(table, snapshot, year, regions_of) for name, table in definitions.items()}
        inner = {name: _inner(definitions[name], parts[name][2]) for name in definitions
                 if definitions[name].has_rules}
    protection = protect(definitions, inner, year)
    built: dict[str, Built] = {}
    for name, table in definitions.items():
        dims, frame, units, mapping = parts[name]
        frame = _apply(frame, table, protection[name].suppressed if name in protection else frozenset())
        frame = frame.with_columns(pl.lit(status).alias("status"))
        frame = frame.select(*(d.name for d in dims), "value", "status", "symbol")
        region = next(d.name for d in dims if d.role == "geo")
        summary = protection[name].audit if name in protection else {"rules": None}
        built[name] = Built(_published(table, dims, frame, year), summary, units, mapping, region,
                            fields_dimension(table).name)
    return built


def _apply(frame: pl.DataFrame, table: DefinedTable, suppressed: frozenset[tuple[str, ...]]) -> pl.DataFrame:
    if not suppressed:
        return frame
    names = [d.name for d in table.dimensions]
    marks = pl.DataFrame([list(k) for k in suppressed], schema=names, orient="row").with_columns(
        pl.lit(True).alias("_suppressed"))
    frame = frame.join(marks, on=names, how="left", maintain_order="left")
    hidden = pl.col("_suppressed").fill_null(False)
    return frame.with_columns(pl.when(hidden).then(pl.lit(":")).otherwise(pl.col("symbol")).alias("symbol"),
                              pl.when(hidden).then(None).otherwise(pl.col("value")).alias("value")).drop("_suppressed")


def _published(table: DefinedTable, dims: list[Dimension], frame: pl.DataFrame, year: int) -> PublishedTable:
    model = table.model
    source = model.source
    assert source is not None
    return PublishedTable(id=model.name, title=model.label.model_dump(), description=model.description.model_dump(),
                          unit=source.unit.model_dump(), decimals=source.decimals, year=year, dimensions=tuple(dims),
                          frame=frame, meta={k: str(v) for k, v in model.meta.items()} | {"form": source.form})
