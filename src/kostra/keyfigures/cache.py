"""Derived frames of key figures kept under KOSTRA_HOME/cache, keyed by a hash of everything they are derived
from (the caller builds the key): a changed input gives another key, so a cached frame is never stale, and
the files are derived data that may always be deleted. One file per name: older keys are removed
(``cached_frame`` is the dataset layer's :func:`kostra.dataset.cache.cached_unless_none`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kostra.dataset.cache import cached_unless_none as cached_frame

__all__ = ["CODE", "cached_frame", "code_stamp", "key_of"]

CODE = Path(__file__).resolve().parents[1]  # src/kostra


def code_stamp(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    """Name, size and modification time of the code files a frame is built by (a changed file, a new key)."""
    return [(p.as_posix(), (s := p.stat()).st_size, s.st_mtime_ns) for p in sorted(paths)]


def key_of(*parts: Any) -> str:
    """A short hash of ``repr(parts)`` (plain values: strings, numbers, tuples, lists)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
