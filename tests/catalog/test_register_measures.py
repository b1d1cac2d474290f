"""Register measures are declared per year; rules may read only those, with their types."""

from __future__ import annotations

from pathlib import Path

import pytest

from kostra.catalog.forms import load_catalog, register_measures
from kostra.errors import DefinitionError


def test_shipped_years_declare_the_midwife_measure() -> None:
    for year in (2024, 2025):
        assert load_catalog(year).schema_mapping()["registers"] == {"jordmor_aarsverk": "decimal"}


def test_a_measure_without_a_type_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "registers.yaml"
    path.write_text("kind: registers\nregisters:\n  ok: {type: integer}\n  broken: {label: x}\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        register_measures(path)
    assert raised.value.file == str(path) and raised.value.item == "broken" and raised.value.line == 4
    assert "needs a type" in str(raised.value)


def test_no_file_means_no_measures(tmp_path: Path) -> None:
    assert register_measures(tmp_path / "registers.yaml") == {}
