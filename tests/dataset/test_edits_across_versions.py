"""Issue 9 point 3: edits belong to the version they were made against.

An edit carries forward to a new version while the reported value it replaced is unchanged; otherwise it is
stale and the new reported value stands. Table rows are followed by the table's key column (form 5's
``kjopende_kommuner`` is keyed by ``kommunenr``), never by position, so a shorter or reordered table neither
grows phantom rows nor moves an edit to another municipality's row.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kostra.access import Principal, Role
from kostra.dataset import EditState, ValueStatus, submitted_forms, year_values
from kostra.followup.edits import edit_value, reapply_edit, withdraw_edit
from kostra.followup.errors import FollowupRefused
from kostra.reporting import submissions
from kostra.store.models import AuditEvent, Edit
from tests.factories import form5_values

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
FORM5 = {"year": 2025, "form_id": "5", "unit_code": "974600951"}


def _submit(session: Session, **overrides: object) -> None:
    submissions.save_draft(session, KONGSVINGER, values=form5_values(**overrides), confirm=["*"], replace=True,
                           **FORM5)
    submissions.submit(session, KONGSVINGER, confirm_warnings=True, **FORM5)
    session.commit()


def _rows(*pairs: tuple[str, str]) -> dict[str, object]:
    places = sum(int(p) for _, p in pairs)
    return {"plasser_andre_kommuner_ja": "ja", "plasser_andre_kommuner": str(places),
            "kjopende_kommuner": [{"kommunenr": k, "plasser": p} for k, p in pairs]}


def _edit(session: Session, field: str, value: str, row: int | None = None) -> Edit:
    edit = edit_value(session, STATISTICIAN, field=field, row=row, value=value, reason="REVIEW",
                      comment="checked by phone", **FORM5)
    session.commit()
    return edit


def _record(session: Session):  # type: ignore[no-untyped-def]
    [record] = submitted_forms(session, 2025, forms=["5"], units=["974600951"])
    return record


def _cell(session: Session, field_name: str, row_key: str | None = None) -> dict[str, object]:
    frame = year_values(session, 2025, forms=["5"], units=["974600951"])
    chosen = frame.filter(pl.col("field_name") == field_name)
    chosen = chosen.filter(pl.col("row_key").is_null() if row_key is None else pl.col("row_key") == row_key)
    [row] = chosen.to_dicts()
    return row


def test_edit_records_the_version_and_the_reported_value_it_was_made_against(session: Session) -> None:
    _submit(session, plasser_i_alt="64")
    edit = _edit(session, "plasser_i_alt", "68")
    assert edit.version == 1 and json.loads(edit.reported_json) == 64 and edit.row_key is None
    row = _cell(session, "plasser_i_alt")
    assert (row["status"], row["value_text"], row["reported_text"]) == (ValueStatus.EDITED, "68", "64")
    assert (row["edit_id"], row["edit_state"], row["edit_version"], row["version"]) == (edit.id, "applied", 1, 1)
    assert row["edit_reason"] == "REVIEW" and row["edited_by"] == "statistiker"


def test_resubmission_with_the_same_value_carries_the_edit_forward(session: Session) -> None:
    _submit(session, plasser_i_alt="64")
    edit = _edit(session, "plasser_i_alt", "68")
    _submit(session, plasser_i_alt="64", kontaktperson="Ola Nordmann")  # version 2: another field changed
    record = _record(session)
    assert record.submission.version == 2 and record.values["plasser_i_alt"] == 68
    assert record.edit_states["plasser_i_alt"] is EditState.CARRIED_FORWARD
    row = _cell(session, "plasser_i_alt")
    assert (row["status"], row["value_text"], row["edit_id"], row["version"]) == ("edited", "68", edit.id, 2)
    assert row["edit_state"] == "carried_forward" and row["edit_version"] == 1


def test_resubmission_with_a_changed_value_makes_the_edit_stale_and_the_new_value_stands(session: Session) -> None:
    _submit(session, plasser_i_alt="64")
    edit = _edit(session, "plasser_i_alt", "68")
    _submit(session, plasser_i_alt="70")  # the unit corrected the value itself
    record = _record(session)
    assert record.values["plasser_i_alt"] == 70 and "plasser_i_alt" not in record.edits
    assert record.stale["plasser_i_alt"].id == edit.id
    row = _cell(session, "plasser_i_alt")
    assert (row["status"], row["value_text"], row["reported_text"]) == ("reported", "70", "70")
    assert (row["edit_id"], row["edit_state"], row["edit_value_text"]) == (edit.id, "stale", "68")
    assert "64" in str(row["note"])


def test_a_shorter_table_makes_the_edit_of_a_removed_row_stale_without_phantom_rows(session: Session) -> None:
    _submit(session, **_rows(("3405", "2"), ("3407", "1"), ("3411", "3")))
    edit = _edit(session, "kjopende_kommuner.plasser", "4", row=2)  # the row of 3411
    assert edit.row_key == "3411"
    _submit(session, **_rows(("3405", "2"), ("3407", "1")))  # 3411 no longer buys places
    record = _record(session)
    assert [r["kommunenr"] for r in record.values["kjopende_kommuner"]] == ["3405", "3407"]
    assert [e.id for e in record.stale.values()] == [edit.id] and not record.edits
    frame = year_values(session, 2025, forms=["5"], units=["974600951"])
    table = frame.filter(pl.col("field_name") == "kjopende_kommuner.plasser")
    assert table["row_key"].to_list() == ["3405", "3407"] and table["value_text"].to_list() == ["2", "1"]


def test_reordered_rows_keep_each_edit_on_its_key(session: Session) -> None:
    _submit(session, **_rows(("3405", "2"), ("3407", "1")))
    edit = _edit(session, "kjopende_kommuner.plasser", "5", row=1)  # 3407: 1 → 5
    _submit(session, **_rows(("3407", "1"), ("3405", "2"), ("3412", "1")))  # reordered, one row added
    record = _record(session)
    rows = record.values["kjopende_kommuner"]
    assert rows[0] == {"kommunenr": "3407", "plasser": 5} and rows[1]["plasser"] == 2 and rows[2]["plasser"] == 1
    assert record.edits["kjopende_kommuner[0].plasser"].id == edit.id
    row = _cell(session, "kjopende_kommuner.plasser", "3407")
    assert (row["status"], row["value_text"], row["row_number"], row["edit_state"]) == \
        ("edited", "5", 1, "carried_forward")
    assert _cell(session, "kjopende_kommuner.plasser", "3405")["status"] == "reported"


def test_a_stale_edit_is_withdrawn_or_reapplied_and_both_are_audited(session: Session) -> None:
    _submit(session, plasser_i_alt="64")
    edit = _edit(session, "plasser_i_alt", "68")
    _submit(session, plasser_i_alt="70")
    again = reapply_edit(session, STATISTICIAN, edit_id=edit.id)
    session.commit()
    assert again.version == 2 and json.loads(again.reported_json) == 70 and again.reason_code == "REVIEW"
    assert _record(session).values["plasser_i_alt"] == 68
    with pytest.raises(FollowupRefused, match="no longer the newest"):
        withdraw_edit(session, STATISTICIAN, edit_id=edit.id, comment="superseded")
    with pytest.raises(FollowupRefused, match="comment is required"):
        withdraw_edit(session, STATISTICIAN, edit_id=again.id, comment=" ")
    withdrawal = withdraw_edit(session, STATISTICIAN, edit_id=again.id, comment="the unit's 70 is right")
    session.commit()
    record = _record(session)
    assert record.values["plasser_i_alt"] == 70 and not record.edits and not record.stale
    assert withdrawal.kind == "withdrawal" and _cell(session, "plasser_i_alt")["edit_id"] is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("edit.%"))).all()
    assert actions.count("edit.value") == 2 and actions.count("edit.withdraw") == 1


def test_withdraw_and_reapply_are_for_statisticians_only(session: Session) -> None:
    from kostra.errors import AccessDenied

    _submit(session)
    edit = _edit(session, "plasser_i_alt", "68")
    with pytest.raises(AccessDenied):
        withdraw_edit(session, KONGSVINGER, edit_id=edit.id, comment="mine")
    with pytest.raises(AccessDenied):
        reapply_edit(session, KONGSVINGER, edit_id=edit.id)
