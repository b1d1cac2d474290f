"""Last year's submissions in this year's region structure: what ``prev()``, HB and the thousand-error check read.

The reform rules live in ``kostra.dataset.reform``; this module applies them to the submissions of last year
(``FormValues``): a renumbered municipality's submissions take the new code, a merger's are combined
(``reform.combine``: additive numbers summed, the rest dropped), a split part gets none. ``LastYear`` keeps
the reform and says why there is no last year at all (the first year with definitions, or no submissions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kostra.catalog.form_models import FieldType
from kostra.catalog.forms import Catalog
from kostra.dataset.reform import Reform, ReformKind, combine, reform_between
from kostra.errors import UnknownYear
from kostra.followup.values import FormValues

if TYPE_CHECKING:
    from kostra.controls.language import ControlData

__all__ = ["LastYear", "in_structure_of", "reform_or_none"]


@dataclass(frozen=True)
class LastYear:
    """Last year's data for the controls of ``year + 1``; ``data`` None when there is none (``missing`` says why)."""

    year: int
    data: ControlData | None
    reform: Reform | None = None
    missing: str = ""        # why there is no last year (bokmål)
    missing_en: str = ""

    @classmethod
    def absent(cls, year: int, why: str, why_en: str) -> LastYear:
        """No last year for the controls of ``year``, with the reason in bokmål and English."""
        return cls(year - 1, None, None, why, why_en)

    def note(self, unit: str, lang: str = "nb") -> str:
        """Why ``unit``'s last-year values differ from its own (renumbered, merged, split) or are missing."""
        if self.data is None:
            return self.missing if lang == "nb" else self.missing_en
        if self.reform is None:
            return ""
        return self.reform.link(unit).note(lang)

    def reasons(self) -> list[dict[str, str]]:
        """The run summary's sentences on last year, in bokmål and English (empty when nothing to say)."""
        if self.data is None:
            return [{"nb": f"Ingen data for {self.year} ({self.missing}): prev() er ikke aktuelt, og kontrollene "
                           "mot i fjor (HB, tusenfeil) er hoppet over.",
                     "en": f"No data for {self.year} ({self.missing_en}): "
                           "prev() is not applicable and the year-over-year checks (HB, thousand error) were "
                           "skipped."}]
        if self.reform is None or not self.reform.changed():
            return []
        counts = self.reform.counts()
        kinds = ((ReformKind.CODE_CHANGE, "med nytt nummer (1:1)", "renumbered (1:1)"),
                 (ReformKind.MERGE, "sammenslått (summerbare tall summert)", "merged (additive numbers summed)"),
                 (ReformKind.SPLIT, "delt (ikke sammenlignbare)", "split (not comparable)"),
                 (ReformKind.NEW, "nye", "new"))
        nb = ", ".join(f"{counts[k.value]} {label}" for k, label, _ in kinds if counts.get(k.value))
        en = ", ".join(f"{counts[k.value]} {label}" for k, _, label in kinds if counts.get(k.value))
        to_year = self.reform.to_year
        return [{"nb": f"Tallene for {self.year} er lest i kommunestrukturen for {to_year}: {nb} kommuner.",
                 "en": f"The values of {self.year} are read in the municipality structure of {to_year}: {en} "
                       "municipalities."}]


def reform_or_none(year: int) -> Reform | None:
    """The reform from ``year - 1`` to ``year``, or None when either region structure is not held."""
    try:
        return reform_between(year - 1, year)
    except UnknownYear:
        return None


def in_structure_of(values: list[FormValues], year: int, catalog: Catalog) -> tuple[list[FormValues], Reform | None]:
    """Last year's ``values`` keyed by ``year``'s codes (``catalog`` is last year's, for additive fields)."""
    reform = reform_or_none(year)
    if reform is None or not reform.changed():
        return values, reform
    successors: dict[str, list[str]] = defaultdict(list)
    for link in reform.links.values():
        for old in link.predecessors:
            successors[old].append(link.code)
    carried: list[FormValues] = []
    merging: dict[tuple[str, str], dict[str, FormValues]] = defaultdict(dict)
    for item in values:
        for new in successors.get(item.unit_code, [item.unit_code] if item.unit_code not in reform.old_codes else []):
            kind = reform.link(new).kind
            if kind in (ReformKind.UNCHANGED, ReformKind.CODE_CHANGE):
                carried.append(item if new == item.unit_code else replace(item, unit_code=new))
            elif kind is ReformKind.MERGE:
                merging[(new, item.form_id)][item.unit_code] = item
    for (new, form_id), parts in merging.items():
        merged = _merged(new, form_id, parts, reform.link(new).predecessors, catalog)
        if merged is not None:
            carried.append(merged)
    return carried, reform


def _merged(new: str, form_id: str, parts: dict[str, FormValues], predecessors: tuple[str, ...],
            catalog: Catalog) -> FormValues | None:
    """One form of a merger's predecessors as the merged unit's; None unless every predecessor sent it."""
    if any(old not in parts for old in predecessors):
        return None
    fields = {f.name: f for f in catalog.form(form_id).fields()}

    def additive(name: str) -> bool:
        spec = fields.get(name)
        return spec is not None and spec.type is not FieldType.TABLE and spec.is_additive

    ordered = [parts[old] for old in predecessors]
    combined = combine([None if p.nil else p.values for p in ordered], additive)
    base = next((p for p in ordered if p.nil == combined.nil), ordered[0])
    return FormValues(form_id, new, base.submission, combined.values, combined.values, {})
