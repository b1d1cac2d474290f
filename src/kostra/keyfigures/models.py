"""Key-figure definitions as written (YAML → frozen pydantic models) and as resolved (parsed expressions).

A key figure (nøkkeltall; its definition: *indicator*) is ``numerator / denominator × scale``, both written
in the rule language's expressions (``kostra.controls.language``): sums and differences of form fields,
file-record counts, register measures, ``accounts(...)`` from the accounts engine and ``population(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kostra.controls.language.syntax import Node

__all__ = ["FAMILIES", "Indicator", "IndicatorFile", "IndicatorModel", "Scale", "Title"]

FAMILIES = ("health_care", "psychiatric_substance", "social_assistance", "housing", "demography", "accounts")


class Scale(StrEnum):
    """What the ratio is multiplied by: a share in percent, per 1 000, per 10 000, or as it is."""

    PERCENT = "percent"
    PER_1000 = "per_1000"
    PER_10000 = "per_10000"
    RATIO = "ratio"          # e.g. hours per resident, months per recipient
    KRONER_1000 = "kroner_per_1000"  # accounts in 1000 NOK turned into kroner per inhabitant (× 1 000)

    @property
    def factor(self) -> int:
        return _FACTORS[self]


# Looked up for every value computed: a plain dict, not the enum's value property each time.
_FACTORS = {Scale.PERCENT: 100, Scale.PER_1000: 1000, Scale.PER_10000: 10000, Scale.RATIO: 1, Scale.KRONER_1000: 1000}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Title(_Frozen):
    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class IndicatorModel(_Frozen):
    """One key figure as written in ``definitions/<year>/keyfigures/<family>.yaml``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    title: Title
    numerator: str = Field(min_length=1)
    denominator: str = Field(min_length=1)
    scale: Scale = Field(strict=False)
    unit: str = Field(min_length=1)
    decimals: int = Field(ge=0, le=4)
    additive: bool = False
    tables: list[str] = Field(min_length=1)
    source: str = ""
    note: str = ""
    units: str = Field(default="municipality", pattern=r"^(municipality|county_municipality)$")


class IndicatorFile(_Frozen):
    kind: str = Field(pattern=r"^keyfigures$")
    version: int = Field(ge=1)
    family: str
    figures: list[IndicatorModel] = Field(min_length=1)


@dataclass(frozen=True)
class Indicator:
    """A resolved key figure: its definition, parsed expressions, where it was written, and its family."""

    id: str
    year: int
    family: str
    title_nb: str
    title_en: str
    numerator: Node
    denominator: Node
    numerator_text: str
    denominator_text: str
    scale: Scale
    unit: str
    decimals: int
    additive: bool
    tables: tuple[str, ...]
    source: str
    note: str
    units: str
    file: str
    line: int
    depends_on: tuple[str, ...] = field(default=())

    def title(self, lang: str = "nb") -> str:
        return self.title_nb if lang == "nb" else self.title_en
