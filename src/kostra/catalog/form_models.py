"""Form definitions as written in YAML: frozen pydantic models that reject unknown keys.

This is stage one of the two-stage load (STYLE.md §Definitions 7): shapes and value types only.
Cross-references (field ids, ``applies_when`` targets, units, years) are checked in
``kostra.catalog.forms`` when the catalogue is resolved.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Attachment",
    "Column",
    "Condition",
    "Delivery",
    "EstimationMethod",
    "FieldDefaults",
    "FieldType",
    "FormField",
    "FormFile",
    "Option",
    "Purpose",
    "Section",
    "Text",
    "UnitKind",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldType(StrEnum):
    """The value types a form field can have."""

    INTEGER = "integer"
    AMOUNT = "amount"
    DECIMAL = "decimal"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"
    ORGNR = "orgnr"
    TABLE = "table"


NUMERIC_TYPES = frozenset({FieldType.INTEGER, FieldType.AMOUNT, FieldType.DECIMAL})
CHOICE_TYPES = frozenset({FieldType.SINGLE_CHOICE, FieldType.MULTIPLE_CHOICE})


class EstimationMethod(StrEnum):
    """How a field is estimated for a unit that has not reported (docs/estimation.md)."""

    RATIO_POPULATION = "ratio_population"  # ratio model within the KOSTRA group, x = population
    RATIO_LAST_YEAR = "ratio_last_year"  # ratio model within the KOSTRA group, x = the unit's value last year
    CARRY_FORWARD = "carry_forward"  # last year's value, as it was (as ``Kostra::ImputeHistory``)
    NONE = "none"  # never estimated


class Purpose(StrEnum):
    """Why a field is collected (drives what is published and what is only checked)."""

    PUBLISHED = "published"
    CONTROL_ONLY = "control_only"
    CALCULATION_BASIS = "calculation_basis"
    GUIDANCE = "guidance"
    OTHER_AGENCY = "other_agency"


class UnitKind(StrEnum):
    """Kinds of reporting units."""

    MUNICIPALITY = "municipality"
    OSLO_DISTRICT = "oslo_district"
    COUNTY = "county"
    INSTITUTION = "institution"


class Delivery(StrEnum):
    """How a form is delivered: filled in the portal, as a file attachment, or as an accounts file."""

    WEB = "web"
    FILE = "file"
    ACCOUNTS = "accounts"


class Text(_Frozen):
    """A text in bokmål and English."""

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Option(_Frozen):
    """One answer option of a choice field."""

    code: str = Field(min_length=1)
    label: Text


class Condition(_Frozen):
    """When a field applies. Exactly one kind per condition; combine with ``all``/``any``/``not``.

    ``field`` with ``equals`` (yes/no or choice code), ``one_of`` (choice codes) or ``greater_than``
    (number) depends on an earlier answer; ``unit_kind`` and ``min_population`` depend on the unit only.
    """

    field: str | None = None
    equals: bool | str | None = None
    one_of: tuple[str, ...] | None = None
    greater_than: float | None = None
    unit_kind: UnitKind | tuple[UnitKind, ...] | None = None
    min_population: int | None = Field(default=None, ge=0)
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [name for name in ("field", "unit_kind", "min_population", "all", "any", "not_")
                 if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError("a condition needs exactly one of field, unit_kind, min_population, all, any, not;"
                             f" got {kinds or 'none'}")
        tests = [t for t in ("equals", "one_of", "greater_than") if getattr(self, t) is not None]
        if self.field is not None and len(tests) != 1:
            raise ValueError("a field condition needs exactly one of equals, one_of, greater_than")
        if self.field is None and tests:
            raise ValueError(f"{tests[0]} is only allowed together with field")
        return self

    def reads_answers(self) -> bool:
        """Whether the condition depends on answers (``field``), not only on the unit (kind, population)."""
        if self.field is not None:
            return True
        nested = [*(self.all or ()), *(self.any or ()), *((self.not_,) if self.not_ is not None else ())]
        return any(c.reads_answers() for c in nested)

    def unit_kinds(self) -> tuple[UnitKind, ...]:
        """The unit kinds of a ``unit_kind`` condition as a tuple."""
        if self.unit_kind is None:
            return ()
        return self.unit_kind if isinstance(self.unit_kind, tuple) else (self.unit_kind,)


class _ValueSpec(_Frozen):
    """What fields and table columns share: identity, type, unit and limits."""

    name: str
    label: Text
    help: Text | None = None
    type: FieldType
    unit: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    plausible_max: float | None = None
    decimals: int = Field(default=0, ge=0, le=6)
    max_length: int | None = Field(default=None, gt=0)
    options: tuple[Option, ...] | None = None
    # Whether the values of two units add up to the value of the units together (counts, FTEs, amounts):
    # what a merger of municipalities sums. None: numbers are additive, other types are not.
    additive: bool | None = None

    @model_validator(mode="after")
    def _additive_number(self) -> _ValueSpec:
        if self.additive and self.type not in NUMERIC_TYPES:
            raise ValueError(f"additive: true needs a number field; {self.name!r} is {self.type.value}")
        return self

    @property
    def is_additive(self) -> bool:
        """Whether a merger sums this field (``additive``, by default true for numbers only)."""
        return self.additive if self.additive is not None else self.type in NUMERIC_TYPES


class Column(_ValueSpec):
    """A column of a table field; each row holds one value per column."""


class FormField(_ValueSpec):
    """One question of a form."""

    id: str
    applies_when: Condition | None = None
    purpose: Purpose
    recipients: tuple[str, ...] = Field(min_length=1)
    minutes: float = Field(ge=0)
    prefilled: bool = False
    columns: tuple[Column, ...] | None = None
    # The column that identifies a table's row across versions (an organisation or municipality number);
    # without it rows are identified by position.
    key: str | None = None
    min_rows: int | None = Field(default=None, ge=0)
    max_rows: int | None = Field(default=None, ge=1)
    # Why this number gets no default year-over-year checks (HB, thousand error); None: it gets them.
    skip_year_over_year: Text | None = None
    # How a late unit's value is estimated; None: ratio_last_year for additive numbers, else none.
    estimation: EstimationMethod | None = None

    @model_validator(mode="after")
    def _skip_number(self) -> FormField:
        if self.skip_year_over_year is not None and self.type not in NUMERIC_TYPES:
            raise ValueError(f"skip_year_over_year is only for number fields; {self.name!r} is {self.type.value}")
        return self

    @model_validator(mode="after")
    def _estimated_number(self) -> FormField:
        if self.estimation not in (None, EstimationMethod.NONE) and not self.is_additive:
            raise ValueError(f"estimation: {self.estimation.value} needs an additive number field; "
                             f"{self.name!r} is {self.type.value} (set additive: true, or estimation: none)")
        return self

    @property
    def estimation_method(self) -> EstimationMethod:
        """How a late unit's value is estimated: the field's ``estimation``, by default ``ratio_last_year``
        for additive numbers (counts, FTEs, amounts) and ``none`` for everything else (shares, text, choices)
        and for a field whose ``applies_when`` reads answers (whether it applies to a late unit is not known)."""
        if self.estimation is not None:
            return self.estimation
        if self.is_additive and (self.applies_when is None or not self.applies_when.reads_answers()):
            return EstimationMethod.RATIO_LAST_YEAR
        return EstimationMethod.NONE


class Section(_Frozen):
    """A numbered part of a form (``Del 2 Leger``)."""

    id: str
    title: Text
    fields: tuple[FormField, ...] = Field(min_length=1)


class Attachment(_Frozen):
    """The file that file and accounts forms are delivered as."""

    form: str
    layout: str
    record_length: int = Field(gt=0)
    minutes: float = Field(ge=0)


class FieldDefaults(_Frozen):
    """Form-wide defaults merged into every field that does not set the key itself."""

    purpose: Purpose | None = None
    recipients: tuple[str, ...] | None = None
    minutes: float | None = Field(default=None, ge=0)
    prefilled: bool | None = None


class FormFile(_Frozen):
    """One form of one reporting year, as written in ``definitions/<year>/forms/<id>.yaml``."""

    kind: Literal["form"]
    version: Literal[1]
    year: int
    id: str
    name: Text
    description: Text
    unit_kinds: tuple[UnitKind, ...] = Field(min_length=1)
    reported_by: tuple[str, ...] = ()
    one_per: UnitKind | None = None
    deadline: date
    allows_nil: bool = True
    delivery: Delivery
    attachment: Attachment | None = None
    changes: tuple[Text, ...] = ()
    field_defaults: FieldDefaults | None = None
    sections: tuple[Section, ...] = ()
