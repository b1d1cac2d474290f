"""Committing a request's work when another request changed the same rows at the same moment.

Two saves of one form's draft, or a save racing a submission, meet in the database: a unique
constraint refuses the second new draft, or the draft one request loaded was deleted by the other's
submission before it could be updated. Both are answered by running the whole unit of work again on
what is now stored (it then sees the other request's result), never by a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kostra.errors import UsageError

__all__ = ["ConcurrentChange", "commit_retrying"]

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3


class ConcurrentChange(UsageError):
    """The same rows kept changing under this request; nothing of it was stored."""

    def __init__(self) -> None:
        super().__init__("the form was changed by another request at the same moment; nothing was stored, try again")


def commit_retrying(session: Session, work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run ``work()`` and commit; on a concurrent change roll back and run it again (raises ConcurrentChange).

    Errors ``work`` raises for other reasons (e.g. a refused submission) leave the session to the caller.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            session.commit()
            return result
        except (IntegrityError, StaleDataError) as error:
            session.rollback()
            log.info("concurrent change (attempt %d of %d): %s", attempt, attempts, error.__class__.__name__)
    raise ConcurrentChange()
