"""Version numbers of submissions, safe under concurrent submitting, and idempotent retries.

A submission's version is the form's highest version + 1. Two people (or a retrying system)
submitting the same form at the same moment would both read the same highest version; the
database's unique constraint on (year, form, unit, version) refuses the second insert, and
``add_next_version`` then reads the highest version again and retries inside a savepoint, so both
get a version of their own and nothing else of the transaction is lost.

A submission made with an ``Idempotency-Key`` stores the key and a hash of the request. The same
key again (per user) with the same request answers with that submission instead of making another
version; the same key with a different request is refused (``IdempotencyConflict``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kostra.errors import UsageError
from kostra.store.models import Submission

__all__ = ["ATTEMPTS", "Idempotency", "IdempotencyConflict", "VersionConflict", "add_next_version",
           "earlier_submission"]

ATTEMPTS = 10  # each retry follows a competitor's commit: ten simultaneous submitters are far more than happen


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A client's ``Idempotency-Key`` and the SHA-256 of the request it came with."""

    key: str
    request_hash: str


class IdempotencyConflict(UsageError):
    """The key was used before by the same user for a different request."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Idempotency-Key {key!r} was already used for a different request; "
                         "use a new key for a new request")


class VersionConflict(UsageError):
    """No free version number after ``ATTEMPTS`` tries (only under extreme contention)."""

    def __init__(self) -> None:
        super().__init__("the form was submitted by others at the same moment; nothing was stored, try again")


def earlier_submission(session: Session, username: str, idempotency: Idempotency) -> Submission | None:
    """The submission ``username`` made with this key, or None; raises IdempotencyConflict on another request."""
    earlier = session.scalar(select(Submission).where(
        Submission.created_by == username, Submission.idempotency_key == idempotency.key))
    if earlier is not None and earlier.request_hash != idempotency.request_hash:
        raise IdempotencyConflict(idempotency.key)
    return earlier


def _highest_version(session: Session, year: int, form_id: str, unit_code: str) -> int:
    return session.scalar(select(func.max(Submission.version)).where(
        Submission.year == year, Submission.form_id == form_id, Submission.unit_code == unit_code)) or 0


def add_next_version(session: Session, build: Callable[[int], Submission], *, year: int, form_id: str,
                     unit_code: str, username: str,
                     idempotency: Idempotency | None = None) -> tuple[Submission, bool]:
    """Add ``build(next version)`` to the session; returns it and True, or an earlier one and False.

    The earlier one is the submission a concurrent request with the same idempotency key stored
    first. Raises VersionConflict when every attempt met a competitor.

    The caller's transaction must already have written (the savepoint needs an open transaction on
    SQLite, whose driver opens one only before a write; ``intake.submissions`` deletes the draft first).
    """
    for _attempt in range(ATTEMPTS):
        submission = build(_highest_version(session, year, form_id, unit_code) + 1)
        try:
            with session.begin_nested():
                session.add(submission)
        except IntegrityError:
            # Either a competitor took this version (read it again) or stored this key first.
            if idempotency is not None:
                earlier = earlier_submission(session, username, idempotency)
                if earlier is not None:
                    return earlier, False
            continue
        return submission, True
    raise VersionConflict()
