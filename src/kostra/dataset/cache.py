"""A cache of derived frames under KOSTRA_HOME/cache, keyed by a fingerprint of what they were derived from.

A control run in a fresh process would otherwise rebuild last year's values (which rarely change) every time.
The fingerprint covers every row the values depend on (submissions, edits, drafts, units), the form definitions
of the year and the version of the code that builds them; any change gives a new key, so a cached frame is
never stale. The files are derived data: deleting the folder is always safe.

The year's values are kept **per unit** (:func:`cached_by_unit`): beside the frame the file holds a stamp of
each unit's rows, so after a statistician's edit or a new version only the units whose stamp changed are
rebuilt and spliced into the cached frame, instead of the whole year. Approvals are not stamped: the caller
lays the current ones on the frame (one column) every time, see :mod:`kostra.dataset.values`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from kostra.catalog.forms import DEFINITIONS_ROOT
from kostra.store.models import Draft, Edit, Submission, Unit

__all__ = ["base_key", "cached", "cached_by_unit", "cached_unless_none", "unit_stamps"]

# Bump when the shape or meaning of a cached frame changes.
_BUILDER_VERSION = 4  # 2: estimate columns; 3: per-unit stamps, approvals laid on; 4: one file for both shapes


def _definitions(year: int) -> list[tuple[str, int, int]]:
    folder = DEFINITIONS_ROOT / str(year)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        stat = path.stat()
        found.append((path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns))
    return found


def base_key(year: int, definitions_year: int, *options: Any) -> str:
    """What every unit's rows share: the version of this code, the year, the form definitions, the options."""
    return _digest([_BUILDER_VERSION, year, definitions_year, options, _definitions(definitions_year)])


def unit_stamps(session: Session, year: int, *, drafts: bool) -> dict[str, str]:
    """Per unit code, a hash that changes whenever a row its values of ``year`` are built from changes.

    Submissions and edits are append-only: each is stamped by its id and creation time (so a database built
    again, even with the same ids, never matches); a draft by its id and ``updated_at`` (saving sets it); the
    unit by what the values read of it (kind, population, active). Approvals are left out on purpose: they
    change one column, which the caller recomputes on every read."""
    parts: dict[str, list[Any]] = defaultdict(list)
    for code, kind, population, active in session.execute(select(Unit.code, Unit.kind, Unit.population,
                                                                 Unit.active)):
        parts[code].append((kind, population, bool(active)))
    for model in (Submission, Edit):
        created_at = type_coerce(model.created_at, String)  # as text: no datetime parsed per row
        query = select(model.unit_code, model.id, created_at).where(model.year == year).order_by(model.id)
        for code, row_id, created in session.execute(query):
            parts[code].append((model.__tablename__, row_id, str(created)))
    if drafts:
        query = select(Draft.unit_code, Draft.id, type_coerce(Draft.updated_at, String)).where(
            Draft.year == year).order_by(Draft.id)
        for code, row_id, updated in session.execute(query):
            parts[code].append(("draft", row_id, str(updated)))
    return {code: _digest(found, 8) for code, found in parts.items()}


def _digest(parts: Any, size: int = 16) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=size).hexdigest()


def cached(folder: Path | None, name: str, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """The frame stored as ``folder/name-key.parquet``, or ``build()`` stored there; no cache without a folder."""
    frame = cached_unless_none(folder, name, key, build)
    assert frame is not None
    return frame


def cached_unless_none(folder: Path | None, name: str, key: str,
                       build: Callable[[], pl.DataFrame | None]) -> pl.DataFrame | None:
    """As :func:`cached`, for a ``build`` that may give None (nothing to keep, e.g. an error to report)."""
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.ComputeError):  # a broken file (a crash while writing): rebuild it
            path.unlink(missing_ok=True)
    frame = build()
    if frame is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.parquet"):  # one file per name: older keys are never read again
        old.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    frame.write_parquet(partial)
    os.replace(partial, path)
    return frame


_BASE, _UNITS = "kostra:base", "kostra:units"


def cached_by_unit(folder: Path | None, name: str, base: str, stamps: Mapping[str, str],
                   build: Callable[[list[str] | None], pl.DataFrame], *,
                   order: Sequence[str] = ("form_id", "unit_code")) -> pl.DataFrame:
    """The frame for ``base`` and ``stamps``, kept as ``folder/name-key.parquet``.

    ``build(None)`` builds every unit's rows, ``build(codes)`` only those units' rows (exactly the rows the
    full build has for them); both sorted stably by ``order``. When the stored frame has the same ``base``,
    only the units whose stamp differs (new, changed or gone) are rebuilt and spliced in, so the result equals
    ``build(None)``. Without a folder there is no cache."""
    if folder is None:
        return build(None)
    key = _digest([base, sorted(stamps.items())])
    path = folder / f"{name}-{key}.parquet"
    stored = _stored(folder, name)
    if stored is not None and stored[0] == path:
        frame = _read(path)
        if frame is not None:
            return frame
        stored = None
    frame = None
    if stored is not None and stored[1] == base:
        changed = sorted(code for code in stamps.keys() | stored[2].keys() if stamps.get(code) != stored[2].get(code))
        old = _read(stored[0]) if len(changed) <= len(stamps) // 2 else None  # else a full build is as quick
        if old is not None:
            fresh = build(changed)
            kept = old.filter(~pl.col("unit_code").is_in(pl.Series(changed, dtype=pl.String)))
            frame = pl.concat([kept, fresh]).sort(*order, maintain_order=True)
    if frame is None:
        frame = build(None)
    _write(folder, name, path, frame, {_BASE: base, _UNITS: json.dumps(dict(stamps), sort_keys=True)})
    return frame


def _stored(folder: Path, name: str) -> tuple[Path, str, dict[str, str]] | None:
    """The newest stored frame of ``name`` with its base key and unit stamps (empty when it has none)."""
    newest: tuple[int, Path] | None = None
    for path in folder.glob(f"{name}-*.parquet") if folder.is_dir() else ():
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:  # removed meanwhile by another process
            continue
        if newest is None or stamp > newest[0]:
            newest = (stamp, path)
    if newest is None:
        return None
    try:
        meta = pl.read_parquet_metadata(newest[1])
        return newest[1], meta[_BASE], json.loads(meta[_UNITS])
    except (OSError, KeyError, ValueError, pl.exceptions.ComputeError):  # an older or broken file
        return newest[1], "", {}


def _read(path: Path) -> pl.DataFrame | None:
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError):  # a broken file (a crash while writing): rebuild it
        path.unlink(missing_ok=True)
        return None


def _write(folder: Path, name: str, path: Path, frame: pl.DataFrame, metadata: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    frame.write_parquet(partial, metadata=metadata)
    os.replace(partial, path)  # the frame and its stamps land together, or not at all
    for old in folder.glob(f"{name}-*.parquet"):  # one file per name: older keys are never read again
        if old != path:
            old.unlink(missing_ok=True)
