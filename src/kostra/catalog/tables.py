"""Table definitions for disclosure control: ``definitions/<year>/tables/<id>.yaml`` (``kind: table``).

A definition names the table's dimensions (the region hierarchy of the year, or a code list with its total or
its own hierarchy), the frequency or value variable, the contributor and the suppression rules. Stage one reads
the YAML into frozen models (``extra="forbid"``); stage two checks what the models cannot: codes unique, every
parent in a code list known, rules that fit the measure. Each table keeps its file and line; any problem is a
DefinitionError naming them.

    >>> table = load_tables(2025)["helse_omsorg_brukere"]
    >>> table.rules.maxN, [d.name for d in table.dimensions]
    (3, ['region', 'tjeneste'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kostra.errors import DefinitionError

__all__ = ["CodeModel", "DefinedTable", "DimensionModel", "RegionModel", "RulesModel", "SourceModel", "TableModel",
           "load_table_file", "load_tables"]

DEFINITIONS_ROOT = Path(__file__).resolve().parent.parent / "definitions"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TextModel(_Frozen):
    nb: str
    en: str


class YearsModel(_Frozen):
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None

    def covers(self, year: int) -> bool:
        return (self.from_ is None or year >= self.from_) and (self.to is None or year <= self.to)


class RegionModel(_Frozen):
    """The year's region hierarchy from the reference data."""

    districts: bool = True
    kostra_groups: bool = True
    country_without_oslo: bool = False


class CodeModel(_Frozen):
    code: str
    label: TextModel
    parent: str | None = None  # a code of the same list; none: the code sums into the dimension's total


class DimensionModel(_Frozen):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    label: TextModel
    region: RegionModel | None = None
    codes: list[CodeModel] | None = None
    total: str = "Total"

    @model_validator(mode="after")
    def _one_kind(self) -> DimensionModel:
        if (self.region is None) == (self.codes is None):
            raise ValueError(f"dimension {self.name!r}: give either region or codes")
        return self


class RulesModel(_Frozen):
    """GaussSuppression's function and arguments, spelled as in R."""

    fun: Literal["GaussSuppressionFromData", "SuppressSmallCounts", "SuppressDominantCells",
                 "SuppressFewContributors"]
    maxN: int | None = Field(default=None, ge=0)
    protectZeros: bool | None = None
    secondaryZeros: bool = False
    extend0: bool | None = None
    n: list[int] = []
    k: list[float] = []
    pPercent: float | None = Field(default=None, gt=0, lt=100)
    primary: list[Literal["PrimaryDefault", "DominanceRule", "NContributorsRule"]] = []


class MeasureModel(_Frozen):
    kind: Literal["frequency", "magnitude"]
    variable: str | None = None  # the count column (frequency; none: each row counts 1) or the value column


class SourceModel(_Frozen):
    """Where a published table's values come from (``kostra.publish``): one form's fields, summed per region.

    The codes of ``fields_dimension`` are the form's field ids; yes/no fields count the units answering yes.
    ``unit_level: municipality`` sums institutions (form 5) into the municipality they belong to.
    """

    form: str
    fields_dimension: str
    unit_level: Literal["unit", "municipality"] = "unit"
    unit: TextModel = TextModel(nb="antall", en="number")
    decimals: int = Field(default=0, ge=0, le=6)


class TableModel(_Frozen):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: TextModel
    description: TextModel
    years: YearsModel = YearsModel()
    dimensions: list[DimensionModel] = Field(min_length=1)
    measure: MeasureModel
    contributor: str | None = None
    rules: RulesModel | None = None  # none: published without disclosure control (a unit's own figures)
    source: SourceModel | None = None  # none: a table for ``kostra methods suppress`` only, never released
    meta: dict[str, Any] = {}


class TableFileModel(_Frozen):
    kind: Literal["table"]
    version: Literal[1]
    table: TableModel


@dataclass(frozen=True)
class DefinedTable:
    """A checked table definition with the file and line it came from."""

    model: TableModel
    file: Path
    line: int

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def dimensions(self) -> list[DimensionModel]:
        return self.model.dimensions

    @property
    def rules(self) -> RulesModel:
        if self.model.rules is None:
            raise DefinitionError(f"table {self.name!r} names no disclosure rules", file=str(self.file),
                                  line=self.line)
        return self.model.rules

    @property
    def has_rules(self) -> bool:
        return self.model.rules is not None


def _line_of_table(text: str) -> int:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "table":
                return int(value.start_mark.line) + 1
    return 1


def _check(model: TableModel, where: str) -> None:
    for dim in model.dimensions:
        if dim.codes is None:
            continue
        codes = [c.code for c in dim.codes]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise DefinitionError(f"dimension {dim.name!r}: code(s) {', '.join(duplicated)} listed twice", file=where)
        for code in dim.codes:
            if code.parent is not None and code.parent not in codes:
                raise DefinitionError(f"dimension {dim.name!r}: code {code.code!r} has the parent {code.parent!r}, "
                                      "which is not in the list", file=where)
    names = [d.name for d in model.dimensions]
    if len(set(names)) != len(names):
        raise DefinitionError("two dimensions have the same name", file=where)
    magnitude = model.measure.kind == "magnitude"
    if model.source is not None and model.source.fields_dimension not in names:
        raise DefinitionError(f"source.fields_dimension {model.source.fields_dimension!r} is not a dimension",
                              file=where)
    if model.rules is None:
        return
    fun = model.rules.fun
    if fun in ("SuppressDominantCells", "SuppressFewContributors") and not magnitude:
        raise DefinitionError(f"rules.fun {fun} needs measure.kind magnitude", file=where)
    if magnitude and not model.measure.variable:
        raise DefinitionError("a magnitude table needs measure.variable (the value column)", file=where)
    if fun == "SuppressDominantCells" and not model.rules.k and model.rules.pPercent is None:
        raise DefinitionError("SuppressDominantCells needs rules.k (and rules.n), or rules.pPercent", file=where)
    if model.rules.n and len(model.rules.n) != len(model.rules.k):
        raise DefinitionError("rules.n and rules.k must have the same length", file=where)


def load_table_file(path: Path) -> DefinedTable:
    """Read and check one table definition; raises DefinitionError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(f"cannot read the table definition: {error}", file=str(path)) from error
    line = _line_of_table(text)
    try:
        model = TableFileModel.model_validate(raw).table
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(p) for p in first["loc"])
        raise DefinitionError(f"{location}: {first['msg']}", file=str(path), line=line) from None
    _check(model, f"{path}, line {line}")
    return DefinedTable(model, path, line)


def load_tables(year: int, root: Path | None = None) -> dict[str, DefinedTable]:
    """Every table definition valid in ``year``, by name; two with one name is a DefinitionError."""
    folder = (root or DEFINITIONS_ROOT) / str(year) / "tables"
    tables: dict[str, DefinedTable] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        table = load_table_file(path)
        if not table.model.years.covers(year):
            continue
        if table.name in tables:
            raise DefinitionError(f"table {table.name!r} is also defined in {tables[table.name].file}",
                                  file=str(path), line=table.line)
        tables[table.name] = table
    return tables
