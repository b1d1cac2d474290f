"""Key figures as data: the shipped definitions load; bad definitions are refused with file, figure, line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kostra.errors import DefinitionError, UnknownYear
from kostra.keyfigures import FAMILIES, Scale, available_years, load_indicators, round_half_up
from kostra.keyfigures.definitions import DEFINITIONS

GOOD = """kind: keyfigures
version: 1
family: housing
figures:
  - id: boliger_per_1000
    title: {nb: "Boliger per 1 000 innbyggere", en: "Dwellings per 1 000 inhabitants"}
    numerator: "skjema13.kommunalt_disponerte_boliger"
    denominator: "population(0, 105)"
    scale: per_1000
    unit: boliger
    decimals: 1
    tables: ["12913"]
"""


def _root(tmp_path: Path, text: str) -> Path:
    shutil.copytree(DEFINITIONS / "2025" / "forms", tmp_path / "2025" / "forms")
    (tmp_path / "2025" / "keyfigures").mkdir()
    (tmp_path / "2025" / "keyfigures" / "x.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_year_ships_at_least_forty_figures_in_every_family() -> None:
    assert available_years() == [2023, 2024, 2025]
    for year in available_years():
        figures = load_indicators(year)
        assert len(figures) >= 40
        assert {f.family for f in figures} == set(FAMILIES)
        assert all(f.tables and f.title_nb and f.title_en for f in figures)


def test_the_home_services_function_follows_the_2024_split_of_f254() -> None:
    by_year = {y: {f.id: f for f in load_indicators(y)} for y in (2023, 2025)}
    assert "'254'" in by_year[2023]["netto_hjemmetjenester_per_innbygger"].numerator_text
    assert "'257'" in by_year[2025]["netto_hjemmetjenester_per_innbygger"].numerator_text


def test_a_good_file_loads_from_another_root(tmp_path: Path) -> None:
    [figure] = load_indicators(2025, _root(tmp_path, GOOD))
    assert (figure.id, figure.scale, figure.decimals, figure.line) == ("boliger_per_1000", Scale.PER_1000, 1, 5)


def test_an_unknown_field_is_refused_with_file_figure_and_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("    decimals: 1\n", "    decimals: 1\n    colour: red\n")
    with pytest.raises(DefinitionError) as caught:
        load_indicators(2025, _root(tmp_path, text))
    assert (caught.value.file, caught.value.item, caught.value.line) == ("2025/keyfigures/x.yaml",
                                                                         "boliger_per_1000", 12)
    assert "colour" in str(caught.value)


def test_a_type_mismatch_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_indicators(2025, _root(tmp_path, GOOD.replace("decimals: 1", "decimals: one")))
    assert caught.value.line == 11 and "decimals" in str(caught.value)


def test_an_unknown_form_field_in_an_expression_names_the_position(tmp_path: Path) -> None:
    text = GOOD.replace("skjema13.kommunalt_disponerte_boliger", "skjema13.boliger_nope")
    with pytest.raises(DefinitionError, match=r"unknown field 'skjema13.boliger_nope' at line 1, column 1"):
        load_indicators(2025, _root(tmp_path, text))


def test_a_circular_reference_is_refused_naming_the_cycle(tmp_path: Path) -> None:
    text = GOOD.replace('numerator: "skjema13.kommunalt_disponerte_boliger"', "numerator: \"numerator_of('b')\"")
    text += """  - id: b
    title: {nb: "B", en: "B"}
    numerator: "numerator_of('boliger_per_1000')"
    denominator: "1"
    scale: ratio
    unit: x
    decimals: 0
    tables: ["1"]
"""
    with pytest.raises(DefinitionError, match="circular reference: boliger_per_1000 → b → boliger_per_1000"):
        load_indicators(2025, _root(tmp_path, text))


def test_comparisons_are_not_key_figure_expressions(tmp_path: Path) -> None:
    text = GOOD.replace('denominator: "population(0, 105)"', 'denominator: "population(0, 105) > 3"')
    with pytest.raises(DefinitionError, match="operator '>'"):
        load_indicators(2025, _root(tmp_path, text))


def test_a_year_without_definitions_names_the_years() -> None:
    with pytest.raises(UnknownYear, match="2023–2025"):
        load_indicators(2019)


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (2.25, 1, 2.3), (0.125, 2, 0.13), (2.35, 1, 2.4), (-2.25, 1, -2.3), (98.65, 1, 98.7), (12.5, 0, 13.0)])
def test_rounding_is_half_up_as_ssb_rounds(value: float, decimals: int, expected: float) -> None:
    assert round_half_up(value, decimals) == expected


def test_an_estimate_counts_in_the_aggregate_but_is_never_the_units_own_figure() -> None:
    from kostra.keyfigures.compute import _aggregate_row, _unit_row
    from kostra.keyfigures.inputs import Input

    [share] = [i for i in load_indicators(2025) if i.id == "andel_enerom"]
    reported, estimated = Input(9.0, "value"), Input(18.0, "value", estimated=True)
    rooms_a, rooms_b = Input(10.0, "value"), Input(20.0, "value")
    own = _unit_row(share, 2025, "3405", estimated, rooms_b)
    assert (own[3], own[6]) == (None, "..") and "not its own figure" in str(own[7])
    numerators, denominators = {"3401": reported, "3405": estimated}, {"3401": rooms_a, "3405": rooms_b}
    row = _aggregate_row(share, 2025, "EKA34", ["3401", "3405"], numerators, denominators)
    # (9 + 18) / (10 + 20) = 90.0 %, not the mean of 90 % and 90 %: here equal, so also check the counts
    assert (row[3], row[4], row[5], row[8], row[9], row[10]) == (90.0, 27.0, 30.0, 2, 1, 2)
    uneven = _aggregate_row(share, 2025, "EKA34", ["3401", "3405"], {"3401": Input(1.0, "value"),
                                                                   "3405": Input(18.0, "value")}, denominators)
    assert uneven[3] == 63.3  # 19 / 30; the mean of the unit ratios (10 % and 90 %) would be 50 %
