"""Key-figure tables of a release: table definitions naming key figures (``definitions/<year>/tables/
keyfigures/*.yaml``, ``kind: keyfigure_table``), by region and year, computed from the release's frozen snapshot
(``kostra.keyfigures.compute_snapshot``), with the key figures' symbols (``..`` missing, ``.`` not applicable,
``-`` nil) and ``:`` where a form field the figure reads is suppressed at that region in a table of the same
release: a ratio with a published denominator would give the hidden numerator away, and the other way round.

Every figure of one table has the same unit and decimals (a table has one unit); a definition that mixes them,
names an unknown figure or repeats a table id refuses the release, naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from kostra.catalog.forms import load_catalog
from kostra.catalog.tables import DEFINITIONS_ROOT, TextModel, YearsModel
from kostra.controls.language.syntax import Name, walk
from kostra.keyfigures import Indicator, compute_snapshot, load_indicators
from kostra.publish.assemble import Built
from kostra.publish.build import region_labels, region_order
from kostra.publish.definitions import ReleaseRefused
from kostra.publish.model import Dimension, PublishedTable

__all__ = ["KeyfigureTable", "build_keyfigure_tables", "hidden_inputs", "keyfigure_tables"]

_UNITS_EN = {"prosent": "per cent", "kr": "NOK", "timer": "hours", "personer": "persons", "plasser": "places",
             "årsverk": "full-time equivalents", "boliger": "dwellings", "måneder": "months", "leger": "doctors"}
REGION, FIGURES, TIME = "region", "statistikkvariabel", "Tid"

Hidden = set[tuple[str, str, str]]  # (form, field id, region) suppressed in a table of the release


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyfigureTableModel(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    label: TextModel
    description: TextModel
    years: YearsModel = Field(default_factory=YearsModel)
    figures: list[str] = Field(min_length=1)
    meta: dict[str, str] = Field(default_factory=dict)


class KeyfigureTableFile(_Model):
    kind: str = Field(pattern=r"^keyfigure_table$")
    version: int = Field(ge=1)
    table: KeyfigureTableModel


@dataclass(frozen=True)
class KeyfigureTable:
    model: KeyfigureTableModel
    file: Path
    indicators: tuple[Indicator, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.model.name


def _load(path: Path, known: Mapping[str, Indicator]) -> KeyfigureTable:
    try:
        model = KeyfigureTableFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).table
    except (OSError, yaml.YAMLError) as error:
        raise ReleaseRefused(f"{path}: cannot read the key-figure table: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        raise ReleaseRefused(f"{path}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    unknown = [f for f in model.figures if f not in known]
    if unknown:
        raise ReleaseRefused(f"{path}: table {model.name} names the key figure(s) {', '.join(unknown)}, which "
                             "the year's key-figure definitions do not have")
    chosen = tuple(known[f] for f in dict.fromkeys(model.figures))
    kinds = {(i.unit, i.decimals) for i in chosen}
    if len(kinds) > 1:
        shown = ", ".join(f"{i.id} ({i.unit}, {i.decimals} decimals)" for i in chosen)
        raise ReleaseRefused(f"{path}: table {model.name} mixes units or decimals ({shown}); a table has one unit: "
                             "split it")
    return KeyfigureTable(model, path, chosen)


def keyfigure_tables(year: int, root: Path | None = None) -> dict[str, KeyfigureTable]:
    """The year's key-figure tables by id (none when the folder is missing); raises ReleaseRefused."""
    folder = (root or DEFINITIONS_ROOT) / str(year) / "tables" / "keyfigures"
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not paths:
        return {}
    known = {i.id: i for i in load_indicators(year)}
    tables: dict[str, KeyfigureTable] = {}
    for path in paths:
        table = _load(path, known)
        if not table.model.years.covers(year):
            continue
        if table.name in tables:
            raise ReleaseRefused(f"{path}: table {table.name!r} is also defined in {tables[table.name].file}")
        tables[table.name] = table
    return tables


def field_inputs(indicator: Indicator) -> set[tuple[str, str]]:
    """The (form, field id) pairs the figure's numerator and denominator read (``skjema5.enerom`` → 5, 3.1)."""
    catalog = load_catalog(indicator.year)
    forms = {f"skjema{form.id.lower()}": form for form in catalog.forms()}
    found = set()
    for part in (indicator.numerator, indicator.denominator):
        for node in walk(part):
            if isinstance(node, Name) and len(node.parts) >= 2 and node.parts[0] in forms:
                form = forms[node.parts[0]]
                ids = {f.name: f.id for f in form.fields()}
                if node.parts[1] in ids:
                    found.add((form.id, ids[node.parts[1]]))
    return found


def hidden_inputs(built: Mapping[str, Built]) -> Hidden:
    """Every (form, field, region) cell suppressed in the release's field tables."""
    hidden: Hidden = set()
    for item in built.values():
        form = item.table.meta.get("form")
        if form is None:
            continue
        cells = item.table.frame.filter(pl.col("symbol") == ":")
        hidden |= {(form, f, r) for f, r in zip(cells[item.fields].to_list(), cells[item.region].to_list(),
                                                strict=True)}
    return hidden


def _dimensions(table: KeyfigureTable, regions: list[str], year: int) -> tuple[Dimension, ...]:
    region = Dimension(REGION, {"nb": "Region", "en": "Region"}, tuple(regions), region_labels(regions, year), "geo")
    figures = Dimension(FIGURES, {"nb": "Statistikkvariabel", "en": "Contents"},
                        tuple(i.id for i in table.indicators),
                        {i.id: {"nb": i.title_nb, "en": i.title_en or i.title_nb} for i in table.indicators},
                        "metric")
    time = Dimension(TIME, {"nb": "år", "en": "year"}, (str(year),), {str(year): {"nb": str(year), "en": str(year)}},
                     "time")
    return region, figures, time


def _frame(table: KeyfigureTable, result: pl.DataFrame, dims: tuple[Dimension, ...], year: int, status: str,
           hidden: Hidden) -> pl.DataFrame:
    region, figures, _ = dims
    cube = pl.DataFrame({REGION: list(region.codes)}).join(pl.DataFrame({FIGURES: list(figures.codes)}), how="cross")
    found = result.select(pl.col("region").alias(REGION), pl.col("figure").alias(FIGURES), "value", "symbol")
    frame = cube.join(found, on=[REGION, FIGURES], how="left", maintain_order="left").with_columns(
        pl.col("symbol").fill_null(".."))  # a region the figure has no row for (e.g. a county figure): missing
    inputs = {i.id: field_inputs(i) for i in table.indicators}
    leaks = [(figure, code) for figure, pairs in inputs.items() for form, fld in pairs
             for f, fld2, code in hidden if f == form and fld2 == fld]
    if leaks:
        marks = pl.DataFrame(sorted(set(leaks)), schema={FIGURES: pl.String, REGION: pl.String}, orient="row") \
            .with_columns(pl.lit(True).alias("_hidden"))
        frame = frame.join(marks, on=[FIGURES, REGION], how="left", maintain_order="left")
        frame = frame.with_columns(pl.when(pl.col("_hidden").fill_null(False)).then(pl.lit(":"))
                                   .otherwise(pl.col("symbol")).alias("symbol")).drop("_hidden")
    frame = frame.with_columns(pl.when(pl.col("symbol").is_in(["..", ".", ":"])).then(None)
                               .otherwise(pl.col("value")).alias("value"))
    return frame.with_columns(pl.lit(str(year)).alias(TIME), pl.lit(status).alias("status")).select(
        REGION, FIGURES, TIME, "value", "status", "symbol")


def build_keyfigure_tables(session: Session, home: Path, year: int, label: str, *, status: str, hidden: Hidden,
                           root: Path | None = None) -> dict[str, Built]:
    """Every key-figure table of ``year`` from snapshot ``label``, as ``Built`` items of the release."""
    tables = keyfigure_tables(year, root)
    if not tables:
        return {}
    wanted = sorted({i.id for t in tables.values() for i in t.indicators})
    result = compute_snapshot(session, home, year, label, figures=wanted).frame
    built = {}
    for name, table in tables.items():
        mine = result.filter(pl.col("figure").is_in([i.id for i in table.indicators]))
        regions = sorted(set(mine["region"].to_list()), key=region_order)
        dims = _dimensions(table, regions, year)
        frame = _frame(table, mine, dims, year, status, hidden)
        first = table.indicators[0]
        published = PublishedTable(
            id=name, title=table.model.label.model_dump(), description=table.model.description.model_dump(),
            unit={"nb": first.unit, "en": _UNITS_EN.get(first.unit, first.unit)}, decimals=first.decimals, year=year,
            dimensions=dims, frame=frame,
            meta=dict(table.model.meta) | {"keyfigures": ",".join(i.id for i in table.indicators)})
        built[name] = Built(published, {"rules": None, "keyfigures": True, "suppressed_inputs": int(
            frame.filter(pl.col("symbol") == ":").height)}, pl.DataFrame(), pl.DataFrame(), REGION, FIGURES)
    return built
