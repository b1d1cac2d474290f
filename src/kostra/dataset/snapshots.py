"""Frozen snapshots of a year's values: an immutable Parquet file under KOSTRA_HOME and its SHA-256 in the
database (``DatasetSnapshot``), with who froze it and when. A label is used once per year and never
overwritten; releases (a later issue) are built from a snapshot.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kostra.dataset.values import year_values
from kostra.errors import KostraError, NotFound, UsageError
from kostra.store.models import AuditEvent, DatasetSnapshot

__all__ = ["SnapshotChanged", "freeze", "read_snapshot", "snapshots"]

_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class SnapshotChanged(KostraError):
    """A frozen snapshot's file no longer has the hash recorded when it was frozen."""


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _check_label(session: Session, year: int, label: str) -> str:
    label = label.strip()
    if not _LABEL.match(label):
        raise UsageError(f"snapshot label {label!r} is not usable: 1–80 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit (e.g. preliminary-2026-03-15)")
    existing = session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.year == year,
                                                            DatasetSnapshot.label == label))
    if existing is not None:
        raise UsageError(f"snapshot {label!r} of {year} exists already (frozen {existing.created_at:%Y-%m-%d %H:%M} "
                         f"by {existing.created_by}); a label is never overwritten: choose another label")
    return label


def freeze(session: Session, home: Path, year: int, label: str, *, by: str, as_of: date | None = None,
           approved_only: bool = False) -> DatasetSnapshot:
    """Write the year's values to ``home/snapshots/<year>/<label>.parquet`` (read-only) and record its hash.

    Raises UsageError for a bad or used label (nothing is written then).
    """
    label = _check_label(session, year, label)
    relative = Path("snapshots") / str(year) / f"{label}.parquet"
    target = home / relative
    if target.exists():
        raise UsageError(f"{target} exists already; a snapshot file is never overwritten: choose another label")
    # Through the per-unit cache (a full build where it cannot serve: as_of, approved_only): equal by design.
    frame = year_values(session, year, as_of=as_of, approved_only=approved_only, cache_dir=home / "cache")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    frame.write_parquet(partial, statistics=True)
    digest = _digest(partial)
    os.chmod(partial, 0o444)
    os.replace(partial, target)
    snapshot = DatasetSnapshot(year=year, label=label, path=relative.as_posix(), sha256=digest, rows=frame.height,
                               as_of=as_of, approved_only=approved_only, created_by=by)
    session.add(snapshot)
    session.add(AuditEvent(actor=by, action="dataset.freeze", object_ref=f"{year}/dataset/{label}",
                           detail_json=json.dumps({"sha256": digest, "rows": frame.height, "path": snapshot.path,
                                                   "as_of": as_of.isoformat() if as_of else None,
                                                   "approved_only": approved_only})))
    try:
        session.flush()
    except IntegrityError:  # frozen by someone else at the same moment
        session.rollback()
        raise UsageError(f"snapshot {label!r} of {year} exists already; choose another label") from None
    return snapshot


def snapshots(session: Session, year: int | None = None) -> list[DatasetSnapshot]:
    """The frozen snapshots (of one year), oldest first."""
    query = select(DatasetSnapshot).order_by(DatasetSnapshot.year, DatasetSnapshot.created_at, DatasetSnapshot.id)
    if year is not None:
        query = query.where(DatasetSnapshot.year == year)
    return list(session.scalars(query))


def read_snapshot(session: Session, home: Path, year: int, label: str) -> pl.DataFrame:
    """The frozen values of a snapshot, after checking the file's hash; raises NotFound or SnapshotChanged."""
    found = session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.year == year,
                                                         DatasetSnapshot.label == label))
    if found is None:
        labels = ", ".join(s.label for s in snapshots(session, year)) or "none"
        raise NotFound(f"no snapshot {label!r} of {year}: the snapshots of {year} are {labels}")
    path = home / found.path
    if not path.is_file() or _digest(path) != found.sha256:
        raise SnapshotChanged(f"snapshot {label!r} of {year} ({path}) is missing or changed since it was frozen: "
                              f"its SHA-256 should be {found.sha256}")
    return pl.read_parquet(path)
