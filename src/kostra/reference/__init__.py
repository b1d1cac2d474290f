"""Reference data by year: regions and their hierarchy, population, code changes, KOSTRA groups.

Everything is read from files shipped in ``reference/data`` (built by ``tools/build_reference_data.py``);
see docs/reference-data.md for sources, licences and the KOSTRA-group APPROXIMATION.
"""

from kostra.reference.changes import SERIES_BREAK, CodeChange, SeriesBreak, changes, convert_series, mapping
from kostra.reference.groups import APPROXIMATION_NOTE, approximate_groups, read_klass_groups
from kostra.reference.population import (
    MAX_AGE,
    district_years,
    population,
    population_table,
    population_years,
)
from kostra.reference.regions import LEVELS, RegionInfo, aggregates_of, base_units, members, region, regions, years

__all__ = [
    "APPROXIMATION_NOTE",
    "LEVELS",
    "MAX_AGE",
    "SERIES_BREAK",
    "CodeChange",
    "RegionInfo",
    "SeriesBreak",
    "aggregates_of",
    "approximate_groups",
    "base_units",
    "changes",
    "convert_series",
    "district_years",
    "mapping",
    "members",
    "population",
    "population_table",
    "population_years",
    "read_klass_groups",
    "region",
    "regions",
    "years",
]
