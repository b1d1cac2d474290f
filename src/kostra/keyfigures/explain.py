"""Why is this the number: a key figure value with its numerator, denominator and every input behind them.

For a municipality or district: each input value with its status (reported, edited with the reason,
estimated with the method, nil), its submission version and edit, the file records counted, the accounts
value and the population. For an aggregate: the same for every unit it covers, and which units it does
not cover and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from kostra.errors import UnknownRegion
from kostra.keyfigures.compute import (
    _needs,
    _with_oslo,
    aggregate_members,
    base_unit_codes,
    county_unit_codes,
    figure_rows,
    select_indicators,
)
from kostra.keyfigures.definitions import load_indicators
from kostra.keyfigures.evaluate import Evaluator
from kostra.keyfigures.inputs import Input, load_year_data
from kostra.keyfigures.sources import AccountsSource, PopulationSource

__all__ = ["Explanation", "UnitPart", "explain"]


@dataclass(frozen=True)
class UnitPart:
    """One unit's numerator and denominator, with the inputs behind each."""

    unit: str
    covered: bool
    numerator: float | None
    denominator: float | None
    numerator_state: str
    denominator_state: str
    reason: str
    estimated: bool
    inputs: list[dict[str, Any]]


@dataclass(frozen=True)
class Explanation:
    """A key figure value and its lineage (``to_dict`` is the JSON the pages serve)."""

    figure: str
    title_nb: str
    title_en: str
    year: int
    region: str
    numerator_expression: str
    denominator_expression: str
    scale: str
    decimals: int
    row: dict[str, Any]
    units: list[UnitPart]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _part(unit: str, num: Input, den: Input) -> UnitPart:
    covered = num.value is not None and den.value is not None
    reason = "" if covered else (num.reason if num.value is None else den.reason)
    inputs = [{"part": part, "source": item.source, "unit": item.unit, **item.detail}
              for part, side in (("numerator", num), ("denominator", den)) for item in side.lineage]
    return UnitPart(unit, covered, num.value, den.value, num.state, den.state, reason,
                    num.estimated or den.estimated, inputs)


def explain(session: Session, year: int, figure: str, region: str, *,
            population_stand_in: bool = False) -> Explanation:
    """The value of ``figure`` for ``region`` in ``year`` and everything it is made of.

    Raises UnknownYear, UsageError (unknown figure, naming the known ones), UnknownRegion.
    """
    [indicator] = select_indicators(year, [figure])
    every = {i.id: i for i in load_indicators(year)}
    members = aggregate_members(session, year)
    if region not in members and region not in base_unit_codes(year) + county_unit_codes(year):
        raise UnknownRegion(region, year)
    units = members.get(region, [region])
    forms, files, fields, cells = _needs([indicator, *(every[d] for d in indicator.depends_on)])
    data = load_year_data(session, year, forms, files, fields, units=_with_oslo(units))
    accounts = AccountsSource(session, year, units)
    if cells:
        accounts.prepare(cells)
    evaluator = Evaluator(data, units, PopulationSource(year, stand_in=population_stand_in), accounts, every,
                          trace=True)
    only = {region: units} if region in members else {}
    [row] = [r for r in figure_rows(evaluator, indicator, [] if only else [region], only, None)]
    from kostra.keyfigures.compute import RESULT_SCHEMA

    numerators = evaluator.figure_part(indicator, "numerator")
    denominators = evaluator.figure_part(indicator, "denominator")
    parts = [_part(u, numerators[u], denominators[u]) for u in units]
    return Explanation(indicator.id, indicator.title_nb, indicator.title_en, year, region,
                       indicator.numerator_text, indicator.denominator_text, indicator.scale.value,
                       indicator.decimals, dict(zip(RESULT_SCHEMA, row, strict=True)), parts)
