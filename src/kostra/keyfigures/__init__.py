"""Key figures (nøkkeltall): definitions as data, computed for every unit and aggregate, with lineage.

Public API (stable; docs/keyfigures.md):

    >>> from kostra.keyfigures import load_indicators, compute, explain, series
    >>> indicators = load_indicators(2025)                       # tuple[Indicator, ...] from YAML
    >>> result = compute(session, 2025, figures=["andel_enerom"], regions=["3401", "EKG11", "EAK"])
    >>> result.frame                                             # polars: RESULT_SCHEMA columns
    >>> why = explain(session, 2025, "andel_enerom", "3401")     # numerator, denominator, every input
    >>> series(session, "andel_80_aar_og_over", ["1508"], years=range(2020, 2025))
    >>> compute_snapshot(session, home, 2025, "preliminary-2026-03-15")  # from a frozen snapshot

Layer: above dataset, accounts, controls, followup, estimation; below disclosure, publish, web, demo, cli.
"""

from kostra.keyfigures.compute import (
    RESULT_SCHEMA,
    KeyFigureResult,
    Symbol,
    aggregate_members,
    base_unit_codes,
    compute,
    compute_snapshot,
    round_half_up,
)
from kostra.keyfigures.definitions import available_years, load_indicators
from kostra.keyfigures.explain import Explanation, UnitPart, explain
from kostra.keyfigures.models import FAMILIES, Indicator, Scale
from kostra.keyfigures.series import SERIES_BREAK, SERIES_YEARS, series
from kostra.keyfigures.sources import StandIn, population_stand_ins
from kostra.keyfigures.submitted import snapshot_cutoff

__all__ = [
    "FAMILIES",
    "RESULT_SCHEMA",
    "SERIES_BREAK",
    "SERIES_YEARS",
    "Explanation",
    "Indicator",
    "KeyFigureResult",
    "Scale",
    "StandIn",
    "Symbol",
    "UnitPart",
    "aggregate_members",
    "available_years",
    "base_unit_codes",
    "compute",
    "compute_snapshot",
    "explain",
    "load_indicators",
    "population_stand_ins",
    "round_half_up",
    "series",
    "snapshot_cutoff",
]
