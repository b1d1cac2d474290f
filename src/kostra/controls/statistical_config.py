"""``definitions/<year>/statistical.yaml``: which statistical checks run on which fields, validated on load.

Each check has a name, a label in bokmål and English, a ``kind`` and its parameters:

* ``hb``: Hidiroglou–Berthelot on ``form``/``field`` against last year (``pU``, ``pA``, ``pC``);
* ``thousand``: |log10(this year / last year)| > ``ul`` (``ll``), or a ratio near 10^k (within ``delta``
  of k, k in ``factors``) with a proposed correction;
* ``quartile``: quartile fences (``pKL``, ``pKU``) on ``field`` per ``denominator`` (default: inhabitants),
  computed within each stratum;
* ``ratio``: ``numerator`` / ``denominator`` from any two sources, with fixed ``limits`` or quartile fences.

A source is a form field (``{form: "5", field: plasser_i_alt}``), accounts (``{accounts: {function: "253",
art: "AGD1"}}``), a population age band (``{population: {age_from: 0, age_to: 120}}``) or a register
measure (``{register: jordmor_aarsverk}``). Strata: ``kostra_group`` (default), ``county`` or ``none``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kostra.catalog.form_models import NUMERIC_TYPES
from kostra.catalog.forms import Path_, load_catalog, read_yaml
from kostra.controls.filecheck.model import Severity
from kostra.controls.form_rules import DEFINITIONS
from kostra.controls.language.accounts import accounts_names
from kostra.errors import DefinitionError, KostraError

__all__ = ["AccountsSource", "FieldSource", "PopulationSource", "RegisterSource", "StatisticalCheck",
           "load_statistical_checks", "statistical_checks_of_year"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class FieldSource(_Strict):
    """A numeric field of a form (this year's value of the unit)."""

    form: str
    field: str


class _Accounts(_Strict):
    function: str | None = None
    art: str | None = None
    kontoklasse: str = "drift"
    # kasse (0A/0C) or konsern (0M/0P): never both, since the consolidated accounts include the kasse's
    scope: Literal["kasse", "konsern"] = "kasse"


class AccountsSource(_Strict):
    """An accounts value (1000 NOK) through the accounts engine, named as ``accounts()`` names it."""

    accounts: _Accounts


class _Band(_Strict):
    age_from: int = Field(default=0, ge=0)
    age_to: int = Field(default=120, ge=0)
    sex: Literal[1, 2] | None = None


class PopulationSource(_Strict):
    """Inhabitants in an age band (optionally one sex)."""

    population: _Band = _Band()


class RegisterSource(_Strict):
    """A register measure of the unit (``RegisterValue.measure``)."""

    # Spelled ``register`` in YAML; the attribute name ``register`` is taken by pydantic itself.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    measure: str = Field(min_length=1, alias="register")


Source = FieldSource | AccountsSource | PopulationSource | RegisterSource


class Limits(_Strict):
    min: float | None = None
    max: float | None = None


class StatisticalCheck(_Strict):
    """One configured check; ``form`` is the catalogue form whose field is checked (where hits belong)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    kind: Literal["hb", "thousand", "quartile", "ratio"]
    form: str
    field: str | None = None
    numerator: Source | None = None
    denominator: Source | None = None
    scale: float = Field(default=1.0, gt=0)
    missing_as_zero: bool = False
    strata: Literal["kostra_group", "county", "none"] = "kostra_group"
    min_stratum: int = Field(default=10, ge=1)
    params: dict[str, float] = Field(default_factory=dict)
    limits: Limits | None = None
    severity: Severity = Severity.WARNING
    line: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _severity_by_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("severity"), str):
            name = data["severity"].upper()
            if name not in Severity.__members__:
                raise ValueError(f"severity must be one of {', '.join(Severity.__members__)}, got {name!r}")
            data = {**data, "severity": Severity[name]}
        return data

    @model_validator(mode="after")
    def _shape(self) -> StatisticalCheck:
        allowed = {"hb": {"pU", "pA", "pC"}, "thousand": {"ll", "ul", "delta"}, "quartile": {"pKL", "pKU"},
                   "ratio": {"pKL", "pKU"}}[self.kind]
        unknown = set(self.params) - allowed
        if unknown:
            raise ValueError(f"unknown params {sorted(unknown)} for kind {self.kind}; allowed: {sorted(allowed)}")
        if self.kind == "ratio" and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio check needs numerator and denominator")
        if self.kind != "ratio" and self.field is None:
            raise ValueError(f"a {self.kind} check needs field")
        if self.kind in ("hb", "thousand") and (self.numerator or self.denominator or self.limits):
            raise ValueError(f"a {self.kind} check compares field with last year: no numerator, "
                             "denominator or limits")
        return self

    def top(self) -> Source:
        """The value checked: the field (hb, thousand, quartile) or the numerator (ratio)."""
        if self.numerator is not None:
            return self.numerator
        assert self.field is not None
        return FieldSource(form=self.form, field=self.field)

    def bottom(self) -> Source:
        """The denominator of quartile and ratio checks (inhabitants unless configured)."""
        return self.denominator or PopulationSource()


class StatisticalFile(_Strict):
    kind: Literal["statistical"]
    version: Literal[1]
    checks: tuple[dict[str, Any], ...]


def _line_at(lines: Mapping[Path_, int], path: Path_) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def load_statistical_checks(path: Path, year: int) -> tuple[StatisticalCheck, ...]:
    """Read and validate a statistical.yaml; raises DefinitionError with file, check name and line."""
    data, lines = read_yaml(path)
    try:
        head = StatisticalFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise DefinitionError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}", file=str(path),
                              line=_line_at(lines, tuple(first["loc"]))) from None
    checks: list[StatisticalCheck] = []
    for index, raw in enumerate(head.checks):
        name = str(raw.get("name", f"#{index + 1}"))
        try:
            check = StatisticalCheck.model_validate({**raw, "line": lines.get(("checks", index))})
        except ValidationError as error:
            first = error.errors()[0]
            loc = ("checks", index, *first["loc"])
            raise DefinitionError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}", file=str(path),
                                  item=name, line=_line_at(lines, loc)) from None
        _check_references(check, year, path, {key: _line_at(lines, ("checks", index, key)) for key in raw})
        if any(c.name == check.name for c in checks):
            raise DefinitionError("two checks have this name", file=str(path), item=name,
                                  line=lines.get(("checks", index)))
        checks.append(check)
    return tuple(checks)


def _check_references(check: StatisticalCheck, year: int, path: Path, lines: Mapping[str, int | None]) -> None:
    """Forms, numeric fields and accounts codes must exist in the year's definitions."""
    line = lines.get("form")
    try:
        catalog = load_catalog(year)
        catalog.form(check.form)
        for key, source in (("field", check.top()), ("numerator", check.top()), ("denominator", check.bottom())):
            if key not in lines:
                continue
            line = lines[key]
            if isinstance(source, FieldSource):
                spec = catalog.form(source.form).field(source.field)
                if spec.type not in NUMERIC_TYPES:
                    raise DefinitionError(f"field {source.field!r} of form {source.form} is {spec.type.value}, "
                                          "not a number")
            elif isinstance(source, AccountsSource):
                _accounts_codes(source, year)
    except KostraError as error:
        raise DefinitionError(str(error), file=str(path), item=check.name, line=line) from None


def _accounts_codes(source: AccountsSource, year: int) -> None:
    """The function, art and kontoklasse must be names of the year's accounts definitions (as in ``accounts()``)."""
    names = accounts_names(year)
    for argument in ("function", "art", "kontoklasse"):
        value = getattr(source.accounts, argument)
        problem = None if value is None else names.problem(argument, value)
        if problem:
            raise DefinitionError(f"accounts: {problem}")


@lru_cache(maxsize=8)
def statistical_checks_of_year(year: int) -> tuple[StatisticalCheck, ...]:
    """The checks of ``definitions/<year>/statistical.yaml`` (none when the file does not exist)."""
    path = DEFINITIONS / str(year) / "statistical.yaml"
    return load_statistical_checks(path, year) if path.is_file() else ()
