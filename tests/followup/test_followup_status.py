"""The reporting status board: every unit × form it must report, evaluated now or as of a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from tests.factories import form5_values

from kostra.access import Principal, Role
from kostra.catalog.forms import load_catalog
from kostra.errors import NotFound, UsageError
from kostra.followup.approval import approve, withdraw_approval
from kostra.followup.status import end_of_day, status_board
from kostra.intake import submissions
from kostra.intake.submissions import FormStatus
from kostra.store.models import Submission

OSLO = ZoneInfo("Europe/Oslo")  # "today" as the status board counts days (Oslo time)

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
LILLEHAMMER = Principal("demo-3405", Role.REPORTER, "3405")
STATISTICIAN = Principal("statistiker", Role.STATISTICIAN, None)
TODAY = datetime.now(OSLO).date()


def _submit_form5(session: Session, principal: Principal, unit_code: str) -> Submission:
    submissions.save_draft(session, principal, year=2025, form_id="5", unit_code=unit_code,
                           values=form5_values(), confirm=["*"])
    receipt = submissions.submit(session, principal, year=2025, form_id="5", unit_code=unit_code,
                                 confirm_warnings=True)
    session.commit()
    return receipt


def _status(session: Session, form_id: str, unit_code: str, **kwargs: object) -> FormStatus:
    board = status_board(session, 2025, form_id=form_id, **kwargs)  # type: ignore[arg-type]
    return next(row.status for row in board.rows if row.unit_code == unit_code)


def test_board_has_every_unit_that_must_report_each_form(session: Session) -> None:
    board = status_board(session, 2025)
    catalog = load_catalog(2025)
    kinds = {"3401": "municipality", "3405": "municipality", "030102": "oslo_district",
             "974600951": "institution", "976990803": "institution"}
    expected = {(form.id, code) for form in catalog.forms() for code, kind in kinds.items()
                if kind in {k.value for k in form.definition.unit_kinds}}
    assert {(row.form_id, row.unit_code) for row in board.rows} == expected
    assert {row.form_id for row in board.rows if row.unit_code == "974600951"} == {"5"}
    assert all(row.status is FormStatus.NOT_STARTED for row in board.rows)
    assert board.counts["5"][FormStatus.NOT_STARTED] == 2
    assert {row.county for row in board.rows if row.unit_code in ("3401", "974600951")} == {"34"}
    assert next(r for r in board.rows if r.unit_code == "3401").county_name == "Innlandet"


def test_statuses_submitted_nil_draft_and_filters(session: Session) -> None:
    _submit_form5(session, KONGSVINGER, "974600951")
    submissions.declare_nil(session, LILLEHAMMER, year=2025, form_id="11", unit_code="3405")
    submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           values={"rom_i_alt": "61"})  # a correction in progress counts as a draft
    session.commit()
    assert _status(session, "5", "974600951") is FormStatus.DRAFT
    assert _status(session, "11", "3405") is FormStatus.NIL
    assert _status(session, "11", "3401") is FormStatus.NOT_STARTED
    missing = status_board(session, 2025, form_id="11").missing()
    assert [row.unit_code for row in missing] == ["030102", "3401"]
    only_34 = status_board(session, 2025, form_id="11", county="34")
    assert {row.unit_code for row in only_34.rows} == {"3401", "3405"}
    nil_rows = status_board(session, 2025, status="nil").rows
    assert [(r.form_id, r.unit_code) for r in nil_rows] == [("11", "3405")]
    # counts are per form, before the status filter
    assert status_board(session, 2025, status="nil").counts["11"][FormStatus.NOT_STARTED] == 2


def test_as_of_ignores_what_came_after_that_day(session: Session) -> None:
    receipt = _submit_form5(session, LILLEHAMMER, "976990803")
    assert _status(session, "5", "976990803", as_of=TODAY) is FormStatus.SUBMITTED
    assert _status(session, "5", "976990803", as_of=TODAY - timedelta(days=1)) is FormStatus.NOT_STARTED
    # a submission made on 19 April at 23:30 in Oslo counts on 19 April, not on 18 April
    late_evening = datetime(2026, 4, 19, 21, 30, tzinfo=UTC)  # 23:30 Oslo summer time
    session.execute(update(Submission).where(Submission.id == receipt.id).values(created_at=late_evening))
    session.commit()
    assert _status(session, "5", "976990803", as_of=date(2026, 4, 19)) is FormStatus.SUBMITTED
    assert _status(session, "5", "976990803", as_of=date(2026, 4, 18)) is FormStatus.NOT_STARTED
    assert [r.unit_code for r in status_board(session, 2025, form_id="5", as_of=date(2026, 4, 18)).missing()] \
        == ["974600951", "976990803"]
    assert end_of_day(date(2026, 4, 19)).astimezone(UTC) < datetime(2026, 4, 19, 22, 0, tzinfo=UTC)


def test_approved_only_on_latest_version_and_until_withdrawn(session: Session) -> None:
    _submit_form5(session, KONGSVINGER, "974600951")
    approve(session, STATISTICIAN, year=2025, form_id="5", unit_code="974600951", comment="ok")
    session.commit()
    row = next(r for r in status_board(session, 2025, form_id="5").rows if r.unit_code == "974600951")
    assert row.status is FormStatus.APPROVED and row.approved and row.done
    assert _status(session, "5", "974600951", as_of=TODAY - timedelta(days=1)) is FormStatus.NOT_STARTED
    withdraw_approval(session, STATISTICIAN, year=2025, form_id="5", unit_code="974600951", comment="wrong unit")
    session.commit()
    assert _status(session, "5", "974600951") is FormStatus.SUBMITTED
    approve(session, STATISTICIAN, year=2025, form_id="5", unit_code="974600951")
    session.commit()
    submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           values=form5_values(rom_i_alt="61", enerom="57"), confirm=["*"])
    submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951", confirm_warnings=True)
    session.commit()
    # a new version needs a new approval
    assert _status(session, "5", "974600951") in (FormStatus.SUBMITTED, FormStatus.SUBMITTED_WITH_WARNINGS)


def test_unknown_status_or_form_is_refused(session: Session) -> None:
    with pytest.raises(UsageError, match="unknown status 'done'"):
        status_board(session, 2025, status="done")
    with pytest.raises(NotFound, match="no form '99'"):
        status_board(session, 2025, form_id="99")
