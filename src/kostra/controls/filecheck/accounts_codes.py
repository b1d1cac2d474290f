"""Year-versioned code lists and form classification for the accounts (regnskap) file controls.

The code lists live as YAML package data in ``codelists/`` (with provenance notes); every entry may carry
``from``/``to`` reporting years, so a 2019 file is checked against 2019 codes (function 254 valid up to 2023,
257/258 from 2024). Which list applies to which form mirrors SSB's control program (``KommuneKostraMain.kt``,
``KvartalKostraMain.kt``, ``KirkeKostraMain.kt``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import yaml

from kostra.controls.filecheck.model import CheckArguments
from kostra.errors import DefinitionError, UnknownYear

# libyaml's safe loader when installed (the layouts are large: the pure-Python one takes a second)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "BALANCE_FORMS",
    "BEVILGNING_FORMS",
    "CHURCH_FORMS",
    "KONTOKLASSER",
    "OSLO",
    "OSLO_DISTRICTS",
    "REGIONAL_FORMS",
    "AccountsLists",
    "code_list",
    "lists_for",
    "supported_years",
]

OSLO = "030100"
OSLO_DISTRICTS: frozenset[str] = frozenset(f"0301{n:02d}" for n in range(1, 16))
LONGYEARBYEN = "211100"
_SPECIAL_ORGNR = frozenset({"817920632", "921234554", "958935420", "964338531"})  # Trøndelag, Drammen, Oslo, Bergen
_SPECIAL_REGIONS = frozenset({"030100", "300500", "460100", "500000"})

_QUARTERLY = tuple(f"{form}K{q}" for form in ("0A", "0B", "0C", "0D") for q in "1234")
BEVILGNING_FORMS = frozenset({"0A", "0C", "0F", "0I", "0K", "0M", "0P"} | {f for f in _QUARTERLY if f[1] in "AC"})
BALANCE_FORMS = frozenset({"0B", "0D", "0G", "0J", "0L", "0N", "0Q"} | {f for f in _QUARTERLY if f[1] in "BD"})
# Forms whose accounts are "regionale" (REG type): the municipality or county itself, not a sub-unit.
REGIONAL_FORMS = frozenset({"0A", "0C", "0M", "0P"})
CHURCH_FORMS = frozenset({"0F", "0G"})
KOMMUNE_FORMS = frozenset({"0A", "0B", "0M", "0N"})
FYLKE_FORMS = frozenset({"0C", "0D", "0P", "0Q"})

# Rule 009: allowed kontoklasse per form, and which of them is drift (the other bevilgning one is investering).
KONTOKLASSER: dict[str, tuple[str, ...]] = {
    **{f: ("1", "0") for f in ("0A", "0C")},
    **{f: ("3", "4") for f in ("0F", "0I", "0K", "0M", "0P")},
    **{f: ("2",) for f in ("0B", "0D")},
    **{f: ("5",) for f in ("0G", "0J", "0L", "0N", "0Q")},
    **{f: ("1", "0") for f in _QUARTERLY if f[1] in "AC"},
    **{f: ("2", "Z", "z", "~") for f in _QUARTERLY if f[1] in "BD"},
}
_PLACEHOLDERS = ("Z", "z", "~")


@cache
def _load(kind: str) -> dict:
    source = files("kostra.controls.filecheck.codelists") / f"{kind}.yaml"
    try:
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"cannot read code list: {exc}", file=f"codelists/{kind}.yaml") from exc
    if not isinstance(data, dict) or "lists" not in data or "years" not in data:
        raise DefinitionError("expected keys 'years' and 'lists'", file=f"codelists/{kind}.yaml")
    return data


def supported_years() -> range:
    """Reporting years for which the accounts code lists are maintained."""
    first, last = _load("funksjon")["years"]
    return range(first, last + 1)


@cache
def code_list(kind: str, group: str, year: int) -> frozenset[str]:
    """Codes of list ``group`` in ``codelists/<kind>.yaml`` valid in reporting ``year``."""
    data = _load(kind)
    first, last = data["years"]
    if not first <= year <= last:
        raise UnknownYear(year, range(first, last + 1), what=f"accounts {kind} code lists")
    entries = data["lists"].get(group)
    if entries is None:
        raise DefinitionError(f"unknown code list {group!r}", file=f"codelists/{kind}.yaml")
    codes: set[str] = set()
    for entry in entries:
        if entry.get("from", first) <= year <= entry.get("to", last):
            codes.update(str(entry["codes"]).split())
    return frozenset(codes)


@dataclass(frozen=True, slots=True)
class AccountsLists:
    """Every code list one accounts check needs, already resolved for form, region, orgnr and year."""

    funksjon: frozenset[str]  # trimmed codes
    kapittel: frozenset[str]
    art: frozenset[str]
    sektor: frozenset[str]  # raw 3-char values ("   " for church balance)
    utgatt: frozenset[str]
    invalid_drift_funksjon: frozenset[str]
    invalid_inv_funksjon: frozenset[str]
    illogical_inv_funksjon: frozenset[str]
    invalid_drift_art: frozenset[str]
    invalid_inv_art: frozenset[str]


def _funksjoner(form: str, oslo: bool, orgnrs: tuple[str, ...], year: int) -> frozenset[str]:
    def f(group: str) -> frozenset[str]:
        return code_list("funksjon", group, year)

    base = form[:2]
    if form in CHURCH_FORMS:
        return f("kirke") if form == "0F" else frozenset()
    if form not in BEVILGNING_FORMS:
        return frozenset()
    result: set[str] = set()
    if len(form) == 4:
        # Unlike the official program, 0CK also gets the financial functions (800-899): counties book them too.
        result |= (f("kommune") if base == "0A" else f("fylke")) | f("kvartal_finans") | set(_PLACEHOLDERS)
    else:
        result |= f("kommune") if base in ("0A", "0I", "0M") else set()
        result |= f("kommune_finans") if base in ("0A", "0M") else set()
        if base == "0I":
            result |= f("sbdr_fylke_finans") if _SPECIAL_ORGNR & set(orgnrs) else f("sbdr_kommune_finans")
        result |= f("fylke") if base in ("0C", "0K", "0P") else set()
        result |= f("fylke_finans") if base in ("0C", "0P") else set()
        result |= f("sbdr_fylke_finans") if base == "0K" else set()
    if oslo:
        result |= f("oslo") | f("fylke")
    return frozenset(result)


def _arter(form: str, oslo: bool, year: int) -> frozenset[str]:
    def a(group: str) -> frozenset[str]:
        return code_list("art", group, year)

    if form in CHURCH_FORMS:
        return a("kirke") if form == "0F" else frozenset()
    if form not in BEVILGNING_FORMS:
        return frozenset()
    if len(form) == 4:
        return a("basis") | a("kommune") | set(_PLACEHOLDERS) | (a("oslo") if oslo else set())
    if form in ("0A", "0M"):
        return a("basis") | a("kommune") | (a("oslo") if oslo else set())
    return a("basis")


def _kapitler(form: str, year: int) -> frozenset[str]:
    if form not in BALANCE_FORMS:
        return frozenset()
    if form in CHURCH_FORMS:
        return code_list("kapittel", "kirke", year)
    if len(form) == 4:
        return code_list("kapittel", "kvartal", year) | set(_PLACEHOLDERS) | {""}
    extra = code_list("kapittel", "sbdr", year) if form in ("0J", "0L") else frozenset()
    return code_list("kapittel", "kommune", year) | extra


def _sektorer(form: str, year: int) -> frozenset[str]:
    if form not in BALANCE_FORMS:
        return frozenset()
    if form in CHURCH_FORMS:
        return frozenset({"   "})
    quarterly = {f"{p}  " for p in _PLACEHOLDERS} if len(form) == 4 else set()
    return code_list("sektor", "kommune", year) | quarterly


def _invalid_drift_art(form: str, special: bool, orgnrs: tuple[str, ...]) -> frozenset[str]:
    if form in CHURCH_FORMS:
        return frozenset({"280", "285", "670", "910", "970"})
    if len(form) == 4:
        return frozenset({"529", "670", "910", "911", "929", "970"})
    codes = {"280", "512", "521", "522", "529", "670", "910", "911", "912", "921", "922", "929", "970"}
    special = (form in ("0I", "0K") and _SPECIAL_ORGNR & set(orgnrs)) or (
        form in ("0M", "0P") and special
    )
    return frozenset(codes - {"921"} if special else codes)


def _invalid_inv_art(form: str) -> frozenset[str]:
    if form in CHURCH_FORMS:
        return frozenset({"570", "590", "990"})
    if len(form) == 4:
        return frozenset(["509", "570", "590", "800", "870", "871", "872", "873", "875", "876", "877", "909", "990"])
    return frozenset(
        _words("070 080 110 114 240 509 570 590 600 629 630 640 800 870 871 872 873 875 876 877 909 990")
    )


def _words(text: str) -> list[str]:
    return text.split()


def lists_for(args: CheckArguments) -> AccountsLists:
    """Resolve every code list for the form, region, orgnrs and reporting year of ``args``."""
    region = args.region
    # The region matters only as Oslo (or one of its districts) or one of the special regions: the lists are
    # resolved once per such class, not once per municipality (the rules' screens ask for every file).
    return _lists(args.form, args.year, args.orgnrs, region == OSLO or region in OSLO_DISTRICTS,
                  region in _SPECIAL_REGIONS)


@lru_cache(maxsize=256)
def _lists(form: str, year: int, orgnrs: tuple[str, ...], oslo: bool, special: bool) -> AccountsLists:
    bevilgning = form in BEVILGNING_FORMS and form not in CHURCH_FORMS
    quarterly = len(form) == 4
    return AccountsLists(
        funksjon=_funksjoner(form, oslo, orgnrs, year),
        kapittel=_kapitler(form, year),
        art=_arter(form, oslo, year),
        sektor=_sektorer(form, year),
        utgatt=code_list("funksjon", "utgatt", year) if quarterly and bevilgning else frozenset(),
        invalid_drift_funksjon=frozenset({"841"}) if bevilgning and not quarterly else frozenset(),
        invalid_inv_funksjon=frozenset(
            ({"800", "840", "860"} if quarterly else {"800", "840", "850", "860"}) if bevilgning else ()
        ),
        illogical_inv_funksjon=frozenset(
            ["100", "110", "121", "170", "171", "400", "410", "421", "470", "471"] if bevilgning else ()
        ),
        invalid_drift_art=_invalid_drift_art(form, special, orgnrs),
        invalid_inv_art=_invalid_inv_art(form),
    )
