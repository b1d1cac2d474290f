"""Statisticians' edits, approval, the contact log and the audit trail of a value, on every backend."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import form5_values

from kostra.access import Principal, Role
from kostra.errors import AccessDenied, NotFound
from kostra.followup.approval import approve, current_approval, withdraw_approval
from kostra.followup.audit import value_trail
from kostra.followup.contacts import add_contact, contacts_of
from kostra.followup.edits import ReasonCode, edit_value
from kostra.followup.errors import FollowupRefused
from kostra.followup.values import year_values
from kostra.reporting import submissions
from kostra.store.models import AuditEvent, Contact, Edit, Submission

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
ADMIN = Principal("admin", Role.ADMINISTRATOR, None)
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}


def _submit(session: Session, **overrides: object) -> Submission:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(**overrides), confirm=["*"], **FORM5)
    receipt = submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()
    return receipt


def _edit(session: Session, **kwargs: object) -> Edit:
    arguments: dict[str, object] = {"field": "plasser_i_alt", "value": "68", "reason": "REVIEW",
                                    "comment": "confirmed by phone", **FORM5, **kwargs}
    principal = arguments.pop("principal", STATISTICIAN)
    edit = edit_value(session, principal, **arguments)  # type: ignore[arg-type]
    session.commit()
    return edit


def test_edit_keeps_the_reported_value_and_is_audited(session: Session) -> None:
    receipt = _submit(session, plasser_i_alt="64")
    before = session.get(Submission, receipt.id)
    assert before is not None
    stored_json = before.values_json
    edit = _edit(session, value="68")
    assert json.loads(edit.reported_json) == 64 and json.loads(edit.value_json) == 68
    assert edit.reason_code == "REVIEW" and edit.created_by == "statistiker" and edit.submission_id == receipt.id
    session.expire_all()
    assert session.get(Submission, receipt.id).values_json == stored_json  # type: ignore[union-attr]
    [current] = year_values(session, 2025, form_id="5")
    assert current.reported["plasser_i_alt"] == 64 and current.values["plasser_i_alt"] == 68
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "edit.value")).one()
    assert event.object_ref == "2025/5/974600951/plasser_i_alt" and event.reason.startswith("REVIEW")
    assert json.loads(event.detail_json)["reported"] == 64


@pytest.mark.parametrize("reason", [None, "", "  ", "GUESS"])
def test_edit_without_a_valid_reason_is_refused_and_nothing_is_stored(session: Session, reason: str | None) -> None:
    _submit(session)
    with pytest.raises(FollowupRefused) as refused:
        _edit(session, reason=reason)
    for code in ReasonCode:
        assert code.value in str(refused.value)
    assert "årsakskode" in refused.value.text("nb").lower()
    session.rollback()
    assert session.scalars(select(Edit)).all() == []
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "edit.value")).all() == []


def test_edit_refuses_wrong_type_unknown_field_unsubmitted_form_and_reporters(session: Session) -> None:
    with pytest.raises(FollowupRefused, match="has not been submitted"):
        _edit(session)
    _submit(session)
    with pytest.raises(FollowupRefused, match="is not a whole number") as wrong:
        _edit(session, value="6,5")
    assert "heltall" in wrong.value.text("nb")
    with pytest.raises(FollowupRefused, match="not a number"):
        _edit(session, value="sekstiåtte")
    with pytest.raises(FollowupRefused, match="no field 'plasser'"):
        _edit(session, field="plasser")
    with pytest.raises(FollowupRefused, match="OTHER needs a comment"):
        _edit(session, reason="OTHER", comment=" ")
    with pytest.raises(FollowupRefused, match="already has the value 64"):
        _edit(session, value="64")
    with pytest.raises(AccessDenied):
        _edit(session, principal=KONGSVINGER)
    with pytest.raises(AccessDenied):
        _edit(session, principal=ADMIN)
    with pytest.raises(NotFound):
        _edit(session, unit_code="999999999")
    session.rollback()
    assert session.scalars(select(Edit)).all() == []


def test_choice_and_field_id_edits_are_typed_by_the_catalogue(session: Session) -> None:
    _submit(session)
    edit = _edit(session, field="brukerundersokelse", value="nei", reason="OWNER")
    assert json.loads(edit.value_json) is False and json.loads(edit.reported_json) is True
    with pytest.raises(FollowupRefused, match="not yes or no"):
        _edit(session, field="brukerundersokelse", value="kanskje")


def test_trail_shows_versions_edits_and_approvals_in_order(session: Session) -> None:
    first = _submit(session, plasser_i_alt="64")
    second = _submit(session, plasser_i_alt="70")
    _edit(session, value="68", comment="checked against IPLOS")
    approve(session, STATISTICIAN, comment="all good", **FORM5)
    session.commit()
    trail = value_trail(session, 2025, "5", "974600951", "plasser_i_alt")
    assert [(e.kind, e.value) for e in trail.events] == [
        ("submitted", 64), ("submitted", 70), ("edit", 68), ("approved", None)]
    assert [e.receipt for e in trail.events[:2]] == [first.receipt_id, second.receipt_id]
    assert trail.events[2].reason == "REVIEW" and trail.events[2].comment == "checked against IPLOS"
    assert trail.events[3].version == 2 and trail.events[3].by == "statistiker"
    assert trail.reported == 70 and trail.current == 68 and trail.edited
    assert value_trail(session, 2025, "5", "974600951", "rom_i_alt").current == 60
    with pytest.raises(NotFound):
        value_trail(session, 2025, "5", "974600951", "ukjent_felt")


def test_approval_rules(session: Session) -> None:
    with pytest.raises(FollowupRefused, match="only submitted forms can be approved"):
        approve(session, STATISTICIAN, **FORM5)
    _submit(session)
    with pytest.raises(AccessDenied):
        approve(session, KONGSVINGER, **FORM5)
    with pytest.raises(FollowupRefused, match="nothing to withdraw"):
        withdraw_approval(session, STATISTICIAN, comment="why", **FORM5)
    decision = approve(session, STATISTICIAN, **FORM5)
    assert current_approval(session, **FORM5) is decision
    with pytest.raises(FollowupRefused, match="already approved"):
        approve(session, STATISTICIAN, **FORM5)
    with pytest.raises(FollowupRefused, match="comment is required"):
        withdraw_approval(session, STATISTICIAN, comment="", **FORM5)
    withdraw_approval(session, STATISTICIAN, comment="the unit sends a correction", **FORM5)
    session.commit()
    assert current_approval(session, **FORM5) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("approval.%"))).all()
    assert sorted(actions) == ["approval.approve", "approval.withdraw"]


def test_contact_log(session: Session) -> None:
    add_contact(session, STATISTICIAN, year=2025, unit_code="3401", channel="phone", person="Kari Nordmann",
                summary="Asked about form 5", form_id="5", follow_up_on="2026-02-01")
    add_contact(session, ADMIN, year=2025, unit_code="3401", channel="Email", summary="Sent the guide")
    session.commit()
    log = contacts_of(session, 2025, "3401")
    assert [c.summary for c in log] == ["Sent the guide", "Asked about form 5"]
    assert log[1].follow_up_on.isoformat() == "2026-02-01" and log[0].channel == "email"  # type: ignore[union-attr]
    assert contacts_of(session, 2025, "3405") == []
    for bad, message in [({"channel": "fax"}, "unknown channel 'fax'"), ({"summary": " "}, "needs a summary"),
                         ({"form_id": "99"}, "form '99' does not exist"),
                         ({"follow_up_on": "1. februar"}, "is not a date")]:
        arguments = {"year": 2025, "unit_code": "3401", "channel": "phone", "summary": "x", **bad}
        with pytest.raises(FollowupRefused, match=message):
            add_contact(session, STATISTICIAN, **arguments)  # type: ignore[arg-type]
    with pytest.raises(AccessDenied):
        add_contact(session, KONGSVINGER, year=2025, unit_code="3401", channel="phone", summary="x")
    session.rollback()
    assert len(session.scalars(select(Contact)).all()) == 2


def test_table_cells_are_edited_by_row_and_traced(session: Session) -> None:
    _submit(session, plasser_andre_kommuner_ja="ja", plasser_andre_kommuner="2",
            kjopende_kommuner=[{"kommunenr": "3405", "plasser": "2"}])
    edit = _edit(session, field="kjopende_kommuner[0].plasser", value="3", reason="OTHER_SOURCE")
    assert (edit.field_name, edit.row, json.loads(edit.reported_json), json.loads(edit.value_json)) == (
        "kjopende_kommuner.plasser", 0, 2, 3)
    [current] = year_values(session, 2025, form_id="5")
    assert current.values["kjopende_kommuner"][0] == {"kommunenr": "3405", "plasser": 3}
    assert current.reported["kjopende_kommuner"][0]["plasser"] == 2
    trail = value_trail(session, 2025, "5", "974600951", "kjopende_kommuner[0].plasser")
    assert [(e.kind, e.value) for e in trail.events] == [("submitted", 2), ("edit", 3)]
    with pytest.raises(FollowupRefused, match="row 4 does not exist"):
        _edit(session, field="kjopende_kommuner[4].plasser", value="3")
    with pytest.raises(FollowupRefused, match="is a table"):
        _edit(session, field="kjopende_kommuner", value="3")
    with pytest.raises(FollowupRefused, match="not a number"):
        _edit(session, field="kjopende_kommuner[0].plasser", value="tre")
