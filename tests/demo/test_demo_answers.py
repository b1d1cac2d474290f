"""Answers of the demo units to the web forms: valid, rule-abiding, stable across years."""

from __future__ import annotations

import random

import pytest

from kostra.catalog.forms import load_catalog
from kostra.catalog.validation import Unit, validate_values
from kostra.controls.form_rules import form_rule_problems
from kostra.demo.answers import WEB_FORMS, fit_to_form, form_answers
from kostra.demo.units import DemoUnit, build_units


def _sample() -> list[DemoUnit]:
    units = build_units(2025, 2025)
    regional = [u for u in units if u.kind != "institution"]
    institutions = [u for u in units if u.kind == "institution"]
    rng = random.Random(11)
    wanted = {"0301", "3401", "4601", "1151", "030102"}  # Oslo, mid-sized, Bergen, Utsira (smallest), a district
    return [u for u in regional if u.code in wanted] + rng.sample(regional, 15) + rng.sample(institutions, 30)


SAMPLE = _sample()


@pytest.mark.parametrize("year", [2024, 2025])
def test_answers_pass_field_validation_and_error_rules(year: int) -> None:
    catalog = load_catalog(year)
    seen = set()
    for unit in SAMPLE:
        for form_id, values in form_answers(unit, 2025, year, base_year=2024).items():
            seen.add(form_id)
            form = catalog.form(form_id)
            validation_unit = Unit(unit.code, unit.kind, unit.population)
            validated = validate_values(form, values, unit=validation_unit)
            problems = validated.problems + form_rule_problems(form, validated.values, validation_unit, year, "nb")
            blocking = [p for p in problems if p.severity.blocks_submission]
            assert not blocking, (unit.code, form_id, blocking)
            assert not [p for p in problems if p.code == "not_applicable"], (unit.code, form_id)
    assert seen == set(WEB_FORMS)


def test_answers_scale_with_population() -> None:
    by_code = {u.code: u for u in build_units(2025, 2025)}
    bergen = form_answers(by_code["4601"], 2025, 2025)
    utsira = form_answers(by_code["1151"], 2025, 2025)
    assert bergen["1"]["antall_leger"] > 20 * utsira["1"]["antall_leger"]  # type: ignore[operator]
    assert bergen["13"]["kommunalt_disponerte_boliger"] > 20 * utsira["13"]["kommunalt_disponerte_boliger"]  # type: ignore[operator]


def test_same_seed_same_answers_and_small_changes_between_years() -> None:
    for unit in SAMPLE[:10]:
        last = form_answers(unit, 5, 2024, base_year=2024)
        assert last == form_answers(unit, 5, 2024, base_year=2024)
        this = form_answers(unit, 5, 2025, base_year=2024)
        for form_id, values in this.items():
            for name, value in values.items():
                before = last[form_id].get(name)
                if isinstance(value, int | float) and not isinstance(value, bool) and before is not None:
                    assert abs(value - before) <= 0.1 * before + 3, (unit.code, form_id, name, before, value)  # type: ignore[operator]


def test_fit_drops_fields_that_do_not_apply() -> None:
    form = load_catalog(2025).form("1")
    district = DemoUnit("030102", "oslo_district", "Grünerløkka", "0301", 60_000)
    fitted = fit_to_form(form, district, {"jordmor_ansatt": False, "jordmor_aarsverk": 3.0,
                                          "legevakt_organisering": "1", "no_such_field": 1,
                                          "psykologkompetanse": True, "psykolog_aarsverk": 2.5})
    assert fitted == {"jordmor_ansatt": False, "psykologkompetanse": True, "psykolog_aarsverk": 2.5}
