"""A cache of derived frames under KOSTRA_HOME/cache, keyed by a fingerprint of what they were derived from.

A control run in a fresh process would otherwise rebuild last year's values (which rarely change) every time.
The fingerprint covers every row the values depend on (submissions, edits, approvals, drafts, units), the form
definitions of the year and the version of the code that builds them; any change gives a new key, so a cached
frame is never stale. The files are derived data: deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kostra.catalog.forms import DEFINITIONS_ROOT
from kostra.store.models import Approval, Draft, Edit, Submission, Unit

__all__ = ["cached", "fingerprint"]

# Bump when the shape or meaning of a cached frame changes.
_BUILDER_VERSION = 2  # 2: the estimate_id and estimate_method columns


def _definitions(year: int) -> list[tuple[str, int, int]]:
    folder = DEFINITIONS_ROOT / str(year)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        stat = path.stat()
        found.append((path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns))
    return found


def fingerprint(session: Session, year: int, definitions_year: int, *options: Any) -> str:
    """A hash that changes whenever anything ``year_values`` reads for ``year`` changes."""
    parts: list[Any] = [_BUILDER_VERSION, year, definitions_year, options, _definitions(definitions_year)]
    for model, stamp in ((Submission, Submission.id), (Edit, Edit.id), (Approval, Approval.id),
                         (Draft, Draft.updated_at)):
        parts.append(tuple(session.execute(select(func.count(), func.max(stamp)).where(
            model.year == year)).one()))  # type: ignore[attr-defined]
    parts.append(tuple(session.execute(select(func.count(), func.max(Unit.code), func.min(Unit.code),
                                              func.sum(func.length(Unit.kind)))).one()))
    parts.append(session.scalar(select(func.count()).where(Unit.active.is_(True))))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def cached(folder: Path | None, name: str, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """The frame stored as ``folder/name-key.parquet``, or ``build()`` stored there; no cache without a folder."""
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.ComputeError):  # a broken file (a crash while writing): rebuild it
            path.unlink(missing_ok=True)
    frame = build()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.parquet"):  # one file per name: older keys are never read again
        old.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    frame.write_parquet(partial)
    os.replace(partial, path)
    return frame
