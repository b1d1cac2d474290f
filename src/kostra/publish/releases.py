"""Releases: preliminary (15 March), final (15 June) and corrections of a reporting year, each built from one
frozen snapshot (``kostra.dataset.freeze``), stored as read-only Parquet files under
``KOSTRA_HOME/releases/<year>/<id>/`` whose SHA-256 are in the database, with who made it and when. Nothing of
a release is ever changed; a release that is refused writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.dataset import freeze, read_snapshot
from kostra.errors import KostraError, NotFound, UsageError
from kostra.publish.assemble import Built, build_tables
from kostra.publish.corrections import corrections_frame, revise
from kostra.publish.definitions import ReleaseRefused
from kostra.publish.embargo import default_public_from, is_public, to_utc
from kostra.publish.keyfigure_tables import build_keyfigure_tables, hidden_inputs
from kostra.publish.model import PublishedTable, ReleaseKind, ValueStatus
from kostra.publish.timing import phase
from kostra.store.models import AuditEvent, DatasetSnapshot, Release, ReleaseTable

__all__ = ["ReleaseChanged", "corrections", "latest_release", "make_release", "public_releases", "release_table",
           "release_tables", "releases"]


class ReleaseChanged(KostraError):
    """A release file no longer has the hash recorded when the release was made."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def releases(session: Session, year: int | None = None) -> list[Release]:
    """The releases (of one year), oldest first."""
    query = select(Release).order_by(Release.year, Release.id)
    if year is not None:
        query = query.where(Release.year == year)
    return list(session.scalars(query))


def public_releases(session: Session, year: int | None = None, now: datetime | None = None) -> list[Release]:
    """The releases (of one year) whose embargo has ended at ``now`` (default: the present), oldest first."""
    return [r for r in releases(session, year) if is_public(r, now)]


def _check_kind(session: Session, year: int, kind: str) -> tuple[ReleaseKind, Release | None]:
    try:
        chosen = ReleaseKind(kind)
    except ValueError:
        raise UsageError(f"unknown release {kind!r}: use preliminary, final or correction") from None
    made = releases(session, year)
    kinds = {r.kind for r in made}
    if chosen is ReleaseKind.PRELIMINARY and made:
        raise ReleaseRefused(f"{year} has a {made[-1].kind} release already (release {made[-1].id}); "
                             "a preliminary release is only the year's first: make the final release or a correction")
    if chosen is ReleaseKind.FINAL and ReleaseKind.FINAL.value in kinds:
        raise ReleaseRefused(f"{year} has its final release already; make a correction instead")
    if chosen is ReleaseKind.CORRECTION and ReleaseKind.FINAL.value not in kinds:
        raise ReleaseRefused(f"{year} has no final release yet; a correction follows the final release")
    return chosen, made[-1] if made else None


def _snapshot(session: Session, home: Path, year: int, kind: ReleaseKind, actor: str, as_of: date | None,
              label: str | None) -> DatasetSnapshot:
    if label is not None:
        found = session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.year == year,
                                                             DatasetSnapshot.label == label))
        if found is None:
            raise NotFound(f"no snapshot {label!r} of {year} (kostra dataset snapshots --year {year} lists them)")
        return found
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return freeze(session, home, year, f"release-{kind.value}-{stamp}", by=actor, as_of=as_of)


def make_release(session: Session, home: Path, year: int, kind: str, *, actor: str, as_of: date | None = None,
                 snapshot: str | None = None, tables_root: Path | None = None,
                 public_from: datetime | None = None) -> Release:
    """Freeze a snapshot (or use ``snapshot``, a label), build every table, suppress and audit, and store the
    release. Raises ReleaseRefused with the reason (nothing is stored then), UsageError for a bad kind.
    ``tables_root``: table definitions from this folder (``<year>/tables/``) instead of the package's.
    ``public_from``: its embargo (default: the reporting calendar's day, ``kostra.publish.embargo``)."""
    chosen, previous = _check_kind(session, year, kind)
    embargo = to_utc(public_from) if public_from is not None else default_public_from(year, chosen.value,
                                                                                       datetime.now(UTC))
    folder = home / "snapshots" / str(year)
    before_files = set(folder.glob("*.parquet"))
    new_folders = [f for f in (folder.parent, folder) if not f.exists()]
    try:
        with session.begin_nested():  # a refusal leaves neither the snapshot nor the release behind
            with phase("freeze snapshot"):
                frozen = _snapshot(session, home, year, chosen, actor, as_of, snapshot)
            return _build_and_store(session, home, year, chosen, frozen, previous, actor, tables_root, embargo)
    except BaseException:
        for path in set(folder.glob("*.parquet")) - before_files:
            path.chmod(0o644)
            path.unlink(missing_ok=True)
        for made in reversed(new_folders):  # nor the folders the snapshot was to go in
            with contextlib.suppress(OSError):
                made.rmdir()
        raise


def _build_and_store(session: Session, home: Path, year: int, chosen: ReleaseKind, frozen: DatasetSnapshot,
                     previous: Release | None, actor: str, tables_root: Path | None, public_from: datetime) -> Release:
    with phase("read snapshot"):
        values = read_snapshot(session, home, year, frozen.label)
    status = ValueStatus.PRELIMINARY if chosen is ReleaseKind.PRELIMINARY else ValueStatus.FINAL
    built = build_tables(session, values, year, status=status.value, tables_root=tables_root)
    with phase("key-figure tables"):
        figures = build_keyfigure_tables(session, home, year, frozen.label, status=status.value,
                                         hidden=hidden_inputs(built), root=tables_root)
    clash = sorted(set(figures) & set(built))
    if clash:
        raise ReleaseRefused(f"table id {clash[0]!r} is both a field table and a key-figure table of {year}")
    built |= figures
    log = pl.DataFrame()
    if previous is not None:
        with phase("corrections log"):
            before = {name: release_table(session, home, previous.id, name)
                      for name in _table_ids(session, previous.id)}
            previous_values = read_snapshot(session, home, year, _snapshot_label(session, previous))
            log = corrections_frame(built, before, previous_values, values)
            if chosen is ReleaseKind.CORRECTION:
                built = revise(built, before)
    with phase("store"):
        return _store(session, home, year, chosen, frozen, previous, built, log, actor, public_from)


def _snapshot_label(session: Session, release: Release) -> str:
    found = session.get(DatasetSnapshot, release.snapshot_id)
    assert found is not None
    return found.label


def _table_ids(session: Session, release_id: int) -> list[str]:
    return list(session.scalars(select(ReleaseTable.table_id).where(ReleaseTable.release_id == release_id)
                                .order_by(ReleaseTable.table_id)))


def _write(frame: pl.DataFrame, path: Path) -> str:
    partial = path.with_suffix(".parquet.partial")
    frame.write_parquet(partial, statistics=True)
    digest = _digest(partial)
    os.chmod(partial, 0o444)
    os.replace(partial, path)
    return digest


def _store(session: Session, home: Path, year: int, kind: ReleaseKind, frozen: DatasetSnapshot,
           previous: Release | None, built: dict[str, Built], log: pl.DataFrame, actor: str,
           public_from: datetime) -> Release:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    relative = Path("releases") / str(year) / f"{kind.value}-{stamp}"
    folder = home / relative
    folder.mkdir(parents=True, exist_ok=False)
    try:
        hashes, rows = [], []
        for name in sorted(built):
            item = built[name]
            digest = _write(item.table.frame, folder / f"{name}.parquet")
            hashes.append(f"{name}:{digest}")
            suppressed = item.table.frame.filter(pl.col("symbol") == ":").height
            rows.append(ReleaseTable(table_id=name, path=(relative / f"{name}.parquet").as_posix(), sha256=digest,
                                     cells=item.table.frame.height, suppressed=suppressed,
                                     metadata_json=json.dumps(item.table.metadata_json(), ensure_ascii=False),
                                     audit_json=json.dumps(item.audit)))
        hashes.append(f"corrections:{_write(_log_frame(log), folder / 'corrections.parquet')}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    release = Release(year=year, kind=kind.value, snapshot_id=frozen.id, previous_id=previous.id if previous else None,
                      path=relative.as_posix(), sha256=hashlib.sha256("\n".join(hashes).encode()).hexdigest(),
                      tables=len(rows), cells=sum(r.cells for r in rows), changed=log.height, created_by=actor,
                      public_from=public_from)
    session.add(release)
    session.flush()
    for row in rows:
        row.release_id = release.id
        session.add(row)
    session.add(AuditEvent(actor=actor, action="publish.release", object_ref=f"{year}/release/{release.id}",
                           detail_json=json.dumps({"kind": kind.value, "sha256": release.sha256,
                                                   "snapshot": frozen.label, "tables": sorted(built),
                                                   "changed": log.height,
                                                   "public_from": public_from.isoformat()})))
    session.flush()
    return release


def _log_frame(log: pl.DataFrame) -> pl.DataFrame:
    return log if log.width else pl.DataFrame(schema=corrections_schema())


def corrections_schema() -> dict[str, pl.DataType]:
    from kostra.publish.corrections import SCHEMA

    return SCHEMA


def _release(session: Session, release_id: int) -> Release:
    found = session.get(Release, release_id)
    if found is None:
        raise NotFound(f"no release {release_id}")
    return found


def _read(home: Path, path: str, sha256: str) -> pl.DataFrame:
    file = home / path
    if not file.is_file() or _digest(file) != sha256:
        raise ReleaseChanged(f"{file} is missing or changed since the release was made: its SHA-256 should be "
                             f"{sha256}")
    return pl.read_parquet(file)


def release_table(session: Session, home: Path, release_id: int, table_id: str) -> PublishedTable:
    """One table of a release, read back after checking its hash; raises NotFound or ReleaseChanged."""
    release = _release(session, release_id)
    row = session.scalar(select(ReleaseTable).where(ReleaseTable.release_id == release_id,
                                                    ReleaseTable.table_id == table_id))
    if row is None:
        names = ", ".join(_table_ids(session, release_id)) or "none"
        raise NotFound(f"release {release_id} has no table {table_id!r}; its tables are {names}")
    frame = _read(home, row.path, row.sha256)
    return PublishedTable.from_stored(json.loads(row.metadata_json), frame, release_id=release.id,
                                      release_kind=release.kind, released_at=release.created_at)


def release_tables(session: Session, release_id: int) -> list[ReleaseTable]:
    """The tables of a release (id, cells, suppressed, audit), by id."""
    _release(session, release_id)
    return list(session.scalars(select(ReleaseTable).where(ReleaseTable.release_id == release_id)
                                .order_by(ReleaseTable.table_id)))


def corrections(session: Session, home: Path, release_id: int) -> pl.DataFrame:
    """Every value that changed since the release before it, with the reason (edit or resubmission)."""
    release = _release(session, release_id)
    return _read(home, f"{release.path}/corrections.parquet", _corrections_hash(home, session, release))


def _corrections_hash(home: Path, session: Session, release: Release) -> str:
    tables = release_tables(session, release.id)
    file = home / release.path / "corrections.parquet"
    digest = _digest(file) if file.is_file() else ""
    lines = [f"{t.table_id}:{t.sha256}" for t in tables] + [f"corrections:{digest}"]
    if hashlib.sha256("\n".join(lines).encode()).hexdigest() != release.sha256:
        raise ReleaseChanged(f"release {release.id}'s files no longer have the hash {release.sha256}")
    return digest


def latest_release(session: Session, year: int) -> Release | None:
    """The newest release of ``year`` (what the statbank serves), or None."""
    made = releases(session, year)
    return made[-1] if made else None
