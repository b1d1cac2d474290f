"""The region hierarchy of a year, from ``kostra.reference``, as to-from links for a table dimension.

district (bydel) → municipality → county aggregate (EKAcc) → country (EAK); each municipality also sums into
its KOSTRA group (EKGnn) and, outside Oslo, into the country without Oslo (EAKUO), when asked for.
"""

from __future__ import annotations

from kostra.disclosure.hierarchy import Link
from kostra.reference.regions import members, regions

__all__ = ["region_links"]


def region_links(year: int, *, districts: bool = True, kostra_groups: bool = True,
                 country_without_oslo: bool = False) -> list[Link]:
    """Links of the region hierarchy of ``year`` (raises UnknownYear for a year without a region structure).

    >>> links = region_links(2025)
    >>> Link("030101", "0301") in links and Link("1103", "EKA11") in links and Link("EKA11", "EAK") in links
    True
    """
    links: list[Link] = []
    if districts:
        # every district (also 030116 Sentrum and 030117 Marka, outside EAB) is part of its municipality
        links += [Link(d.code, d.code[:4]) for d in regions(year, "bydel")]
    counties = [r.code for r in regions(year, "aggregate") if r.code.startswith("EKA")]
    for county in counties:
        links += [Link(m, county) for m in members(year, county)]
        links.append(Link(county, "EAK"))
    if kostra_groups:
        for group in regions(year, "kostragruppe"):
            links += [Link(m, group.code) for m in members(year, group.code)]
    if country_without_oslo:
        links += [Link(m, "EAKUO") for m in members(year, "EAKUO")]
    return links
