"""Norwegian identifiers: fødselsnummer, D-number, DUF number and organisation number.

Pure functions that never raise on bad input: each returns an :class:`IdentifierResult` saying whether
the value is valid, which kind it is, why not, and the birth date where one can be derived. Vectorised
twins over Polars columns serve the file controls (``fnr_columns``, ``duf_valid_expr``), so a file of
150 000 records is checked without a Python loop per record.

Sources: ``specs/kostra-domain.md`` §3.6 (Skatteetaten / Brønnøysund check-digit rules) and SSB's
control program (``SsnValidationUtils.kt``). Choices made here are listed in ``docs/identifiers.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import polars as pl

__all__ = [
    "FNR_WEIGHTS_1",
    "FNR_WEIGHTS_2",
    "IdentifierKind",
    "IdentifierResult",
    "age_at",
    "age_in_year",
    "duf_valid_expr",
    "fnr_columns",
    "validate",
    "validate_duf",
    "validate_fnr",
    "validate_orgnr",
]

FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
DUF_WEIGHTS = (4, 6, 3, 2, 4, 6, 3, 2, 7, 5)
ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
# Suffixes (individual number + check digits) meaning "only the birth date is known" [KKP].
BIRTH_DATE_ONLY_SUFFIXES = ("00100", "00200", "99999")


class IdentifierKind(StrEnum):
    """What a value was validated as."""

    FNR = "fnr"
    DNR = "dnr"
    DUF = "duf"
    ORGNR = "orgnr"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class IdentifierResult:
    """Outcome of validating one identifier.

    ``incomplete`` marks a fødselsnummer that carries only a birth date (suffix 00100, 00200 or 99999):
    accepted as valid, but not a real person number. ``synthetic`` marks FREG test numbers (month + 80).
    """

    value: str
    kind: IdentifierKind
    valid: bool
    reason: str
    birth_date: date | None = None
    incomplete: bool = False
    synthetic: bool = False


def _digits(value: str, length: int, label: str) -> str | None:
    """The reason ``value`` is not exactly ``length`` ASCII digits, or None when it is."""
    if len(value) != length:
        return f"{label} must have {length} digits, got {len(value)} characters in {value!r}"
    if not value.isascii() or not value.isdigit():
        return f"{label} must contain digits only, got {value!r}"
    return None


def _weighted(value: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(value, weights, strict=False))


def orgnr_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit of an organisation number's first eight digits; None when none exists (r = 1)."""
    remainder = _weighted(first_eight, ORGNR_WEIGHTS) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def validate_orgnr(value: str) -> IdentifierResult:
    """Validate a 9-digit organisation number (Enhetsregisteret, MOD11 with weights 3 2 7 6 5 4 3 2).

    >>> validate_orgnr("958935420").valid
    True
    """
    problem = _digits(value, 9, "an organisation number")
    if problem:
        return IdentifierResult(value, IdentifierKind.ORGNR, False, problem)
    check = orgnr_check_digit(value[:8])
    if check is None:
        return IdentifierResult(value, IdentifierKind.ORGNR, False,
                                f"{value!r} cannot be an organisation number: its first 8 digits give "
                                "check digit 10, which is never issued")
    if int(value[8]) != check:
        return IdentifierResult(value, IdentifierKind.ORGNR, False,
                                f"check digit of {value!r} is {value[8]}, expected {check}")
    return IdentifierResult(value, IdentifierKind.ORGNR, True, "valid organisation number")


def _century(individual: int, yy: int) -> int | None:
    """Birth century from the individual number (digits 7–9) and the two-digit year."""
    if individual <= 499:
        return 1900
    if individual >= 900 and yy >= 40:
        return 1900
    if yy <= 39:
        return 2000
    if individual <= 749 and yy >= 54:
        return 1800
    return None


def _birth_date(value: str) -> tuple[date | None, str, bool, bool]:
    """Birth date of an 11-digit number: (date, reason if none, is D-number, is FREG synthetic)."""
    day, month, yy, individual = int(value[0:2]), int(value[2:4]), int(value[4:6]), int(value[6:9])
    dnr = day > 40
    synthetic = month > 80
    if dnr:
        day -= 40
    if synthetic:
        month -= 80
    elif 40 < month <= 52:
        return None, f"{value!r} has month {value[2:4]}: H-numbers (month + 40) are not accepted", dnr, False
    century = _century(individual, yy)
    if century is None:
        return None, (f"individual number {value[6:9]} in {value!r} is not issued for a two-digit "
                      f"year {value[4:6]}"), dnr, synthetic
    try:
        return date(century + yy, month, day), "", dnr, synthetic
    except ValueError:
        return None, f"{value[:6]!r} in {value!r} is not a valid date (ddmmyy)", dnr, synthetic


def validate_fnr(value: str) -> IdentifierResult:
    """Validate a fødselsnummer or D-number (11 digits, two MOD11 check digits).

    D-numbers (day + 40) and FREG synthetic numbers (month + 80) are accepted; H-numbers (month + 40)
    are not. A valid birth date followed by 00100, 00200 or 99999 is valid but ``incomplete``.

    >>> validate_fnr("01010112345").valid
    False
    """
    problem = _digits(value, 11, "a fødselsnummer")
    if problem:
        return IdentifierResult(value, IdentifierKind.FNR, False, problem)
    born, why, dnr, synthetic = _birth_date(value)
    kind = IdentifierKind.DNR if dnr else IdentifierKind.FNR
    if value[6:] in BIRTH_DATE_ONLY_SUFFIXES and born is not None:
        return IdentifierResult(value, kind, True, f"birth date only (suffix {value[6:]}), accepted as incomplete",
                                born, incomplete=True, synthetic=synthetic)
    if born is None:
        return IdentifierResult(value, kind, False, why)
    if _weighted(value, FNR_WEIGHTS_1) % 11 != 0:
        return IdentifierResult(value, kind, False, f"first check digit (position 10) of {value!r} is wrong",
                                born, synthetic=synthetic)
    if _weighted(value, FNR_WEIGHTS_2) % 11 != 0:
        return IdentifierResult(value, kind, False, f"second check digit (position 11) of {value!r} is wrong",
                                born, synthetic=synthetic)
    label = "D-number" if dnr else "fødselsnummer"
    return IdentifierResult(value, kind, True, f"valid {label}" + (" (FREG synthetic)" if synthetic else ""),
                            born, synthetic=synthetic)


def validate_duf(value: str) -> IdentifierResult:
    """Validate a 12-digit DUF number (UDI): weighted sum of the first 10 digits mod 11 = last two digits.

    >>> validate_duf("198603720117").valid
    False
    """
    problem = _digits(value, 12, "a DUF number")
    if problem:
        return IdentifierResult(value, IdentifierKind.DUF, False, problem)
    expected = f"{_weighted(value[:10], DUF_WEIGHTS) % 11:02d}"
    if value[10:] != expected:
        return IdentifierResult(value, IdentifierKind.DUF, False,
                                f"control digits of {value!r} are {value[10:]}, expected {expected}")
    return IdentifierResult(value, IdentifierKind.DUF, True, "valid DUF number")


def validate(value: str, kind: str = "auto") -> IdentifierResult:
    """Validate ``value`` as ``kind`` (fnr, dnr, duf, orgnr) or, with ``auto``, by its length.

    >>> validate("958935420").kind
    <IdentifierKind.ORGNR: 'orgnr'>
    """
    text = value.strip()
    if kind in ("fnr", "dnr"):
        result = validate_fnr(text)
        if result.valid and kind == "dnr" and result.kind is not IdentifierKind.DNR:
            return IdentifierResult(text, result.kind, False, f"{text!r} is a fødselsnummer, not a D-number "
                                    "(expected first digit 4–7)", result.birth_date)
        return result
    validators = {"duf": validate_duf, "orgnr": validate_orgnr}
    if kind in validators:
        return validators[kind](text)
    by_length = {9: validate_orgnr, 11: validate_fnr, 12: validate_duf}
    if kind == "auto" and len(text) in by_length:
        return by_length[len(text)](text)
    expected = "9 digits (orgnr), 11 (fødselsnummer/D-number) or 12 (DUF)"
    if kind != "auto":
        expected = "kind fnr, dnr, duf, orgnr or auto"
    return IdentifierResult(text, IdentifierKind.UNKNOWN, False, f"cannot tell what {text!r} is: expected {expected}")


def age_in_year(birth_date: date, year: int) -> int:
    """Age the way KOSTRA counts it: reporting year minus birth year (birthday not considered)."""
    return year - birth_date.year


def age_at(birth_date: date, ref: date) -> int:
    """Completed years at ``ref`` (birthday counted; 29 February birthdays count on 28 February)."""
    before_birthday = (ref.month, ref.day) < (birth_date.month, birth_date.day)
    return ref.year - birth_date.year - int(before_birthday)


# ---------------------------------------------------------------------------------------------------------
# Vectorised versions over Polars string columns (same rules as the scalar functions above).


def _digit(column: pl.Expr, position: int) -> pl.Expr:
    return column.str.slice(position, 1).cast(pl.Int32, strict=False)


def _weighted_expr(column: pl.Expr, weights: tuple[int, ...]) -> pl.Expr:
    return pl.sum_horizontal([_digit(column, i) * w for i, w in enumerate(weights)])


def fnr_columns(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Expressions (valid: Boolean, birth_date: Date) for a column of raw 11-character values.

    Same rules as :func:`validate_fnr`; values are not trimmed, so a field with spaces is invalid
    (null birth date). ``valid`` is never null.
    """
    all_digits = column.str.contains(r"^[0-9]{11}$").fill_null(False)
    day, month, yy, individual = (column.str.slice(start, size).cast(pl.Int32, strict=False)
                                  for start, size in ((0, 2), (2, 2), (4, 2), (6, 3)))
    day = pl.when(day > 40).then(day - 40).otherwise(day)
    month = pl.when(month > 80).then(month - 80).when(month > 40).then(None).otherwise(month)
    century = (
        pl.when(individual <= 499).then(1900)
        .when((individual >= 900) & (yy >= 40)).then(1900)
        .when(yy <= 39).then(2000)
        .when((individual <= 749) & (yy >= 54)).then(1800)
        .otherwise(None)
    )
    text = pl.format("{}-{}-{}", century + yy, month, day)
    born = pl.when(all_digits).then(text.str.strptime(pl.Date, "%Y-%-m-%-d", strict=False))
    checks = ((_weighted_expr(column, FNR_WEIGHTS_1) % 11 == 0) & (_weighted_expr(column, FNR_WEIGHTS_2) % 11 == 0))
    incomplete = column.str.slice(6, 5).is_in(list(BIRTH_DATE_ONLY_SUFFIXES))
    valid = (all_digits & born.is_not_null() & (checks | incomplete)).fill_null(False)
    return valid, born


def duf_valid_expr(column: pl.Expr) -> pl.Expr:
    """Boolean expression: the raw 12-character value is a valid DUF number (never null)."""
    all_digits = column.str.contains(r"^[0-9]{12}$").fill_null(False)
    expected = (_weighted_expr(column, DUF_WEIGHTS) % 11).cast(pl.Utf8).str.zfill(2)
    return (all_digits & (column.str.slice(10, 2) == expected)).fill_null(False)
