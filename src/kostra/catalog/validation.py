"""Value validation of form answers: parse, normalise and check against the form definition.

One call checks everything a portal page or the API sends for one unit and one form:

    >>> form = load_catalog(2025).form("5")
    >>> result = validate_values(form, {"rom_i_alt": "1 234"}, unit=Unit("0301", UnitKind.INSTITUTION))
    >>> result.values["rom_i_alt"]
    1234

Answers may be keyed by field id (``"3.2"``) or name (``"rom_i_alt"``); normalised values are keyed
by name, as rules use them. Numbers are accepted in Norwegian notation (``"1 234,5"``: space as
thousands separator, decimal comma). Values for fields that do not apply to the unit or to the
earlier answers give a WARNING and are dropped. Messages are in bokmål (``lang="nb"``) or English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from kostra.catalog.characters import refused_character
from kostra.catalog.form_models import CHOICE_TYPES, NUMERIC_TYPES, Column, Condition, FieldType, FormField
from kostra.catalog.forms import Form
from kostra.catalog.severity import Severity
from kostra.intake.identifiers import validate_orgnr

__all__ = [
    "Problem",
    "Unit",
    "Validated",
    "condition_holds",
    "message",
    "orgnr_is_valid",
    "parse_number",
    "validate_values",
]

# Digits 0–9 only: Python's \d would also take Arabic-Indic or other scripts' digits as numbers.
_NUMBER = re.compile(r"^[+-]?([0-9]{1,3}( [0-9]{3})+|[0-9]+)([.,][0-9]+)?$")
_DIGITS_MAX = 18  # whole-number digits of any answer: more than any amount in NOK, and it fits a 64-bit integer
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_TRUE = frozenset({"ja", "yes", "true", "1", "j", "y"})
_FALSE = frozenset({"nei", "no", "false", "0", "2", "n"})
_TEXT_MAX = 2000

# Message catalogue: code -> (bokmål, English). Arguments: label, value, limit, expected, form.
_MESSAGES: dict[str, tuple[str, str]] = {
    "not_a_number": ("{label}: '{value}' er ikke et tall", "{label}: '{value}' is not a number"),
    "not_integer": ("{label}: '{value}' er ikke et heltall; oppgi et helt tall uten desimaler",
                    "{label}: '{value}' is not a whole number; give a number without decimals"),
    "too_many_decimals": ("{label}: '{value}' har for mange desimaler; høyst {limit} er tillatt",
                          "{label}: '{value}' has too many decimals; at most {limit} allowed"),
    "negative": ("{label}: '{value}' er negativt; verdien kan ikke være mindre enn 0",
                 "{label}: '{value}' is negative; the value cannot be less than 0"),
    "below_min": ("{label}: '{value}' er mindre enn nedre grense {limit}",
                  "{label}: '{value}' is below the lower limit {limit}"),
    "above_max": ("{label}: '{value}' er over øvre grense {limit}",
                  "{label}: '{value}' is above the upper limit {limit}"),
    "above_plausible": ("{label}: '{value}' er uvanlig høyt (over {limit}); kontroller verdien",
                        "{label}: '{value}' is unusually high (over {limit}); please check the value"),
    "unknown_field": ("Ukjent felt '{value}' i skjema {form}", "Unknown field '{value}' in form {form}"),
    "unit_kind": ("Skjema {form} kan ikke rapporteres av enhetstypen '{value}'; forventet {expected}",
                  "Form {form} cannot be reported by unit kind '{value}'; expected {expected}"),
    "missing": ("{label} må fylles ut", "{label} is required"),
    "not_applicable": ("{label} gjelder ikke her; verdien '{value}' blir ikke brukt",
                       "{label} does not apply here; the value '{value}' is ignored"),
    "not_yes_no": ("{label}: '{value}' er ikke ja eller nei", "{label}: '{value}' is not yes or no"),
    "invalid_choice": ("{label}: '{value}' er ikke et gyldig svar; gyldige svar er {expected}",
                       "{label}: '{value}' is not a valid answer; valid answers are {expected}"),
    "invalid_orgnr": ("{label}: '{value}' er ikke et gyldig organisasjonsnummer (9 siffer med kontrollsiffer)",
                      "{label}: '{value}' is not a valid organisation number (9 digits with check digit)"),
    "not_text": ("{label}: '{value}' er ikke tekst", "{label}: '{value}' is not text"),
    "not_finite": ("{label}: '{value}' er ikke et endelig tall", "{label}: '{value}' is not a finite number"),
    "too_many_digits": ("{label}: '{value}' har for mange sifre; høyst {limit} før desimaltegnet",
                        "{label}: '{value}' has too many digits; at most {limit} before the decimal mark"),
    "refused_character": ("{label}: teksten inneholder tegnet {value}, som ikke er tillatt; fjern det",
                          "{label}: the text contains the character {value}, which is not allowed; remove it"),
    "too_many_texts": ("{label}: {value} tekster, høyst {limit} er tillatt",
                       "{label}: {value} texts, at most {limit} allowed"),
    "too_long": ("{label}: teksten '{value}' er for lang; høyst {limit} tegn",
                 "{label}: the text '{value}' is too long; at most {limit} characters"),
    "not_a_table": ("{label}: forventet en liste med rader", "{label}: expected a list of rows"),
    "too_few_rows": ("{label}: {value} rader, minst {limit} kreves", "{label}: {value} rows, at least {limit} "
                     "required"),
    "too_many_rows": ("{label}: {value} rader, høyst {limit} er tillatt",
                      "{label}: {value} rows, at most {limit} allowed"),
    "unknown_column": ("{label}, rad {row}: ukjent kolonne '{value}'; kolonnene er {expected}",
                       "{label}, row {row}: unknown column '{value}'; the columns are {expected}"),
}


def message(code: str, lang: str, **args: object) -> str:
    """The message for a problem code in bokmål (``nb``) or English (``en``)."""
    nb, en = _MESSAGES[code]
    return (en if lang == "en" else nb).format(**args)


@dataclass(frozen=True, slots=True)
class Unit:
    """The reporting unit answering a form: region code or orgnr, kind, and population if known."""

    code: str
    kind: str
    population: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one answer; ``row`` (1-based) and ``column`` locate it inside a table."""

    field_id: str
    field_name: str
    code: str
    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The machine-readable shape the API returns (severity by name)."""
        return {"field_id": self.field_id, "field_name": self.field_name, "code": self.code,
                "severity": self.severity.name, "message": self.message, "row": self.row,
                "column": self.column}


@dataclass(frozen=True, slots=True)
class Validated:
    """Normalised values by field name, and the problems found."""

    values: dict[str, object]
    problems: list[Problem] = field(default_factory=list)

    @property
    def worst(self) -> Severity:
        """The worst severity found (OK when there are no problems)."""
        return max((p.severity for p in self.problems), default=Severity.OK)

    @property
    def ok(self) -> bool:
        """True when nothing blocks submission (no ERROR or FATAL)."""
        return not self.worst.blocks_submission


class _Invalid(Exception):
    """An answer that cannot be used: its message code and template arguments."""

    def __init__(self, code: str, severity: Severity = Severity.ERROR, **args: object) -> None:
        super().__init__(code)
        self.code = code
        self.severity = severity
        self.args_ = args


def parse_number(raw: object) -> Decimal:
    """Parse a number written as a Python number or Norwegian text (``"1 234,5"``, ``"-3"``, ``"12.5"``).

    Raises ValueError when the text is not a number. Floats are read via their shortest repr.
    """
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))  # NaN and infinities too: refused below
    elif isinstance(raw, str):
        text = _SPACES.sub(" ", raw.strip()).replace("\u2212", "-")
        if not _NUMBER.match(text):
            raise ValueError(raw)
        try:
            number = Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid numbers
            raise ValueError(raw) from error
    else:
        raise ValueError(raw)
    if not number.is_finite():
        raise ValueError(raw)
    return number


def orgnr_is_valid(number: str) -> bool:
    """Check an organisation number: 9 digits, MOD11 with weights 3 2 7 6 5 4 3 2 (Brønnøysund)."""
    return validate_orgnr(number).valid


def condition_holds(cond: Condition, unit: Unit | None, answers: Mapping[str, object] | None) -> bool | None:
    """Evaluate ``applies_when``: True, False, or None when it cannot be decided (unknown unit or answer).

    ``answers`` are normalised values keyed by field id and name; ``None`` means no answers at all.
    """
    if cond.all is not None:
        return _and([condition_holds(c, unit, answers) for c in cond.all])
    if cond.any is not None:
        return _or([condition_holds(c, unit, answers) for c in cond.any])
    if cond.not_ is not None:
        inner = condition_holds(cond.not_, unit, answers)
        return None if inner is None else not inner
    if cond.unit_kind is not None:
        return None if unit is None else unit.kind in {k.value for k in cond.unit_kinds()}
    if cond.min_population is not None:
        if unit is None or unit.population is None:
            return None
        return unit.population >= cond.min_population
    return _field_condition(cond, answers)


def _field_condition(cond: Condition, answers: Mapping[str, object] | None) -> bool | None:
    value = None if answers is None else answers.get(cond.field or "")
    if value is None:
        return None
    if cond.greater_than is not None:
        return isinstance(value, int | Decimal) and value > Decimal(repr(cond.greater_than))
    chosen = set(value) if isinstance(value, list | tuple) else {value}
    if cond.one_of is not None:
        return bool(chosen & set(cond.one_of))
    return cond.equals in chosen


def _and(results: Sequence[bool | None]) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def _or(results: Sequence[bool | None]) -> bool | None:
    if True in results:
        return True
    return None if None in results else False


def validate_values(form: Form, values: Mapping[str, object], *, unit: Unit, lang: str = "nb") -> Validated:
    """Check all answers of one unit to one form; return normalised values and problems.

    Problems cover text in number fields, negative counts, decimals where whole numbers are
    required, hard limits (ERROR) and plausible limits (WARNING), unknown fields, missing required
    fields, answers to fields that do not apply (WARNING, dropped), invalid choices and
    organisation numbers, and each row of table fields.
    """
    problems: list[Problem] = []
    known = {key for f in form.fields() for key in (f.id, f.name)}
    for key in values:
        if key not in known:
            problems.append(Problem(key, "", "unknown_field", Severity.ERROR,
                                    message("unknown_field", lang, value=key, form=form.id)))
    if unit.kind not in {k.value for k in form.definition.unit_kinds}:
        problems.append(Problem("", "", "unit_kind", Severity.ERROR, message(
            "unit_kind", lang, value=unit.kind, form=form.id,
            expected=", ".join(k.value for k in form.definition.unit_kinds))))
    normalised: dict[str, object] = {}
    answers: dict[str, object] = {}
    for f in form.fields():
        raw = values.get(f.id, values.get(f.name))
        applies = True if f.applies_when is None else condition_holds(f.applies_when, unit, answers)
        value = _one_field(f, raw, applies, lang, problems)
        if value is not None:
            normalised[f.name] = answers[f.id] = answers[f.name] = value
    return Validated(values=normalised, problems=problems)


def _one_field(f: FormField, raw: object, applies: bool | None, lang: str, problems: list[Problem]) -> object:
    label = f"{f.id} {getattr(f.label, lang, f.label.nb)}"
    if _is_missing(raw):
        if f.required and applies is True:
            problems.append(Problem(f.id, f.name, "missing", Severity.ERROR,
                                    message("missing", lang, label=label)))
        return None
    if applies is False:
        problems.append(Problem(f.id, f.name, "not_applicable", Severity.WARNING,
                                message("not_applicable", lang, label=label, value=_show(raw))))
        return None
    if f.type is FieldType.TABLE:
        return _table(f, raw, label, lang, problems)
    try:
        value, warning = parse_value(f, raw)
    except _Invalid as invalid:
        problems.append(Problem(f.id, f.name, invalid.code, invalid.severity,
                                message(invalid.code, lang, label=label, **invalid.args_)))
        return None
    if warning is not None:
        problems.append(Problem(f.id, f.name, warning.code, warning.severity,
                                message(warning.code, lang, label=label, **warning.args_)))
    return value


def _is_missing(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def _show(raw: object) -> str:
    text = raw if isinstance(raw, str) else str(raw)
    if refused_character(text) is None:
        return text
    # A message quoting the answer must not carry its bidirectional overrides onto the page.
    return "".join(c if refused_character(c) is None else f"\\u{ord(c):04x}" for c in text)


def parse_value(spec: FormField | Column, raw: object) -> tuple[object, _Invalid | None]:
    """Parse one non-missing answer; return the value and an optional warning, or raise _Invalid."""
    if spec.type in NUMERIC_TYPES:
        return _number(spec, raw)
    if spec.type is FieldType.YES_NO:
        return _yes_no(raw), None
    if spec.type in CHOICE_TYPES:
        return _choice(spec, raw), None
    if spec.type is FieldType.ORGNR:
        digits = _SPACES.sub("", str(raw))
        if not orgnr_is_valid(digits):
            raise _Invalid("invalid_orgnr", value=_show(raw))
        return digits, None
    text = raw if isinstance(raw, str) else None
    if text is None:
        raise _Invalid("not_text", value=_show(raw))
    limit = spec.max_length or _TEXT_MAX
    if len(text) > limit:
        raise _Invalid("too_long", value=text[:20] + "…", limit=limit)
    refused = refused_character(text)
    if refused is not None:
        raise _Invalid("refused_character", value=refused)
    return text.strip(), None


def _number(spec: FormField | Column, raw: object) -> tuple[object, _Invalid | None]:
    shown = _show(raw)[:40]  # a 5 000-digit answer is not echoed back whole
    try:
        number = parse_number(raw)
    except ValueError:
        code = "not_finite" if isinstance(raw, float | Decimal) else "not_a_number"
        raise _Invalid(code, value=shown) from None
    if number.adjusted() >= _DIGITS_MAX:
        raise _Invalid("too_many_digits", value=shown, limit=_DIGITS_MAX)
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if spec.type is FieldType.INTEGER or (spec.type is FieldType.AMOUNT and spec.decimals == 0):
        if places:
            raise _Invalid("not_integer", value=shown)
    elif places > spec.decimals:
        raise _Invalid("too_many_decimals", value=shown, limit=spec.decimals)
    minimum = Decimal(repr(spec.min)) if spec.min is not None else Decimal(0)
    if number < minimum:
        raise _Invalid("negative" if minimum == 0 else "below_min", value=shown, limit=_limit(spec.min))
    if spec.max is not None and number > Decimal(repr(spec.max)):
        raise _Invalid("above_max", value=shown, limit=_limit(spec.max))
    value: object = int(number) if not places else number
    if spec.plausible_max is not None and number > Decimal(repr(spec.plausible_max)):
        return value, _Invalid("above_plausible", Severity.WARNING, value=shown,
                               limit=_limit(spec.plausible_max))
    return value, None


def _limit(limit: float | None) -> object:
    if limit is None:
        return 0
    return int(limit) if float(limit).is_integer() else limit


def _yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid("not_yes_no", value=_show(raw))


def _choice(spec: FormField | Column, raw: object) -> object:
    codes = [o.code for o in spec.options or ()]
    if spec.type is FieldType.SINGLE_CHOICE:
        chosen = [raw]
    elif isinstance(raw, str):
        chosen = [part for part in re.split(r"[,;]\s*", raw.strip()) if part]
    elif isinstance(raw, list | tuple):
        chosen = list(raw)
    else:
        chosen = [raw]
    wrong = [c for c in chosen if str(c).strip() not in codes]
    if wrong:
        raise _Invalid("invalid_choice", value=_show(wrong[0]), expected=", ".join(codes))
    picked = [str(c).strip() for c in chosen]
    return picked[0] if spec.type is FieldType.SINGLE_CHOICE else sorted(set(picked), key=codes.index)


def _table(f: FormField, raw: object, label: str, lang: str, problems: list[Problem]) -> object:
    if not isinstance(raw, list | tuple) or not all(isinstance(r, Mapping) for r in raw):
        problems.append(Problem(f.id, f.name, "not_a_table", Severity.ERROR,
                                message("not_a_table", lang, label=label)))
        return None
    if f.min_rows is not None and len(raw) < f.min_rows:
        problems.append(Problem(f.id, f.name, "too_few_rows", Severity.ERROR,
                                message("too_few_rows", lang, label=label, value=len(raw), limit=f.min_rows)))
    if f.max_rows is not None and len(raw) > f.max_rows:
        problems.append(Problem(f.id, f.name, "too_many_rows", Severity.ERROR,
                                message("too_many_rows", lang, label=label, value=len(raw), limit=f.max_rows)))
    return [_row(f, row, index, label, lang, problems) for index, row in enumerate(raw, start=1)]


def _row(f: FormField, row: Mapping[str, Any], index: int, label: str, lang: str,
         problems: list[Problem]) -> dict[str, object]:
    columns = {c.name: c for c in f.columns or ()}
    for key in row:
        if key not in columns:
            problems.append(Problem(f.id, f.name, "unknown_column", Severity.ERROR, message(
                "unknown_column", lang, label=label, value=key, row=index,
                expected=", ".join(columns)), row=index, column=str(key)))
    parsed: dict[str, object] = {}
    for name, column in columns.items():
        where = f"{label}, {'rad' if lang == 'nb' else 'row'} {index}, {getattr(column.label, lang)}"
        raw = row.get(name)
        if _is_missing(raw):
            if column.required:
                problems.append(Problem(f.id, f.name, "missing", Severity.ERROR,
                                        message("missing", lang, label=where), row=index, column=name))
            continue
        try:
            value, warning = parse_value(column, raw)
        except _Invalid as invalid:
            problems.append(Problem(f.id, f.name, invalid.code, invalid.severity,
                                    message(invalid.code, lang, label=where, **invalid.args_),
                                    row=index, column=name))
            continue
        if warning is not None:
            problems.append(Problem(f.id, f.name, warning.code, warning.severity,
                                    message(warning.code, lang, label=where, **warning.args_),
                                    row=index, column=name))
        parsed[name] = value
    return parsed
