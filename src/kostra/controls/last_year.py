"""What a control run knows about last year: its data in this year's structure, the reform, or why there is none.

The values come from ``kostra.dataset.previous_year_values`` (the reform rules live in
``kostra.dataset.reform``). ``LastYear`` adds what the run summary and the results say about it: the first year
with definitions, a year without submissions, and how many municipalities were renumbered, merged or split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kostra.dataset.reform import Reform, ReformKind

if TYPE_CHECKING:
    from kostra.controls.language import ControlData

__all__ = ["LastYear"]


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
