"""Per-phase timings of a release (``kostra publish --timings``, ``benchmarks/bench_release.py``).

``phase("suppression")`` times its block when a recorder is active (``recording()``), and costs nothing
otherwise, so the services need no extra parameter for it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Timings", "phase", "recording"]


@dataclass
class Timings:
    """Wall and CPU seconds per phase, in the order the phases first ran (a phase run twice adds up)."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{name:<28} {self.wall[name]:7.2f} s wall {self.cpu[name]:7.2f} s CPU" for name in self.wall]


_ACTIVE: ContextVar[Timings | None] = ContextVar("kostra_publish_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """Record the phases run inside the block."""
    timings = Timings()
    token = _ACTIVE.set(timings)
    try:
        yield timings
    finally:
        _ACTIVE.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    timings = _ACTIVE.get()
    if timings is None:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        timings.wall[name] = timings.wall.get(name, 0.0) + time.perf_counter() - wall
        timings.cpu[name] = timings.cpu.get(name, 0.0) + time.process_time() - cpu
