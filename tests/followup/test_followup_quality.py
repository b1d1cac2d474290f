"""Quality indicators per form: response rate, share edited, hit rate and hit accuracy."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session
from tests.factories import form5_values

from kostra.access import Principal, Role
from kostra.followup.edits import edit_value
from kostra.followup.quality import quality_indicators
from kostra.reporting import submissions
from kostra.store.models import ControlResult, ControlRun, Submission, utcnow

STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
REPORTERS = {"974600951": Principal("demo-3401", Role.REPORTER, "3401"),
             "976990803": Principal("demo-3405", Role.REPORTER, "3405")}


def _submit(session: Session, unit_code: str) -> Submission:
    reporter = REPORTERS[unit_code]
    submissions.save_draft(session, reporter, year=2025, form_id="5", unit_code=unit_code, values=form5_values(),
                           confirm=["*"])
    receipt = submissions.submit(session, reporter, year=2025, form_id="5", unit_code=unit_code,
                                 confirm_warnings=True)
    session.commit()
    return receipt


def _edit(session: Session, unit_code: str, field: str, value: str) -> None:
    edit_value(session, STATISTICIAN, year=2025, form_id="5", unit_code=unit_code, field=field, value=value,
               reason="REVIEW", comment="")
    session.commit()


def _result(run: ControlRun, unit: str, outcome: str, form: str, field: str) -> ControlResult:
    return ControlResult(run_id=run.id, rule=f"rule_{field}", form_id="5", unit_code=unit, outcome=outcome,
                         severity="WARNING", fields_json=json.dumps([{"form": form, "id": "", "name": field}]))


def test_indicators_of_form_5(session: Session) -> None:
    before = quality_indicators(session, 2025, "5")[0]
    assert (before.units_required, before.units_delivered, before.response_rate) == (2, 0, 0.0)
    assert before.edited_share is None and before.hit_rate is None and before.hit_accuracy is None
    receipts = [_submit(session, unit) for unit in REPORTERS]
    _edit(session, "976990803", "rom_i_alt", "59")  # before the run: not a consequence of its hits
    run = ControlRun(year=2025, form_id=None, started_by="statistiker", started_at=utcnow())
    session.add(run)
    session.flush()
    session.add_all([
        _result(run, "974600951", "fail", "skjema5", "plasser_i_alt"),
        _result(run, "976990803", "fail", "5", "rom_i_alt"),
        _result(run, "976990803", "pass", "5", "enerom"),
        _result(run, "974600951", "not_applicable", "5", "enerom"),
    ])
    session.commit()
    _edit(session, "974600951", "plasser_i_alt", "65")
    _edit(session, "974600951", "enerom", "55")  # an edit of a field no hit read
    [quality] = quality_indicators(session, 2025, "5")
    reported = sum(len([v for v in json.loads(r.values_json).values() if v not in (None, "", [])])
                   for r in receipts)
    assert (quality.units_required, quality.units_delivered, quality.response_rate) == (2, 2, 1.0)
    assert (quality.values_reported, quality.values_edited) == (reported, 3)
    assert quality.edited_share == pytest.approx(3 / reported)
    assert (quality.run_id, quality.items_evaluated, quality.hits) == (run.id, 3, 2)
    assert quality.hit_rate == pytest.approx(2 / 3)
    assert (quality.hits_edited, quality.hit_accuracy) == (1, 0.5)


def test_every_form_is_listed(session: Session) -> None:
    forms = [q.form_id for q in quality_indicators(session, 2025)]
    assert "5" in forms and "11" in forms and len(forms) == len(set(forms))
