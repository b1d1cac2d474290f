"""Reporting burden: minutes per field × applicable units, on a hand-computed example."""

from __future__ import annotations

from pathlib import Path

import pytest

from kostra.catalog.burden import field_share, form_burden, unit_minutes
from kostra.catalog.forms import Form, load_catalog, load_catalog_from
from kostra.catalog.validation import Unit


@pytest.fixture
def small(minimal_root: Path) -> Form:
    # 1.1: 2 min always; 1.2: 4 min if 1.1 = yes; 1.3: 6 min Oslo districts only; 1.4: 3 min if population >= 10 000
    return load_catalog_from(minimal_root, 2025).form("9")


UNITS = [
    Unit("1811", "municipality", 5_000),       # 2 + 4 × 0.5           = 4
    Unit("3301", "municipality", 20_000),      # 2 + 4 × 0.5 + 3       = 7
    Unit("030101", "oslo_district", 50_000),   # 2 + 4 × 0.5 + 6 + 3   = 13
    Unit("9999", "municipality", None),        # 2 + 4 × 0.5 + 3 × 0.5 = 5.5
    Unit("32", "county", 700_000),             # does not report the form
]


def test_hand_computed_burden(small: Form) -> None:
    burden = form_burden(small, UNITS)
    assert burden.per_unit == {"1811": 4.0, "3301": 7.0, "030101": 13.0, "9999": 5.5, "32": 0.0}
    assert burden.units == 4
    assert burden.minutes == 29.5
    assert burden.hours == 0.5
    assert burden.minutes_per_unit == 7.4


def test_conditional_share_is_a_parameter(small: Form) -> None:
    assert unit_minutes(small, UNITS[0], conditional_share=1.0) == 6.0
    assert unit_minutes(small, UNITS[0], conditional_share=0.0) == 2.0
    assert field_share(small, "1.2", UNITS[0], 0.3) == 0.3
    assert field_share(small, "1.3", UNITS[0]) == 0.0 and field_share(small, "1.3", UNITS[2]) == 1.0


def test_typical_unit_without_population(small: Form) -> None:
    # first unit kind (municipality), population unknown: 2 + 2 + 0 + 1.5
    assert unit_minutes(small, None) == 5.5


def test_file_forms_add_the_attachment() -> None:
    form = load_catalog(2025).form("11")
    fields = sum(f.minutes for f in form.fields())
    assert unit_minutes(form, Unit("3301", "municipality")) == form.definition.attachment.minutes + fields


def test_no_units_no_burden(small: Form) -> None:
    empty = form_burden(small, [])
    assert (empty.units, empty.minutes, empty.minutes_per_unit) == (0, 0, 0.0)
