"""The key-figure pages' context models: one per page, served as HTML and, unchanged, as the JSON twin.

They say what a person needs to judge a key figure (the value and why it is that value) and nothing about
how the engine (``kostra.keyfigures``) computes it; ``kostra.web.keyfigure_views`` fills them from the engine.
A missing value is ``None`` with its SSB symbol and reason, never 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

__all__ = [
    "ComparisonPage",
    "ComparisonSeries",
    "CoveredUnit",
    "FigureComparison",
    "FigureListPage",
    "FigureRef",
    "InputEdit",
    "InputEstimate",
    "InputValue",
    "LineagePage",
    "PopulationStandIn",
    "PortalFigure",
    "PortalHit",
    "PortalKeyfiguresPage",
    "SeriesPoint",
]

# SSB's symbols: ".." not available (yet), "." cannot be computed (e.g. a denominator of zero),
# "-" nil (nothing to report), "|" a break in the series (a unit made by a split, before it existed);
# "" when there is a value.
Symbol = Literal["", "..", ".", "-", "|"]
# What a comparison series is to the municipality (or county municipality) shown.
SeriesRole = Literal["unit", "group", "county", "country", "country_without_oslo", "all_counties",
                     "all_counties_without_oslo"]


class PopulationStandIn(BaseModel):
    """The population on 1 January ``used`` stands in for 1 January ``wanted``, which is not loaded (the demo:
    ``KOSTRA_POPULATION_STAND_IN``); every page that shows such figures says so."""

    wanted: int
    used: int


class FigureRef(BaseModel):
    """A key figure as the pages name it."""

    id: str
    title_nb: str
    title_en: str
    unit: str = ""  # e.g. "prosent", "per 1 000 innbyggere", "kr"
    decimals: int = 1
    family: str = ""
    units: str = "municipality"  # or "county_municipality": computed for county municipalities (ff00)


class InputEdit(BaseModel):
    """A statistician's edit that the input value carries: what was reported, why it was changed."""

    reported: str | None
    reason: str
    by: str = ""
    at: datetime | None = None


class InputEstimate(BaseModel):
    """How a late unit's value was estimated."""

    method: str
    model: str = ""


class InputValue(BaseModel):
    """One value that went into the numerator or the denominator."""

    side: Literal["numerator", "denominator"]
    source: str  # "11F", "13", "population", "accounts", …
    field: str  # the form field, record measure, age band or accounts cell
    unit_code: str
    value: float | None
    status: str  # reported, edited, estimated, nil, missing, not_applicable
    version: int | None = None
    submitted_at: datetime | None = None
    edit: InputEdit | None = None
    estimate: InputEstimate | None = None


class CoveredUnit(BaseModel):
    """A unit of an aggregate, with a link to its own lineage page."""

    code: str
    name: str
    estimated: bool = False
    reason: str = ""  # why a unit is not covered (no value yet, …)
    href: str


class LineagePage(BaseModel):
    """``/keyfigures/{year}/{figure}/{region}``: why this is the number."""

    year: int
    figure: FigureRef
    region: str
    region_name: str
    aggregate: bool
    value: float | None
    symbol: Symbol = ""
    reason: str = ""
    numerator: float | None = None
    denominator: float | None = None
    numerator_expression: str = ""
    denominator_expression: str = ""
    scale: str = ""
    inputs: list[InputValue] = []
    units_covered: int | None = None
    units_estimated: int | None = None
    units_total: int | None = None
    note: str = ""  # e.g. "covers 2 of 46 units", or a population stand-in
    covered: list[CoveredUnit] = []
    not_covered: list[CoveredUnit] = []
    population_stand_ins: list[PopulationStandIn] = []


class FigureListPage(BaseModel):
    """``/office/{year}/keyfigures``: the year's key figures and where to compare a municipality."""

    year: int
    figures: list[FigureRef]
    region: str = ""


class SeriesPoint(BaseModel):
    year: int
    value: float | None
    symbol: Symbol = ""


class ComparisonSeries(BaseModel):
    """One region's values over the years: the municipality or one of the aggregates it is compared with."""

    role: SeriesRole
    region: str
    name: str
    points: list[SeriesPoint]
    href: str  # the lineage page of the newest year


class FigureComparison(BaseModel):
    figure: FigureRef
    series: list[ComparisonSeries]
    chart: str = ""  # inline SVG, drawn from ``series``; the JSON carries the numbers, the chart is for the page
    chart_text: str = ""  # the chart's text alternative


class ComparisonPage(BaseModel):
    """``/office/{year}/keyfigures/{region}``: one municipality against its group, county, EAK and EAKUO,
    or one county municipality (``units="county_municipality"``) against EAFK and EAFKUO."""

    year: int
    region: str
    region_name: str
    units: str = "municipality"
    years: list[int]
    family: str = ""
    families: list[str] = []
    figures: list[FigureComparison]
    population_stand_ins: list[PopulationStandIn] = []


class PortalHit(BaseModel):
    """A control hit on one of a figure's input fields."""

    rule: str
    severity: str
    label_nb: str
    label_en: str
    message: str
    form_id: str
    fields: list[str]
    href: str  # the form to correct


class PortalFigure(BaseModel):
    """One key figure of the unit as it will be published, beside its KOSTRA group's."""

    figure: FigureRef
    value: float | None
    symbol: Symbol = ""
    reason: str = ""
    note: str = ""
    group_value: float | None = None
    group_symbol: Symbol = ""
    group_hidden: str = ""  # "too_few_units": hidden from the reporter, see keyfigure_views.group_point
    inputs: list[str] = []  # "form:field" the figure reads from the unit's own forms
    hits: list[PortalHit] = []
    href: str  # the figure's lineage page


class PortalKeyfiguresPage(BaseModel):
    """``/portal/{year}/{unit}/keyfigures``: your key figures as they will be published."""

    year: int
    unit_code: str
    unit_name: str
    group: str | None
    group_name: str = ""
    checked_at: datetime | None = None
    figures: list[PortalFigure]
    population_stand_ins: list[PopulationStandIn] = []
