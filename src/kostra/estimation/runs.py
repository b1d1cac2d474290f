"""One estimation run over a year: every late unit's estimable fields, stored as an ``EstimationRun``.

>>> result = estimate_year(session, 2025, actor="statistiker", forms=["1"])
>>> [(c.form_id, c.field_name, c.method, c.units) for c in result.counts][:2]   # on the demo year
[('1', 'antall_leger', 'ratio_last_year', 27), ('1', 'antall_leger', 'ratio_population', 1)]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from sqlalchemy.orm import Session

from kostra.catalog.form_models import EstimationMethod, FieldType, FormField, UnitKind
from kostra.catalog.forms import Form, load_catalog
from kostra.dataset import ValueStatus, check_selection, previous_year_values, year_values
from kostra.dataset.estimates import ESTIMABLE_STATUSES
from kostra.estimation.cells import CellEstimate, FieldInputs, estimate_field
from kostra.estimation.ratio import LIMIT_ITERATE, LIMIT_MODEL
from kostra.reference.grouping import KostraGrouping, kostra_grouping
from kostra.reference.population_load import PopulationInForce, population_in_force
from kostra.store.models import Estimate, EstimationRun

__all__ = ["METHOD_NOTE", "FieldCount", "RunResult", "compute_estimates", "estimate_year"]

METHOD_NOTE = (f"ratio model within the KOSTRA group as Kostra::ImputeRegression(method = 'ratio', limitModel = "
               f"{LIMIT_MODEL}, limitIterate = {LIMIT_ITERATE}); carry forward where the field says so")
_OBSERVED = (ValueStatus.REPORTED.value, ValueStatus.EDITED.value)


@dataclass(frozen=True)
class FieldCount:
    """How many late units of one form × field were estimated by one method (``none``: left missing)."""

    form_id: str
    field_name: str
    method: str
    units: int


@dataclass(frozen=True)
class RunResult:
    """What a run did: the stored run's id, counts per form × field × method, the population used."""

    run_id: int | None
    year: int
    counts: list[FieldCount]
    population_note: str
    estimates: list[CellEstimate] = field(repr=False, default_factory=list)


def _numbers(frame: pl.DataFrame, field_name: str) -> dict[str, float]:
    rows = frame.filter((pl.col("field_name") == field_name) & pl.col("status").is_in(_OBSERVED)
                        & pl.col("value_number").is_not_null())
    return dict(zip(rows["unit_code"].to_list(), rows["value_number"].to_list(), strict=True))


def _estimable(form: Form) -> list[FormField]:
    if UnitKind.MUNICIPALITY not in form.definition.unit_kinds:
        return []
    return [spec for spec in form.fields()
            if spec.type is not FieldType.TABLE and spec.estimation_method is not EstimationMethod.NONE]


def _form_estimates(session: Session, year: int, form: Form, as_of: date | None, population: PopulationInForce,
                    grouping: KostraGrouping) -> tuple[list[CellEstimate], Counter[tuple[str, str, str]]]:
    specs = _estimable(form)
    counts: Counter[tuple[str, str, str]] = Counter()
    if not specs:
        return [], counts
    values = year_values(session, year, as_of=as_of, forms=[form.id]).filter(  # municipalities: they have a group
        pl.col("row_key").is_null() & pl.col("unit_code").is_in(list(grouping.groups)))
    late_rows = values.filter(pl.col("status").is_in(ESTIMABLE_STATUSES) & pl.col("submission_id").is_null())
    if late_rows.is_empty():
        return [], counts
    last = previous_year_values(session, year, forms=[form.id])
    found: list[CellEstimate] = []
    for spec in specs:
        late = tuple(sorted(late_rows.filter(pl.col("field_name") == spec.name)["unit_code"].to_list()))
        if not late:
            continue
        inputs = FieldInputs(form.id, spec, _numbers(values, spec.name), _numbers(last, spec.name),
                             population.persons, f"population {population.source_year}", grouping.group_of, late)
        estimates, left = estimate_field(inputs)
        found.extend(estimates)
        counts.update((form.id, spec.name, e.method.value) for e in estimates)
        if left:
            counts[(form.id, spec.name, EstimationMethod.NONE.value)] += len(left)
    return found, counts


def compute_estimates(session: Session, year: int, *, as_of: date | None = None,
                      forms: Iterable[str] | None = None) -> RunResult:
    """The estimates of ``year`` without storing them (``run_id`` None).

    Raises UsageError for a year without data or an unknown form (``kostra.dataset.check_selection``).
    """
    wanted = None if forms is None else list(forms)
    check_selection(session, year, forms=wanted)
    grouping = kostra_grouping(session, year)
    population = population_in_force(session, year)
    found: list[CellEstimate] = []
    counts: Counter[tuple[str, str, str]] = Counter()
    for form in load_catalog(year).forms():
        if wanted is None or form.id in wanted:
            estimates, form_counts = _form_estimates(session, year, form, as_of, population, grouping)
            found.extend(estimates)
            counts.update(form_counts)
    rows = [FieldCount(f, n, m, c) for (f, n, m), c in sorted(counts.items())]
    return RunResult(None, year, rows, population.note, found)


def estimate_year(session: Session, year: int, *, actor: str, as_of: date | None = None,
                  forms: Iterable[str] | None = None) -> RunResult:
    """Estimate every late unit of ``year`` and store the run and its estimates; the caller commits."""
    wanted = None if forms is None else list(forms)
    result = compute_estimates(session, year, as_of=as_of, forms=wanted)
    run = EstimationRun(year=year, as_of=as_of, forms=None if wanted is None else ",".join(wanted),
                        method=f"{METHOD_NOTE}; {result.population_note}"[:300], created_by=actor)
    session.add(run)
    session.flush()
    session.add_all([_row(run.id, year, e) for e in result.estimates])
    session.flush()
    return RunResult(run.id, year, result.counts, result.population_note, result.estimates)


def _row(run_id: int, year: int, estimate: CellEstimate) -> Estimate:
    model = {"sigma2": estimate.sigma2, "x_model": estimate.x_model, "x": estimate.x,
             "key": f"{estimate.stratum}|{estimate.auxiliary}"}
    return Estimate(run_id=run_id, year=year, form_id=estimate.form_id, unit_code=estimate.unit_code,
                    field_id=estimate.field_id, field_name=estimate.field_name, value_text=estimate.value_text,
                    method=estimate.method.value, auxiliary=estimate.auxiliary, stratum=estimate.stratum,
                    ratio_text=None if estimate.ratio is None else repr(estimate.ratio),
                    n_model=estimate.n_model, model_json=json.dumps(model))
