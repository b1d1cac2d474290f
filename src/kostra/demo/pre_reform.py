"""Demo step: the year before last in its own region structure (2023 before the 2024 reform).

The demo's year is controlled against last year (same structure), and last year against the year before: in
the default demo that is 2024 against 2023, across the 2024 reform (113 renumbered municipalities, 1507
Ålesund split into 1508 Ålesund and 1580 Haram). Each municipality of 2023 reports under its 2023 code with the
answers its 2024 successor draws for 2023 (the same seeded choices, one year's drift earlier), so a renumbered
municipality's figures run on across the reform as they would in reality; a split municipality reports the
answers of its first successor. Municipalities that no longer exist are stored as inactive units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kostra.dataset.reform import ReformKind, reform_between
from kostra.demo.reporting_year import Progress, demo_units, store_forms
from kostra.demo.units import DemoUnit
from kostra.reference import population, region
from kostra.store.models import Unit as UnitRow

if TYPE_CHECKING:
    from kostra.demo.builder import DemoOptions

__all__ = ["pre_reform_step", "predecessor_codes"]


def predecessor_codes(units: list[DemoUnit], year: int) -> dict[str, str]:
    """This structure's code → the code in ``year``'s structure for every municipality that has one (a split's
    first successor stands for its predecessor; the other parts report nothing that year)."""
    reform = reform_between(year, year + 1)
    codes: dict[str, str] = {}
    taken: set[str] = set()
    for unit in units:
        if unit.kind != "municipality":
            continue
        link = reform.link(unit.code)
        if link.kind in (ReformKind.UNCHANGED, ReformKind.CODE_CHANGE) or (
                link.kind is ReformKind.SPLIT and link.predecessors[0] not in taken):
            codes[unit.code] = link.predecessors[0]
            taken.add(link.predecessors[0])
    return codes


def pre_reform_step(session: Session, options: DemoOptions, progress: Progress) -> str:
    """Demo step: forms of ``options.year - 2`` in that year's structure, all submitted on time."""
    year = options.year - 2
    units = demo_units(options.year, options.seed, options.limit_units, options.always_units)
    codes = predecessor_codes(units, year)
    reporting = [u for u in units if u.kind != "municipality" or u.code in codes]
    for unit in reporting:
        old = codes.get(unit.code)
        if old is not None and old != unit.code:
            session.merge(UnitRow(code=old, kind="municipality", name=region(year, old).name, orgnr=None,
                                  municipality_code=old, population=population(year, old), active=False))
    session.flush()
    counts, _ = store_forms(session, reporting, seed=options.seed, year=year, base_year=year + 1, final=False,
                            progress=progress, codes=codes)
    renumbered = sum(1 for new, old in codes.items() if new != old)
    return (f"forms {year}: {counts['submitted']} submitted in the {year} structure "
            f"({len(codes)} municipalities, {renumbered} under their {year} codes)")


