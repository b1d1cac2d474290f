"""A release's embargo: the moment from which the public statbank and profile pages may show it.

By default the reporting calendar's (``kostra.catalog.calendar``): the preliminary release of year Y at 08:00
on 15 March Y + 1, the final release on 15 June Y + 1, a correction as soon as it is made. ``--public-from``
chooses another moment. Times are stored in UTC; a day or a time without an offset is Norwegian time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from kostra.catalog.calendar import OSLO, publication_day, publication_time
from kostra.errors import UsageError
from kostra.store.models import Release

__all__ = ["default_public_from", "is_public", "parse_public_from", "public_from_of", "to_utc"]


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; without an offset it is taken as Norwegian time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    return moment.astimezone(UTC)


def default_public_from(year: int, kind: str, now: datetime) -> datetime:
    """The calendar's publication time of the ``kind`` release of ``year``; ``now`` for a correction."""
    day = publication_day(year, kind)
    return publication_time(day) if day is not None else now


def parse_public_from(text: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (08:00 Norwegian time that day) or an ISO 8601 time (Norwegian time without an offset)."""
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            return publication_time(date.fromisoformat(text.strip()))
        return to_utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise UsageError(f"--public-from {text!r}: expected a day YYYY-MM-DD or a time YYYY-MM-DDTHH:MM "
                         "(Norwegian time unless it has an offset such as +00:00)") from None


def public_from_of(release: Release) -> datetime:
    """The release's embargo in UTC (SQLite gives times back without their offset; they are stored in UTC)."""
    moment = release.public_from
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def is_public(release: Release, now: datetime | None = None) -> bool:
    """Whether the public may see ``release`` at ``now`` (default: the present moment)."""
    return public_from_of(release) <= (now or datetime.now(UTC))
