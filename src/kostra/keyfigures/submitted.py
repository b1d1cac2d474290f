"""The moment a frozen snapshot shows, which limits the file and accounts submissions key figures count.

Key figures of a release are computed from a frozen snapshot of the year's values
(:func:`kostra.dataset.freeze`), but the file attachments (11F, 11CF) and the accounts files (0A/0C/0M/0P) are
not in the snapshot: they are read from the database, through ``kostra.dataset.latest_submissions`` and
``submitted_attachments`` with ``as_of`` set to this instant (not a day), so a file submitted after the
snapshot was frozen is not counted.
"""

from __future__ import annotations

from datetime import datetime

from kostra.dataset import cutoff_of, end_of_day
from kostra.store.models import DatasetSnapshot

__all__ = ["snapshot_cutoff"]


def snapshot_cutoff(snapshot: DatasetSnapshot) -> datetime:
    """The instant a snapshot shows: when it was frozen, or the end of its ``as_of`` day if that is earlier."""
    frozen = cutoff_of(snapshot.created_at)
    assert frozen is not None
    return min(frozen, end_of_day(snapshot.as_of)) if snapshot.as_of is not None else frozen
