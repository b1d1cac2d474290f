"""Issue 10, point 6: simultaneous submissions of one form get distinct versions, never a 500 or a duplicate.

Real concurrency: threads, each with its own session and connection, released together by a
barrier, on SQLite and on PostgreSQL. Each thread does what the portal's submit does (save the
posted answers, then submit, committing with a retry on a concurrent change).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users, form5_values

from kostra.access import Principal, Role
from kostra.errors import UsageError
from kostra.reporting import submissions
from kostra.reporting.versions import Idempotency, IdempotencyConflict
from kostra.store import create_engine_for
from kostra.store.conflicts import commit_retrying
from kostra.store.models import AuditEvent, Draft, Submission

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}
THREADS = 4
T = TypeVar("T")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
    yield engine
    engine.dispose()


def _together(engine: Engine, work: Callable[[Session, int], T], count: int = THREADS) -> list[T | Exception]:
    """Run ``work(session, i)`` in ``count`` threads released at the same moment; results or errors by i."""
    barrier = threading.Barrier(count)
    results: list[T | Exception] = [RuntimeError("did not run")] * count

    def run(i: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                results[i] = work(session, i)
            except Exception as error:  # the test inspects every outcome
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _stored(engine: Engine) -> list[Submission]:
    with Session(engine) as session:
        return list(session.scalars(select(Submission).order_by(Submission.version)))


def test_simultaneous_portal_submissions_get_distinct_versions(engine: Engine) -> None:
    def save_and_submit(session: Session, i: int) -> int:
        def work() -> Submission:
            submissions.save_draft(session, KONGSVINGER, values=form5_values(institusjonsnavn=f"Sykehjem {i}"),
                                   replace=True, confirm=[], **FORM5)
            return submissions.submit(session, KONGSVINGER, **FORM5)
        return commit_retrying(session, work).version

    results = _together(engine, save_and_submit)
    assert sorted(results) == list(range(1, THREADS + 1)), results  # type: ignore[type-var]
    stored = _stored(engine)
    assert [s.version for s in stored] == list(range(1, THREADS + 1))
    names = sorted(json.loads(s.values_json)["institusjonsnavn"] for s in stored)
    assert names == [f"Sykehjem {i}" for i in range(THREADS)], "each submitter's answers are one version"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action.like("submission.%"))) == THREADS
        assert session.scalar(select(func.count()).select_from(Draft)) == 0


def test_simultaneous_submits_of_one_saved_draft_never_share_a_version(engine: Engine) -> None:
    with Session(engine) as session:
        submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
        session.commit()

    def submit(session: Session, _i: int) -> int:
        return commit_retrying(session, lambda: submissions.submit(session, KONGSVINGER, **FORM5)).version

    results = _together(engine, submit)
    versions = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    # A submitter that starts after another has committed finds nothing new to submit: a clear refusal.
    assert all(isinstance(r, UsageError) and "nothing has changed" in str(r) for r in refused), refused
    assert versions and sorted(versions) == list(range(1, len(versions) + 1))
    assert [s.version for s in _stored(engine)] == sorted(versions)


def test_simultaneous_retries_with_one_idempotency_key_make_one_version(engine: Engine) -> None:
    with Session(engine) as session:
        submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
        session.commit()
    key = Idempotency(key="7c9e6679-7425-40de-944b-e07fc1f90ae7", request_hash="a" * 64)

    def submit(session: Session, _i: int) -> str:
        return commit_retrying(session, lambda: submissions.submit(session, KONGSVINGER, idempotency=key,
                                                                   **FORM5)).receipt_id

    results = _together(engine, submit)
    stored = _stored(engine)
    assert len(stored) == 1 and stored[0].idempotency_key == key.key
    assert results == [stored[0].receipt_id] * THREADS, results


def test_a_key_used_for_another_request_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
        first = submissions.submit(session, KONGSVINGER, idempotency=Idempotency("k-1", "a" * 64), **FORM5)
        session.commit()
        again = submissions.submit(session, KONGSVINGER, idempotency=Idempotency("k-1", "a" * 64), **FORM5)
        assert again.id == first.id
        with pytest.raises(IdempotencyConflict, match="'k-1' was already used for a different request"):
            submissions.submit(session, KONGSVINGER, idempotency=Idempotency("k-1", "b" * 64), **FORM5)


def test_a_taken_version_is_retried_inside_the_transaction(engine: Engine) -> None:
    """The first attempt collides with a stored version (as a competitor's commit would make it): the
    savepoint rolls back only that insert, the next attempt reads the highest version again, and the
    transaction's earlier work survives (on SQLite too, whose driver makes savepoints a trap)."""
    from kostra.reporting.versions import add_next_version

    with Session(engine) as session:
        submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
        taken_version = submissions.submit(session, KONGSVINGER, **FORM5).version
        session.commit()
    with Session(engine) as session:
        session.add(AuditEvent(actor="test", action="before", object_ref="x", detail_json="{}"))
        session.flush()  # the transaction has written, as submissions._append's draft deletion does
        offered: list[int] = []

        def build(version: int) -> Submission:
            offered.append(version)
            taken = taken_version if len(offered) == 1 else version  # the first offer is a stale read
            return Submission(year=2025, form_id="5", unit_code="974600951", version=taken, state="submitted",
                              values_json="{}", comments_json="{}", worst_severity="OK", content_hash="0" * 64,
                              receipt_id=f"test-{len(offered)}", created_by="demo-3401")

        made, created = add_next_version(session, build, year=2025, form_id="5", unit_code="974600951",
                                         username="demo-3401")
        made_version = made.version
        session.commit()
    assert created and made_version == 2 and offered == [2, 2]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "before")) == 1
    assert [s.version for s in _stored(engine)] == [1, 2]
