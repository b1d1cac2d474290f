"""The KOSTRA grouping in force for a year: the one source every part of the system reads.

A year's grouping is the **official** one once a KLASS correspondence export (municipalities 131 → KOSTRA
groups 112) has been loaded into the database with :func:`load_official_groups`; until then it is the
shipped **APPROXIMATION** (``kostra_groups_APPROXIMATION.csv``). Controls (strata), region aggregates
(``group_population``) and the CLI all ask :func:`kostra_grouping`.

Where it is stored: the official grouping of year Y is the ``region_memberships`` rows ``(Y, municipality,
EKG##)`` plus a ``reference_loads`` row whose dataset is ``kostra_groups_official_Y`` (file name, SHA-256,
row count). ``load_reference_into_database`` keeps those rows when it reloads the shipped data.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session

from kostra.errors import IntakeError, UsageError
from kostra.reference.groups import APPROXIMATION_NOTE, KlassRow, approximate_groups, read_klass_rows
from kostra.reference.population import MAX_AGE, population
from kostra.reference.regions import region, regions
from kostra.store.models import ReferenceLoad, Region, RegionMembership

__all__ = ["GroupingSource", "KostraGrouping", "check_official_groups", "group_population", "grouping_in_database",
           "kostra_grouping", "load_official_groups", "official_dataset"]


class GroupingSource(StrEnum):
    """Where a year's KOSTRA grouping comes from."""

    OFFICIAL = "official"            # a KLASS 131 → 112 correspondence export, loaded by a person
    APPROXIMATION = "approximation"  # shipped with the package, built from population only


@dataclass(frozen=True)
class KostraGrouping:
    """Municipality → KOSTRA group (EKG##) of one year, and where that grouping comes from."""

    year: int
    source: GroupingSource
    groups: Mapping[str, str]
    origin: str
    _members: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[str]] = defaultdict(list)
        for code, group in sorted(self.groups.items()):
            grouped[group].append(code)
        self._members.update(grouped)

    def group_of(self, municipality: str) -> str | None:
        """The group of ``municipality``, or None (a district or county has none of its own)."""
        return self.groups.get(municipality)

    def members(self, group: str) -> list[str]:
        """The municipalities of ``group`` (EKG01–EKG17), sorted; empty for a group with none."""
        return list(self._members.get(group, ()))

    @property
    def note(self) -> str:
        """One line for people: which grouping this is."""
        if self.source is GroupingSource.OFFICIAL:
            return f"KOSTRA groups of {self.year} are the official KLASS grouping ({self.origin})."
        return APPROXIMATION_NOTE + f" Load it with: kostra reference load-groups FILE --year {self.year}"


def official_dataset(year: int) -> str:
    """The ``reference_loads.dataset`` that marks the official grouping of ``year``."""
    return f"kostra_groups_official_{year}"


def kostra_grouping(session: Session | None, year: int) -> KostraGrouping:
    """The grouping in force for ``year``: official when loaded into the database, else the APPROXIMATION.

    ``session`` may be None (no database): the APPROXIMATION. Raises UnknownYear for a year without a
    region structure. Example: ``kostra_grouping(None, 2024).group_of("0301") == "EKG13"``.
    """
    region(year, "EAK")  # raises UnknownYear
    load = _official_load(session, year) if session is not None else None
    if load is None:
        return KostraGrouping(year, GroupingSource.APPROXIMATION, approximate_groups(year), "shipped approximation")
    assert session is not None
    rows = session.execute(select(RegionMembership.region_code, RegionMembership.aggregate_code).where(
        RegionMembership.year == year, RegionMembership.aggregate_code.like("EKG%"))).all()
    return KostraGrouping(year, GroupingSource.OFFICIAL, dict(rows),
                          f"{load.source}, loaded {load.loaded_at:%Y-%m-%d %H:%M} UTC")


def grouping_in_database(session: Session, year: int) -> KostraGrouping | None:
    """The grouping of the newest year ≤ ``year`` whose reference data the database holds, or None.

    What the running system uses (controls, the office's pages): a database without reference data has no
    groups, and a reporting year after the newest structure held uses that structure.
    """
    newest = session.scalar(select(func.max(RegionMembership.year)).where(
        RegionMembership.aggregate_code.like("EKG%"), RegionMembership.year <= year))
    return None if newest is None else kostra_grouping(session, newest)


def _official_load(session: Session, year: int) -> ReferenceLoad | None:
    if not inspect(session.get_bind()).has_table(ReferenceLoad.__tablename__):
        return None  # a database without the schema has no official grouping
    return session.scalar(select(ReferenceLoad).where(ReferenceLoad.dataset == official_dataset(year))
                          .order_by(ReferenceLoad.id.desc()).limit(1))


def group_population(grouping: KostraGrouping, group: str, year: int, age_from: int = 0,
                     age_to: int = MAX_AGE, sex: str | None = None) -> int:
    """Persons on 1 January of ``year`` in the municipalities of ``group`` under ``grouping``.

    Raises UnknownRegion for a code that is not a KOSTRA group, and what ``population`` raises.
    """
    if region(grouping.year, group).level != "kostragruppe":
        raise UsageError(f"{group!r} is not a KOSTRA group (EKG01–EKG17)")
    return sum(population(year, code, age_from, age_to, sex) for code in grouping.members(group))


def load_official_groups(session: Session, year: int, path: Path) -> KostraGrouping:
    """Make the KLASS correspondence export at ``path`` the official grouping of ``year``.

    Checks everything before writing: every line readable, every code a municipality of ``year``, no
    municipality in two groups, none left out. Raises IntakeError naming the file, line and code; then
    nothing is written. Loads the shipped reference data of ``year`` first when the database lacks it.
    The caller commits.
    """
    groups = check_official_groups(year, path)
    if session.scalar(select(Region.id).where(Region.year == year).limit(1)) is None:
        from kostra.reference.loader import load_reference_into_database

        load_reference_into_database(session, years=[year])
    session.execute(delete(RegionMembership).where(RegionMembership.year == year,
                                                   RegionMembership.aggregate_code.like("EKG%")))
    session.execute(RegionMembership.__table__.insert(),
                    [{"year": year, "region_code": code, "aggregate_code": group} for code, group in groups.items()])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    session.add(ReferenceLoad(dataset=official_dataset(year), rows=len(groups),
                              source=f"KLASS 131→112 {path.name[:120]} sha256:{digest}"))
    session.flush()
    return kostra_grouping(session, year)


def check_official_groups(year: int, path: Path) -> dict[str, str]:
    """Municipality → EKG## of the KLASS export at ``path``, checked against the municipalities of ``year``.

    Reads no database. Raises IntakeError naming the file, line and code (see ``load_official_groups``).
    """
    name, rows = read_klass_rows(path)
    return _checked_groups(name, rows, year)


def _checked_groups(name: str, rows: list[KlassRow], year: int) -> dict[str, str]:
    municipalities = {r.code: r.name for r in regions(year, "kommune")}
    seen: dict[str, KlassRow] = {}
    for row in rows:
        if row.code not in municipalities:
            raise IntakeError(f"{name} line {row.line}: {row.code!r} is not a municipality of {year} (KLASS 131); "
                              f"export the correspondence valid in {year}")
        first = seen.setdefault(row.code, row)
        if first is not row and first.group != row.group:
            raise IntakeError(f"{name} line {row.line}: municipality {row.code} is put in {row.group}, but line "
                              f"{first.line} puts it in {first.group}; a municipality belongs to one KOSTRA group")
        if first is not row:
            raise IntakeError(f"{name} line {row.line}: municipality {row.code} appears again (first on line "
                              f"{first.line}); each municipality is listed once")
    missing = sorted(set(municipalities) - set(seen))
    if missing:
        shown = ", ".join(f"{code} {municipalities[code]}" for code in missing[:5])
        raise IntakeError(f"{name}: {len(missing)} of the {len(municipalities)} municipalities of {year} have no "
                          f"KOSTRA group, e.g. {shown}; the file must cover them all")
    return {code: row.group for code, row in seen.items()}
