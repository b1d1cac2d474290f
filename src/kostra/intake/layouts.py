"""Record layouts of KOSTRA file attachments, loaded from package data by form and reporting year.

The layouts are SSB's own YAML files (``layouts/<year>/<FORM>.yaml``, ``layouts/Regnskap.yaml``; provenance in
``layouts/README.md``). Unlike the official program, the reporting year selects the layout vintage
(``specs/kostra-files.md`` §7 item 4). Field positions are recomputed cumulatively from the sizes, as the
official program does, so the YAML ``size`` list is authoritative.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kostra.errors import DefinitionError, UnknownYear, UsageError

# libyaml's safe loader when installed (the layouts are large: the pure-Python one takes a second)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "ACCOUNTS_FORMS",
    "ACCOUNTS_YEARS",
    "FAMVERN_FORMS",
    "SOSIAL_FORMS",
    "CodeItem",
    "FamvernOffice",
    "FieldDefinition",
    "Layout",
    "famvern_offices",
    "layout_years",
    "load_layout",
    "supported_forms",
]

_ANNUAL_ACCOUNTS = ("0A", "0B", "0C", "0D", "0F", "0G", "0I", "0J", "0K", "0L", "0M", "0N", "0P", "0Q")
_QUARTERLY_ACCOUNTS = tuple(f"{form}K{q}" for form in ("0A", "0B", "0C", "0D") for q in "1234")
ACCOUNTS_FORMS: frozenset[str] = frozenset(_ANNUAL_ACCOUNTS + _QUARTERLY_ACCOUNTS)
SOSIAL_FORMS: frozenset[str] = frozenset({"11F", "11CF"})
FAMVERN_FORMS: frozenset[str] = frozenset({"52AF", "52BF", "53F", "55F"})
# The accounts record has not changed in these years; the official program has no year limit at all.
ACCOUNTS_YEARS: tuple[int, ...] = tuple(range(2015, 2027))

DataType = Literal["STRING_TYPE", "INTEGER_TYPE", "DATE_TYPE"]
_FROZEN = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CodeItem(BaseModel):
    """One code of a field's code list, with its label."""

    model_config = _FROZEN

    code: str
    value: str


class FieldDefinition(BaseModel):
    """One fixed-width field. ``start`` is the 0-based offset recomputed from the sizes."""

    model_config = _FROZEN

    name: str
    description: str | None = None
    declared_from: int = Field(alias="from")
    size: int = Field(gt=0)
    data_type: DataType = Field(alias="dataType")
    mandatory: bool = False
    date_pattern: str = Field(default="", alias="datePattern")
    codelist_source: str | None = Field(default=None, alias="codelistSource")
    code_list: tuple[CodeItem, ...] = Field(default=(), alias="codeList")
    number: int = 0
    start: int = 0

    @property
    def position_from(self) -> int:
        """1-based first position (recomputed)."""
        return self.start + 1

    @property
    def position_to(self) -> int:
        """1-based last position, inclusive."""
        return self.start + self.size

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(item.code for item in self.code_list)


class Layout(BaseModel):
    """A record layout: the fields of one form in one reporting year."""

    model_config = _FROZEN

    id: str
    title: str
    reporting_year: int = Field(alias="reportingYear")
    description: str = ""
    fields: tuple[FieldDefinition, ...]

    @property
    def record_length(self) -> int:
        return sum(field.size for field in self.fields)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def field(self, name: str) -> FieldDefinition:
        """The field called ``name``; raises ``KeyError`` naming the layout when absent."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"layout {self.id or self.title} {self.reporting_year} has no field {name!r}")


class FamvernOffice(BaseModel):
    """A family-counselling office with its county (fylke) and region (KLASS 557/558)."""

    model_config = _FROZEN

    region: str
    region_name: str = Field(alias="regionName")
    fylke: str
    fylke_name: str = Field(alias="fylkeName")
    kontor: str
    kontor_name: str = Field(alias="kontorName")


def _data_root() -> Traversable:
    return files("kostra.intake").joinpath("layouts")


def supported_forms() -> frozenset[str]:
    """All form ids whose files this system can read."""
    return ACCOUNTS_FORMS | SOSIAL_FORMS | FAMVERN_FORMS


@cache
def layout_years(form: str) -> tuple[int, ...]:
    """The reporting years a layout exists for; raises UsageError for an unknown form."""
    if form in ACCOUNTS_FORMS:
        return ACCOUNTS_YEARS
    if form not in SOSIAL_FORMS | FAMVERN_FORMS:
        raise UsageError(
            f"unknown form {form!r}: expected one of {', '.join(sorted(supported_forms()))}"
        )
    root = _data_root()
    return tuple(sorted(
        int(entry.name) for entry in root.iterdir()
        if entry.name.isdigit() and entry.joinpath(f"{form}.yaml").is_file()
    ))


@cache
def load_layout(form: str, year: int) -> Layout:
    """The layout of ``form`` for reporting ``year``.

    Accounts forms (0A–0Q, 0AK1–0DK4) share the year-less 48-character record. Raises
    ``UnknownYear`` naming the valid range, or ``UsageError`` for an unknown form.
    Example: ``load_layout("11F", 2025).record_length == 338``.
    """
    years = layout_years(form)
    if year not in years:
        raise UnknownYear(year, years, what=f"a {form} record layout")
    path = "Regnskap.yaml" if form in ACCOUNTS_FORMS else f"{year}/{form}.yaml"
    return _parse_layout(_data_root().joinpath(path), path)


def _parse_layout(resource: Traversable, name: str) -> Layout:
    raw = yaml.load(resource.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        raise DefinitionError("expected a mapping with a 'fields' list", file=name)
    start = 0
    fields = []
    for number, item in enumerate(raw["fields"], start=1):
        if not isinstance(item, dict):
            raise DefinitionError(f"field {number} is not a mapping", file=name)
        fields.append({**item, "number": number, "start": start})
        start += int(item.get("size", 0))
    try:
        return Layout.model_validate({**raw, "fields": fields})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DefinitionError(f"{where}: {first['msg']} (got {first.get('input')!r})", file=name) from error


@cache
def famvern_offices(year: int) -> tuple[FamvernOffice, ...]:
    """Office → county → region mapping valid for ``year``.

    The upstream 2026 mapping is empty, so a year without its own non-empty mapping uses the newest
    earlier one (the official program always uses 2025). Raises UnknownYear before the first year.
    """
    root = _data_root().joinpath("famvern")
    available = sorted(int(entry.name[8:12]) for entry in root.iterdir() if entry.name.startswith("mapping_"))
    for candidate in sorted((y for y in available if y <= year), reverse=True):
        raw = yaml.safe_load(root.joinpath(f"mapping_{candidate}.yaml").read_text(encoding="utf-8"))
        mappings = raw.get("mappings") or []
        if mappings:
            return tuple(FamvernOffice.model_validate(item) for item in mappings)
    raise UnknownYear(year, available, what="a family-counselling office mapping")
