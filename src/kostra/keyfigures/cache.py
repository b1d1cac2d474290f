"""Derived frames of key figures kept under KOSTRA_HOME/cache, keyed by a hash of everything they are derived
from (the caller builds the key): a changed input gives another key, so a cached frame is never stale, and
the files are derived data that may always be deleted. One file per name: older keys are removed."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["CODE", "cached_frame", "code_stamp", "key_of"]

CODE = Path(__file__).resolve().parents[1]  # src/kostra


def code_stamp(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    """Name, size and modification time of the code files a frame is built by (a changed file, a new key)."""
    return [(p.as_posix(), (s := p.stat()).st_size, s.st_mtime_ns) for p in sorted(paths)]


def key_of(*parts: Any) -> str:
    """A short hash of ``repr(parts)`` (plain values: strings, numbers, tuples, lists)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def cached_frame(folder: Path | None, name: str, key: str,
                 build: Callable[[], pl.DataFrame | None]) -> pl.DataFrame | None:
    """``folder/name-key.parquet`` if it is there and readable, else ``build()`` stored there (not a None)."""
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.ComputeError):  # a broken file (a crash while writing): build again
            path.unlink(missing_ok=True)
    frame = build()
    if frame is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.parquet"):
        old.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    frame.write_parquet(partial)
    os.replace(partial, path)
    return frame
