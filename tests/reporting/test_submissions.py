"""Filling in, submitting and correcting a form through the intake services, on every backend."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import form5_values

from kostra.access import Principal, Role
from kostra.errors import AccessDenied
from kostra.reporting import submissions
from kostra.reporting.overview import unit_forms
from kostra.store.models import AuditEvent, Submission

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
LILLEHAMMER = Principal("demo-3405", Role.REPORTER, "3405")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}


def test_municipality_sees_its_forms_and_its_institutions_form_5(session: Session) -> None:
    rows = unit_forms(session, KONGSVINGER, year=2025, unit_code="3401")
    form5 = [(r.form_id, r.unit_code) for r in rows if r.form_id == "5"]
    assert form5 == [("5", "974600951")]
    assert {r.status for r in rows} == {submissions.FormStatus.NOT_STARTED}


def test_draft_keeps_invalid_text_and_reports_it_at_the_field(session: Session) -> None:
    state = submissions.save_draft(session, KONGSVINGER, values={"rom_i_alt": "sekstito"}, **FORM5)
    assert state.values["rom_i_alt"] == "sekstito", "what the user typed is never lost"
    problem = next(p for p in state.problems if p.field_name == "rom_i_alt")
    assert problem.code == "not_a_number" and "sekstito" in problem.message
    english = submissions.form_state(session, KONGSVINGER, lang="en", **FORM5)
    assert "is not a number" in next(p.message for p in english.problems if p.field_name == "rom_i_alt")


def test_errors_block_submission_and_nothing_is_appended(session: Session) -> None:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(rom_i_alt="-3"), **FORM5)
    with pytest.raises(submissions.SubmissionBlocked) as blocked:
        submissions.submit(session, KONGSVINGER, **FORM5)
    assert any(p.field_name == "rom_i_alt" and p.code == "negative" for p in blocked.value.problems)
    assert session.scalars(select(Submission)).all() == []


def test_submit_gives_receipt_with_hash_and_corrections_make_new_versions(session: Session) -> None:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
    first = submissions.submit(session, KONGSVINGER, **FORM5)
    assert first.version == 1 and len(first.content_hash) == 64 and first.receipt_id.startswith("K2025-5-")
    submissions.save_draft(session, KONGSVINGER, values={"plasser_demens": "22"}, **FORM5)
    second = submissions.submit(session, KONGSVINGER, **FORM5)
    assert second.version == 2 and second.content_hash != first.content_hash
    assert json.loads(first.values_json)["plasser_demens"] == 20, "the first version is never changed"
    state = submissions.form_state(session, KONGSVINGER, **FORM5)
    assert [s.version for s in state.history] == [2, 1]
    assert state.status is submissions.FormStatus.SUBMITTED
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("submission.submitted") == 2


def test_submitting_the_same_answers_again_appends_nothing(session: Session) -> None:
    """A double click in the portal saves the page again, then submits: the same version, not a second one."""
    submissions.save_draft(session, KONGSVINGER, values=form5_values(), replace=True, confirm=[], **FORM5)
    first = submissions.submit(session, KONGSVINGER, **FORM5)
    submissions.save_draft(session, KONGSVINGER, values=form5_values(), replace=True, confirm=[], **FORM5)
    with pytest.raises(submissions.NothingChanged) as repeated:
        submissions.submit(session, KONGSVINGER, **FORM5)
    assert (repeated.value.version, repeated.value.receipt_id) == (1, first.receipt_id)
    assert "nothing has changed since the last submission" in str(repeated.value)
    assert [s.version for s in session.scalars(select(Submission))] == [1]
    # Another answer, or only a new comment, is a new version.
    submissions.save_draft(session, KONGSVINGER, values=form5_values(plasser_demens="21"), replace=True,
                           confirm=[], **FORM5)
    assert submissions.submit(session, KONGSVINGER, **FORM5).version == 2
    submissions.save_draft(session, KONGSVINGER, values=form5_values(plasser_demens="21"), replace=True,
                           confirm=[], comments={"note": "Tall kontrollert"}, **FORM5)
    assert submissions.submit(session, KONGSVINGER, **FORM5).version == 3
    submissions.declare_nil(session, KONGSVINGER, reason="Nedlagt", **FORM5)
    with pytest.raises(submissions.NothingChanged):
        submissions.declare_nil(session, KONGSVINGER, reason="Nedlagt", **FORM5)
    assert [s.version for s in session.scalars(select(Submission).order_by(Submission.version))] == [1, 2, 3, 4]


def test_warning_needs_a_comment_or_confirmation(session: Session) -> None:
    # 400 rooms is above the plausible maximum (a warning), not the hard limit.
    values = form5_values(rom_i_alt="400", enerom="396", brukertilpassede_enerom="300", plasser_i_alt="404")
    state = submissions.save_draft(session, KONGSVINGER, values=values, **FORM5)
    warning = next(p for p in state.problems if p.field_name == "rom_i_alt")
    assert warning.severity.name == "WARNING"
    with pytest.raises(submissions.SubmissionBlocked):
        submissions.submit(session, KONGSVINGER, **FORM5)
    warnings = [p for p in state.problems if p.severity.name == "WARNING"]
    comments = {submissions.problem_key(p): "Nytt bygg tatt i bruk" for p in warnings}
    receipt = submissions.submit(session, KONGSVINGER, comments=comments, **FORM5)
    assert receipt.state == "submitted_with_warnings"
    assert json.loads(receipt.comments_json)[submissions.problem_key(warning)] == "Nytt bygg tatt i bruk"


def test_confirming_all_warnings_also_submits(session: Session) -> None:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(rom_i_alt="400", enerom="396",
                                                                        plasser_i_alt="404"), **FORM5)
    assert submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5).state == "submitted_with_warnings"


def test_nil_return_is_its_own_state(session: Session) -> None:
    receipt = submissions.declare_nil(session, KONGSVINGER, reason="Ingen institusjon", **FORM5)
    assert receipt.state == "nil" and json.loads(receipt.values_json) == {}
    assert submissions.form_state(session, KONGSVINGER, **FORM5).status is submissions.FormStatus.NIL


def test_another_municipality_learns_nothing(session: Session) -> None:
    with pytest.raises(AccessDenied) as existing:
        submissions.form_state(session, LILLEHAMMER, **FORM5)
    with pytest.raises(AccessDenied) as missing:
        submissions.form_state(session, LILLEHAMMER, year=2025, form_id="5", unit_code="999999999")
    assert str(existing.value) == str(missing.value)
    assert submissions.form_state(session, STATISTICIAN, **FORM5).unit.code == "974600951"


def test_prefilled_values_from_last_year_must_be_confirmed(session: Session) -> None:
    last_year = {**FORM5, "year": 2024}
    submissions.save_draft(session, KONGSVINGER, values=form5_values(2024), **last_year)
    submissions.submit(session, KONGSVINGER, **last_year)
    state = submissions.form_state(session, KONGSVINGER, **FORM5)
    assert state.prefill.get("institusjonsnavn") == "Kongsvinger sykehjem"
    submissions.save_draft(session, KONGSVINGER, values=form5_values(), confirm=[], **FORM5)
    with pytest.raises(submissions.SubmissionBlocked) as blocked:
        submissions.submit(session, KONGSVINGER, **FORM5)
    assert {p.code for p in blocked.value.problems} == {"prefill_unconfirmed"}
    submissions.save_draft(session, KONGSVINGER, values={}, confirm=list(state.prefill), **FORM5)
    assert submissions.submit(session, KONGSVINGER, **FORM5).version == 1


def test_state_returned_by_saving_equals_the_state_read_back(session: Session) -> None:
    """Saving builds the new state without reading it back; it must be what a later read gives."""
    submissions.save_draft(session, KONGSVINGER, values=form5_values(), **FORM5)
    submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    for change in ({"plasser_demens": "70"}, {"rom_i_alt": "sekstito"}, {"enerom": ""}):
        saved = submissions.save_draft(session, KONGSVINGER, values=change, comments={"x": "y"}, **FORM5)
        read = submissions.form_state(session, KONGSVINGER, **FORM5)
        assert (saved.values, saved.comments, saved.status, saved.prefill) == (
            read.values, read.comments, read.status, read.prefill)
        assert [(p.field_name, p.code, p.severity) for p in saved.problems] == [
            (p.field_name, p.code, p.severity) for p in read.problems]
        assert saved.status is submissions.FormStatus.DRAFT and len(saved.history) == 1
