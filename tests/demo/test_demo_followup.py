"""The demo year's follow-up: edits with reasons for half the seeded errors, contacts, approvals, reminders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kostra.demo.builder import DemoOptions, build_demo
from kostra.demo.followup import STATISTICIAN, demo_today
from kostra.demo.seeded import seeded_errors
from kostra.followup.approval import approve, current_approval
from kostra.followup.errors import FollowupRefused
from kostra.followup.status import status_board
from kostra.followup.values import year_values
from kostra.settings import Settings
from kostra.store.models import Approval, AuditEvent, Contact, ControlResult, Edit, OutboxMessage, Submission

OPTIONS = DemoOptions(year=2025, seed=7, limit_units=6, always_units=("3401", "030102"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home: Path = tmp_path_factory.mktemp("followup-demo")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    build_demo(settings, OPTIONS)
    return settings


@pytest.fixture()
def session(built: Settings) -> Iterator[Session]:
    with Session(create_engine(built.effective_database_url)) as session:
        yield session


def test_edits_fix_seeded_errors_and_keep_what_was_reported(built: Settings, session: Session) -> None:
    edits = list(session.scalars(select(Edit)))
    assert edits, "the demo corrects some seeded errors"
    ledger = {(e["form"], e["unit"], e["field"]): e for e in seeded_errors(built.home, 2025)}
    values = {(v.form_id, v.unit_code): v for v in year_values(session, 2025)}
    for edit in edits:
        entry = ledger[(edit.form_id, edit.unit_code, edit.field_name)]
        assert edit.reason_code in ("REVIEW", "OTHER_SOURCE") and edit.comment
        assert json.loads(edit.reported_json) == entry["value"]  # the reported value is kept beside the edit
        current = values[(edit.form_id, edit.unit_code)]
        assert current.values[edit.field_name] == json.loads(edit.value_json) != current.reported[edit.field_name]
        if edit.control_result_id is not None:  # the edit answers a hit of the control run
            hit = session.get(ControlResult, edit.control_result_id)
            assert hit is not None and hit.outcome == "fail" and hit.unit_code == edit.unit_code
    contacts = list(session.scalars(select(Contact)))
    assert len(contacts) >= len(edits) and all(c.created_by == "statistiker" for c in contacts)


def test_only_clean_submitted_forms_are_approved(session: Session) -> None:
    approvals = list(session.scalars(select(Approval)))
    assert approvals
    for approval in approvals:
        submission = session.get(Submission, approval.submission_id)
        assert submission is not None and submission.state in ("submitted", "submitted_with_warnings")
        hits = session.scalars(select(ControlResult).where(
            ControlResult.unit_code == approval.unit_code, ControlResult.form_id == approval.form_id,
            ControlResult.outcome == "fail"))
        assert list(hits) == []


def test_demo_approvals_are_in_force_and_audited_as_the_service_does(session: Session) -> None:
    """The demo stores its approvals in bulk; the approval service must see them as its own."""
    approvals = list(session.scalars(select(Approval)))
    for approval in approvals:
        assert current_approval(session, 2025, approval.form_id, approval.unit_code) == approval
        assert approval.approved and approval.created_by == "statistiker"
        submission = session.get(Submission, approval.submission_id)
        assert submission is not None
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.object_ref == f"2025/{approval.form_id}/{approval.unit_code}/v{submission.version}",
            AuditEvent.action == "approval.approve")).one()
        assert event.actor == "statistiker" and json.loads(event.detail_json) == {"receipt": submission.receipt_id}
    with pytest.raises(FollowupRefused):  # approving again is refused: the service finds the approval in force
        approve(session, STATISTICIAN, year=2025, form_id=approvals[0].form_id, unit_code=approvals[0].unit_code)


def test_reminders_go_to_demo_addresses_for_every_missing_form(session: Session) -> None:
    messages = list(session.scalars(select(OutboxMessage)))
    missing = {(r.form_id, r.unit_code) for r in status_board(session, 2025, as_of=demo_today(2025)).missing()}
    assert messages and {(m.form_id, m.unit_code) for m in messages} <= missing
    assert all(m.recipient.endswith(".kommune.example") for m in messages if m.recipient)
