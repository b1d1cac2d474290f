"""Which method a late unit gets: the field's ``estimation``, its default, and the fallbacks; and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kostra.catalog.form_models import EstimationMethod, FormField
from kostra.catalog.forms import load_catalog
from kostra.cli import cli
from kostra.estimation import FieldInputs, estimate_field
from kostra.store.models import Estimate
from tests.estimation.conftest import FIELD, YEAR, known_year, stored


def _spec(name: str, **update: object) -> FormField:
    spec = next(f for f in load_catalog(YEAR).form("1").fields() if f.name == name)
    return spec.model_copy(update=update)


def _inputs(spec: FormField, late: tuple[str, ...], last_year: dict[str, float]) -> FieldInputs:
    # group G: a (x 100, y 20) and b (x 300, y 60) report: β̂ = 80/400 = 0.2 on population
    groups = {"a": "G", "b": "G", "c": "G", "d": "G"}
    return FieldInputs("1", spec, {"a": 20.0, "b": 60.0}, last_year, {"a": 100, "b": 300, "c": 250, "d": 50},
                       "population 2024", groups.get, late)


def test_defaults_follow_the_field_type() -> None:
    assert _spec("antall_leger").estimation_method is EstimationMethod.RATIO_LAST_YEAR  # an additive count
    assert _spec("legevakt_organisering").estimation_method is EstimationMethod.NONE  # a choice
    assert _spec("ansvarlig_navn").estimation_method is EstimationMethod.NONE  # text
    # applies only where a midwife is employed: whether it applies to a late unit is not known
    assert _spec("jordmor_aarsverk").estimation_method is EstimationMethod.NONE
    assert _spec("jordmor_aarsverk", estimation=EstimationMethod.RATIO_POPULATION).estimation_method \
        is EstimationMethod.RATIO_POPULATION  # unless the definition says so
    with pytest.raises(ValidationError, match="needs an additive number field"):
        FormField.model_validate({**_spec("ansvarlig_navn").model_dump(), "estimation": "ratio_population"})


def test_carry_forward_and_the_population_fallback() -> None:
    spec = _spec("antall_leger", estimation=EstimationMethod.CARRY_FORWARD)
    found, left = estimate_field(_inputs(spec, ("c", "d"), {"c": 7.0}))
    by_unit = {e.unit_code: e for e in found}
    assert (by_unit["c"].value_text, by_unit["c"].method) == ("7", EstimationMethod.CARRY_FORWARD)
    # d has no value last year: ratio on population, 0.2 · 50 = 10
    assert (by_unit["d"].value_text, by_unit["d"].method, by_unit["d"].ratio) == \
        ("10", EstimationMethod.RATIO_POPULATION, pytest.approx(0.2))
    assert left == []


def test_ratio_last_year_rounds_half_up_to_the_fields_decimals() -> None:
    # last year a 10, b 30 → β̂ = 80/40 = 2; c had 1.25 → 2.5 hours; an integer field rounds 2.5 up to 3
    last = {"a": 10.0, "b": 30.0, "c": 1.25}
    [hours], _ = estimate_field(_inputs(_spec(FIELD), ("c",), last))
    assert (hours.value_text, hours.method, hours.stratum, hours.n_model) == \
        ("2.5", EstimationMethod.RATIO_LAST_YEAR, "G", 2)
    [doctors], _ = estimate_field(_inputs(_spec("antall_leger"), ("c",), last))
    assert doctors.value_text == "3"


def test_a_unit_without_a_group_or_auxiliary_is_left_missing() -> None:
    _, left = estimate_field(_inputs(_spec(FIELD), ("x",), {}))
    assert left == ["x"]
    _, none = estimate_field(_inputs(_spec("legevakt_organisering"), ("c",), {}))
    assert none == ["c"]


def test_kostra_estimate_prints_counts_and_stores_the_run(year_session: Session, database_url: str,
                                                          tmp_path: Path) -> None:
    known = known_year()
    codes = sorted(known.truth)
    for code in codes:
        stored(year_session, YEAR - 1, code, {FIELD: str(known.last_year[code])})
    for code in codes[3:]:
        stored(year_session, YEAR, code, {FIELD: str(known.truth[code])})
    year_session.commit()
    env = {"KOSTRA_HOME": str(tmp_path), "KOSTRA_DATABASE_URL": database_url}
    done = CliRunner().invoke(cli,
                              ["estimate", "--year", "2025", "--form", "1", "--format", "json"], env=env)
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert {"form": "1", "field": FIELD, "method": "ratio_last_year", "units": 3} in rows
    assert "Estimation run 1:" in done.stderr
    year_session.expire_all()
    assert year_session.query(Estimate).filter(Estimate.field_name == FIELD).count() == 3
    bad = CliRunner().invoke(cli,
                             ["estimate", "--year", "2025", "--form", "99"], env=env)
    assert bad.exit_code == 2 and "unknown form '99'" in bad.output and "Traceback" not in bad.output
    late = CliRunner().invoke(cli,
                              ["estimate", "--year", "2025", "--as-of", "1 March"], env=env)
    assert late.exit_code == 2 and "expected YYYY-MM-DD" in late.output
