"""Estimated reporting burden: minutes per field × the units the field applies to.

For each unit that may report the form (its kind is one of the form's unit kinds), each field counts
with its estimated minutes when its ``applies_when`` holds for the unit, not at all when it does not,
and with ``conditional_share`` of its minutes when it depends on an earlier answer (or on a population
that is unknown), since that cannot be decided before the unit answers. File and accounts forms add
the attachment's minutes once per unit. Table fields count their minutes once (for the whole table).

    >>> burden = form_burden(load_catalog(2025).form("7"), [Unit("3301", "municipality", 28000)])
    >>> burden.minutes, burden.hours, burden.per_unit["3301"]   # minutes, hours, minutes per unit code
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kostra.catalog.forms import Form
from kostra.catalog.validation import Unit, condition_holds

__all__ = ["DEFAULT_CONDITIONAL_SHARE", "FormBurden", "field_share", "form_burden", "unit_minutes"]

# Share of units assumed to answer a field that depends on an earlier answer: without history,
# half answer "yes". Override with the observed share when last year's answers are at hand.
DEFAULT_CONDITIONAL_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class FormBurden:
    """Estimated burden of one form over a set of units."""

    form_id: str
    units: int
    minutes: float
    per_unit: dict[str, float]

    @property
    def hours(self) -> float:
        """Total burden in hours, one decimal."""
        return round(self.minutes / 60, 1)

    @property
    def minutes_per_unit(self) -> float:
        """Average minutes per applicable unit (0 when no unit reports the form)."""
        return round(self.minutes / self.units, 1) if self.units else 0.0


def field_share(form: Form, field_id: str, unit: Unit | None,
                conditional_share: float = DEFAULT_CONDITIONAL_SHARE) -> float:
    """The share (0, 1 or ``conditional_share``) of a field's minutes that a unit is expected to spend."""
    spec = form.field(field_id)
    if spec.applies_when is None:
        return 1.0
    holds = condition_holds(spec.applies_when, unit, None)
    if holds is None:
        return conditional_share
    return 1.0 if holds else 0.0


def unit_minutes(form: Form, unit: Unit | None,
                 conditional_share: float = DEFAULT_CONDITIONAL_SHARE) -> float:
    """Estimated minutes one unit spends on a form; 0 when the unit's kind does not report it.

    ``unit=None`` estimates for a typical unit of the form's first unit kind with unknown population.
    """
    kinds = {k.value for k in form.definition.unit_kinds}
    if unit is not None and unit.kind not in kinds:
        return 0.0
    probe = unit or Unit(code="", kind=form.definition.unit_kinds[0].value)
    total = sum(f.minutes * field_share(form, f.id, probe, conditional_share) for f in form.fields())
    if form.definition.attachment is not None:
        total += form.definition.attachment.minutes
    return total


def form_burden(form: Form, units: Sequence[Unit],
                conditional_share: float = DEFAULT_CONDITIONAL_SHARE) -> FormBurden:
    """Burden of a form over the given units: total minutes, hours and minutes per unit code."""
    per_unit = {u.code: round(unit_minutes(form, u, conditional_share), 2) for u in units}
    applicable = {code: m for code, m in per_unit.items() if m > 0}
    return FormBurden(form_id=form.id, units=len(applicable), minutes=round(sum(applicable.values()), 2),
                      per_unit=per_unit)
