"""Estimates for the late units of one field: ratio on population or last year's value, or carry forward.

Units that have not submitted the form (status ``missing`` or ``prefilled_unconfirmed``, no submission) are
estimated; a nil return ("nothing to report") is a value, not a late unit, and is never estimated. Only
municipalities are estimated: the stratum is the unit's KOSTRA group, and a group with no unit to fit falls
back to the country (stratum ``EAK``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kostra.catalog.form_models import EstimationMethod, FormField
from kostra.dataset import number_text
from kostra.estimation.ratio import RatioFit, fit_ratio

__all__ = ["CellEstimate", "FieldInputs", "estimate_field"]

NATIONAL = "EAK"  # the stratum of a group without any unit to fit the model on


@dataclass(frozen=True)
class CellEstimate:
    """One estimated value: exact ``value_text``, the method used and the model behind it."""

    form_id: str
    unit_code: str
    field_id: str
    field_name: str
    value_text: str
    method: EstimationMethod
    auxiliary: str | None  # "population 2024" or "last year"; None for carry forward
    stratum: str | None
    ratio: float | None
    n_model: int | None
    x: float | None  # the unit's auxiliary value
    sigma2: float | None  # the stratum model's residual variance σ̂²
    x_model: float | None  # Σx of the model units


@dataclass(frozen=True)
class FieldInputs:
    """What estimating one field needs: reported values, last year's, population, groups, late units."""

    form_id: str
    spec: FormField
    reported: Mapping[str, float]
    last_year: Mapping[str, float]
    population: Mapping[str, int]
    population_label: str
    group_of: Callable[[str], str | None]
    late: tuple[str, ...]


def _text(value: float, decimals: int) -> str:
    step = Decimal(1).scaleb(-decimals)
    exact = Decimal(repr(max(value, 0.0))).quantize(step, rounding=ROUND_HALF_UP)
    return number_text(exact) or "0"


class _Models:
    """Fitted ratio models per stratum for one auxiliary variable, computed once each."""

    def __init__(self, inputs: FieldInputs, auxiliary: Mapping[str, float]) -> None:
        self.inputs, self.auxiliary = inputs, auxiliary
        self._fits: dict[str, RatioFit | None] = {}

    def _observations(self, group: str | None) -> dict[str, tuple[float, float]]:
        return {unit: (self.auxiliary[unit], y) for unit, y in self.inputs.reported.items()
                if unit in self.auxiliary and (group is None or self.inputs.group_of(unit) == group)}

    def fit(self, group: str) -> tuple[str, RatioFit] | None:
        if group not in self._fits:
            self._fits[group] = fit_ratio(self._observations(group))
        found = self._fits[group]
        if found is not None:
            return group, found
        if NATIONAL not in self._fits:
            self._fits[NATIONAL] = fit_ratio(self._observations(None))
        national = self._fits[NATIONAL]
        return None if national is None else (NATIONAL, national)


def _ratio(inputs: FieldInputs, models: _Models, unit: str, method: EstimationMethod,
           label: str) -> CellEstimate | None:
    x = models.auxiliary.get(unit)
    group = inputs.group_of(unit)
    if x is None or x <= 0 or group is None:
        return None
    fitted = models.fit(group)
    if fitted is None:
        return None
    stratum, fit = fitted
    spec = inputs.spec
    return CellEstimate(inputs.form_id, unit, spec.id, spec.name, _text(fit.ratio * x, spec.decimals), method, label,
                        stratum, fit.ratio, fit.n_model, x, fit.sigma2, fit.x_model)


def estimate_field(inputs: FieldInputs) -> tuple[list[CellEstimate], list[str]]:
    """Estimates for ``inputs.late`` by the field's method; returns them and the units left unestimated.

    ``ratio_last_year`` and ``carry_forward`` fall back to the ratio on population for a unit without a
    value last year (its method then says ``ratio_population``).
    """
    method = inputs.spec.estimation_method
    if method is EstimationMethod.NONE:
        return [], list(inputs.late)
    population = _Models(inputs, {u: float(n) for u, n in inputs.population.items()})
    last_year = _Models(inputs, inputs.last_year)
    found, left = [], []
    for unit in inputs.late:
        estimate = None
        if method is EstimationMethod.CARRY_FORWARD and unit in inputs.last_year:
            spec = inputs.spec
            estimate = CellEstimate(inputs.form_id, unit, spec.id, spec.name,
                                    _text(inputs.last_year[unit], spec.decimals), method, "last year",
                                    inputs.group_of(unit), None, None, inputs.last_year[unit], None, None)
        elif method is EstimationMethod.RATIO_LAST_YEAR:
            estimate = _ratio(inputs, last_year, unit, method, "last year")
        if estimate is None:
            estimate = _ratio(inputs, population, unit, EstimationMethod.RATIO_POPULATION, inputs.population_label)
        (found.append(estimate) if estimate is not None else left.append(unit))
    return found, left
