"""Memoising what is built from the check arguments by the arguments it actually reads.

Rules and their expressions are built per ``CheckArguments``, but most depend on few of them: the 11F rules on
none, a rule's screen on the year but not the region. Keying a cache on the whole arguments would miss for every
municipality; :func:`by_arguments_read` keys each entry on the attributes the build read, recorded by handing the
build a stand-in that notes every attribute read. Sound for builds that are pure functions of what they read:
equal values read mean the same path through the build and an equal result. The stand-in refuses reads after
the build has returned, so a result that kept it (and would read it later) fails loudly instead of caching wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from kostra.controls.filecheck.model import CheckArguments

__all__ = ["by_arguments_read"]

R = TypeVar("R")


class _Reading:
    """Stands in for ``CheckArguments`` during a build and records the attributes read."""

    __slots__ = ("_args", "_open", "read")

    def __init__(self, args: CheckArguments) -> None:
        self._args = args
        self._open = True
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if not self._open:
            raise RuntimeError(f"check arguments read ({name!r}) after the cached build returned: pass them on "
                               "at check time instead of keeping them")
        self.read.add(name)
        return getattr(self._args, name)


def by_arguments_read(build: Callable[..., R], size: int = 256) -> Callable[..., R]:
    """``build(args, *rest)`` memoised on ``rest`` and the values of the attributes of ``args`` it read.

    ``rest`` must be hashable. Holds at most ``size`` entries per set of attributes read (then starts over).
    """
    caches: dict[tuple[str, ...], dict[Hashable, R]] = {}
    lock = threading.Lock()

    def memoised(args: CheckArguments, *rest: Hashable) -> R:
        with lock:
            for names, cache in caches.items():
                key = (tuple(getattr(args, name) for name in names), rest)
                if key in cache:
                    return cache[key]
        reading = _Reading(args)
        try:
            value = build(cast(CheckArguments, reading), *rest)
        finally:
            reading._open = False
        names = tuple(sorted(reading.read))
        with lock:
            cache = caches.setdefault(names, {})
            if len(cache) >= size:
                cache.clear()
            cache[(tuple(getattr(args, name) for name in names), rest)] = value
        return value

    return memoised
