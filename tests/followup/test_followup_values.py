"""The office's view of the data: latest versions, numbers typed, edits laid over the reported values."""

from __future__ import annotations

import json

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users, form5_values

from kostra.access import Principal, Role
from kostra.followup.values import edit_key, year_values
from kostra.reporting import submissions
from kostra.store.models import Edit

REPORTER = Principal("demo-3401", Role.REPORTER, "3401")


def _submit(session: Session, **overrides: object) -> None:
    submissions.save_draft(session, REPORTER, year=2025, form_id="5", unit_code="974600951",
                           values=form5_values(**overrides), confirm=["*"])
    submissions.submit(session, REPORTER, year=2025, form_id="5", unit_code="974600951", confirm_warnings=True)
    session.commit()


def test_latest_version_typed_with_edits_over_reported(database_url: str) -> None:
    engine = create_engine(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
        _submit(session, plasser_i_alt="64")
        _submit(session, plasser_i_alt="70")
        [only] = year_values(session, 2025)
        assert only.submission.version == 2 and only.values["plasser_i_alt"] == 70
        session.add_all([
            Edit(year=2025, form_id="5", unit_code="974600951", field_name="plasser_i_alt", submission_id=
                 only.submission.id, reported_json="70", value_json=json.dumps(v), reason_code="REVIEW",
                 created_by="statistiker") for v in (7, 68)])
        session.commit()
        [edited] = year_values(session, 2025, form_id="5")
    engine.dispose()
    assert edited.reported["plasser_i_alt"] == 70  # never overwritten
    assert edited.values["plasser_i_alt"] == 68  # the newest edit counts
    assert edited.edits["plasser_i_alt"].value_json == "68"
    assert edited.values["rom_i_alt"] == 60 and not edited.nil


def test_edit_key_names_fields_and_table_cells() -> None:
    assert edit_key("kjop.plasser", 0) == "kjop[0].plasser" and edit_key("rom_i_alt", None) == "rom_i_alt"
