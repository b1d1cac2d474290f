"""Assemble the shipped tables (regions, memberships) from the municipality lists and group assignment."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "COUNTY_NAMES",
    "DISTRICT_NAMES",
    "REPORTING_DISTRICTS",
    "memberships",
    "regions",
]

# KLASS 104 (specs/kostra-domain.md §3.2); the county code is the first two digits of a municipality code
COUNTY_NAMES: dict[str, str] = {
    "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland", "30": "Viken",
    "31": "Østfold", "32": "Akershus", "33": "Buskerud", "34": "Innlandet", "38": "Vestfold og Telemark",
    "39": "Vestfold", "40": "Telemark", "42": "Agder", "46": "Vestland", "50": "Trøndelag",
    "54": "Troms og Finnmark", "55": "Troms", "56": "Finnmark",
}
# KLASS 241 / SSB table 10826 (specs/kostra-domain.md §3.3)
DISTRICT_NAMES: dict[str, str] = {
    "030101": "Gamle Oslo", "030102": "Grünerløkka", "030103": "Sagene", "030104": "St. Hanshaugen",
    "030105": "Frogner", "030106": "Ullern", "030107": "Vestre Aker", "030108": "Nordre Aker",
    "030109": "Bjerke", "030110": "Grorud", "030111": "Stovner", "030112": "Alna", "030113": "Østensjø",
    "030114": "Nordstrand", "030115": "Søndre Nordstrand", "030116": "Sentrum", "030117": "Marka",
}
# 030116 Sentrum and 030117 Marka have no services, do not report and are not in EAB
REPORTING_DISTRICTS = tuple(f"0301{n:02d}" for n in range(1, 16))
AGGREGATE_NAMES = {
    "EAK": "Landet", "EAKUO": "Landet uten Oslo", "EAB": "Oslo bydeler i alt",
    "EAFK": "Alle fylkeskommuner", "EAFKUO": "Fylkeskommuner uten Oslo",
}
OSLO = "0301"


def regions(year: int, municipalities: Mapping[str, str]) -> list[dict[str, object]]:
    """All regions of one year: municipalities, counties, county municipalities, districts, groups, aggregates."""
    counties = sorted({code[:2] for code in municipalities})
    rows: list[dict[str, object]] = [
        {"year": year, "code": code, "name": name, "level": "kommune"} for code, name in sorted(municipalities.items())
    ]
    rows += [{"year": year, "code": c, "name": COUNTY_NAMES[c], "level": "fylke"} for c in counties]
    rows += [{"year": year, "code": f"{c}00", "name": _county_municipality_name(c), "level": "fylkeskommune"}
             for c in counties]
    rows += [{"year": year, "code": code, "name": name, "level": "bydel"} for code, name in DISTRICT_NAMES.items()]
    rows += [{"year": year, "code": f"EKG{g:02d}", "name": f"KOSTRA-gruppe {g}", "level": "kostragruppe"}
             for g in range(1, 18)]
    rows += [{"year": year, "code": f"EKA{c}", "name": COUNTY_NAMES[c], "level": "aggregate"} for c in counties]
    rows += [{"year": year, "code": code, "name": name, "level": "aggregate"} for code, name in AGGREGATE_NAMES.items()]
    return rows


def _county_municipality_name(county: str) -> str:
    # Oslo is a municipality and a county municipality at once
    return "Oslo" if county == "03" else f"{COUNTY_NAMES[county]} fylkeskommune"


def memberships(year: int, municipalities: Mapping[str, str], groups: Mapping[str, int]) -> list[dict[str, object]]:
    """(region, aggregate) pairs of one year: municipality → county, EKA##, EKG##, EAK, EAKUO; district → EAB;
    county municipality → EAFK, EAFKUO."""
    rows: list[tuple[str, str]] = []
    for code in sorted(municipalities):
        rows += [(code, code[:2]), (code, f"EKA{code[:2]}"), (code, f"EKG{groups[code]:02d}"), (code, "EAK")]
        if code != OSLO:
            rows.append((code, "EAKUO"))
    rows += [(district, "EAB") for district in REPORTING_DISTRICTS]
    for county in sorted({code[:2] for code in municipalities}):
        rows.append((f"{county}00", "EAFK"))
        if county != "03":
            rows.append((f"{county}00", "EAFKUO"))
    return [{"year": year, "region_code": region, "aggregate_code": aggregate} for region, aggregate in rows]
