"""The demo's reporting units: municipalities, Oslo districts and form-5 institutions, from a seed.

Municipalities and districts come from the reference data of the year (population on 1 January of
the year, or the newest year published before it). Institutions are invented: about one per 5 000
inhabitants, each with a valid, unique organisation number derived from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kostra.intake.identifiers import orgnr_check_digit
from kostra.reference import MAX_AGE, district_years, population, population_years, regions

__all__ = [
    "REAL_SPECIAL_ORGNRS",
    "DemoUnit",
    "build_units",
    "orgnr_check_digit",
    "population_year",
]

# Reporting Oslo districts; 030116 Sentrum and 030117 Marka report through others.
OSLO = "0301"
OSLO_DISTRICTS = tuple(f"0301{n:02d}" for n in range(1, 16))
# Organisation numbers that mean something real (SSB 971526920, Brønnøysund 974760673, …): never generated.
REAL_SPECIAL_ORGNRS = frozenset({"971526920", "974760673", "983887406", "972417807", "974761076"})
_INHABITANTS_PER_INSTITUTION = 5_000
_PRIVATE_SHARE = 0.08
_PUBLIC_NAMES = ("sykehjem", "helsehus", "omsorgssenter", "bo- og behandlingssenter", "sjukeheim")
_PRIVATE_NAMES = ("Omsorg AS", "Pleiehjem AS", "Seniorsenter Stiftelse")


@dataclass(frozen=True)
class DemoUnit:
    """One reporting unit of the demo.

    ``elderly`` is the population aged 80 or more; for an institution, its share of its owner's.
    """

    code: str
    kind: str
    name: str
    municipality_code: str | None
    population: int | None
    elderly: int = 0
    orgnr: str | None = None
    private: bool = False
    district_code: str | None = None


def _new_orgnr(rng: random.Random, used: set[str]) -> str:
    while True:
        # Establishments (underenheter) are numbered from 8xx xxx xxx and 9xx xxx xxx.
        first = f"{rng.randint(8, 9)}{rng.randint(0, 9_999_999):07d}"
        check = orgnr_check_digit(first)
        number = f"{first}{check}"
        if check is not None and number not in used and number not in REAL_SPECIAL_ORGNRS:
            used.add(number)
            return number


def population_year(year: int, *, districts: bool = False) -> int:
    """The newest year ≤ ``year`` with population on 1 January (the oldest held if none is ≤)."""
    held = district_years() if districts else population_years()
    earlier = [y for y in held if y <= year]
    return max(earlier) if earlier else min(held)


def _selected(codes: list[str], limit: int | None, always: tuple[str, ...]) -> list[str]:
    if limit is None:
        return codes
    return sorted(set(codes[:limit]) | {c for c in codes if c in always})


def _regional_units(year: int, limit: int | None, always: tuple[str, ...]) -> list[DemoUnit]:
    municipalities = {r.code: r.name for r in regions(year, "kommune")}
    districts = {r.code: r.name for r in regions(year, "bydel") if r.code in OSLO_DISTRICTS}
    pop_year, district_year = population_year(year), population_year(year, districts=True)
    units = [DemoUnit(code, "municipality", municipalities[code], code, population(pop_year, code),
                      population(pop_year, code, 80, MAX_AGE))
             for code in _selected(sorted(municipalities), limit, always)]
    units += [DemoUnit(code, "oslo_district", districts[code], OSLO, population(district_year, code),
                       population(district_year, code, 80, MAX_AGE))
              for code in _selected(sorted(districts), 0 if limit is not None else None, always)]
    return units


def _institutions(owner: DemoUnit, rng: random.Random, used: set[str]) -> list[DemoUnit]:
    expected = (owner.population or 0) / _INHABITANTS_PER_INSTITUTION * rng.uniform(0.7, 1.3)
    count = max(1, round(expected)) if rng.random() > 0.03 else 0
    found = []
    # An institution's share of its owner's population aged 80+ sizes its places.
    elderly = round(owner.elderly / count) if count else 0
    for index in range(count):
        number = _new_orgnr(rng, used)
        private = rng.random() < _PRIVATE_SHARE
        base = owner.name.split(" - ")[0]
        if private:
            name = f"{base} {rng.choice(_PRIVATE_NAMES)}"
        else:
            name = f"{base} {_PUBLIC_NAMES[index % len(_PUBLIC_NAMES)]}"
            name += f" {index // len(_PUBLIC_NAMES) + 1}" if index >= len(_PUBLIC_NAMES) else ""
        found.append(DemoUnit(number, "institution", name, owner.municipality_code, None, elderly, number,
                              private, owner.code if owner.kind == "oslo_district" else None))
    return found


def build_units(year: int, seed: int, *, limit: int | None = None,
                always: tuple[str, ...] = ()) -> list[DemoUnit]:
    """Municipalities, the 15 reporting Oslo districts and their institutions for ``year``.

    ``limit`` keeps only the first ``limit`` municipalities (by code) plus the codes in ``always``
    (districts are then only those in ``always``). Oslo's institutions are placed in its districts,
    which report form 5 for them. The same seed always gives the same units and organisation numbers.
    """
    regional = _regional_units(year, limit, always)
    rng = random.Random(f"units-{seed}")
    used: set[str] = set()
    institutions: list[DemoUnit] = []
    has_districts = any(u.kind == "oslo_district" for u in regional)
    for owner in regional:
        if owner.code == OSLO and has_districts:
            continue
        institutions += _institutions(owner, rng, used)
    return regional + institutions
