"""``kostra status`` and ``kostra followup``, invoked on a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users, form5_values

from kostra.access import Principal, Role
from kostra.cli.followup import followup
from kostra.cli.status import status
from kostra.intake import submissions
from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.store.models import Edit, OutboxMessage

OSLO = ZoneInfo("Europe/Oslo")  # "today" as the status board counts days (Oslo time)

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
UNIT = ["--year", "2025", "--form", "5", "--unit", "974600951"]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
        submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                               values=form5_values(), confirm=["*"])
        submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           confirm_warnings=True)
        session.commit()
    engine.dispose()
    yield Settings(home=tmp_path, database_url=database_url)


def _run(command: object, args: list[str], settings: Settings) -> Result:
    return CliRunner().invoke(command, args, obj=settings)  # type: ignore[arg-type]


def _rows(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _stored(settings: Settings, model: type) -> list[object]:
    engine = create_engine_for(settings.effective_database_url)
    with Session(engine) as session:
        rows = list(session.scalars(select(model)))
    engine.dispose()
    return rows


def test_status_rows_missing_and_as_of(settings: Settings) -> None:
    rows = _rows(_run(status, ["--year", "2025", "--form", "5", "--format", "json"], settings))
    assert {(r["unit"], r["status"]) for r in rows} == {("974600951", "submitted"), ("976990803", "not_started")}
    missing = _rows(_run(status, ["--year", "2025", "--form", "5", "--missing", "--format", "json"], settings))
    assert [r["unit"] for r in missing] == ["976990803"]
    yesterday = (datetime.now(OSLO).date() - timedelta(days=1)).isoformat()
    earlier = _rows(_run(status, ["--year", "2025", "--form", "5", "--as-of", yesterday, "--missing",
                                  "--format", "json"], settings))
    assert [r["unit"] for r in earlier] == ["974600951", "976990803"]
    counts = _rows(_run(status, ["--year", "2025", "--counts", "--format", "json"], settings))
    assert next(c for c in counts if c["form"] == "5")["submitted"] == 1
    table = _run(status, ["--year", "2025", "--form", "5"], settings)
    assert table.exit_code == 0 and "974600951" in table.stdout and "1 missing now" in table.stderr


def test_status_refuses_unknown_form_in_one_line(settings: Settings) -> None:
    result = _run(status, ["--year", "2025", "--form", "99"], settings)
    assert result.exit_code == 2 and "no form '99'" in result.output and "Traceback" not in result.output


def test_edit_needs_a_reason_then_trail_and_approval(settings: Settings) -> None:
    refused = _run(followup, ["edit", *UNIT, "--field", "plasser_i_alt", "--value", "65", "--actor", "statistiker"],
                   settings)
    assert refused.exit_code == 2 and "an edit needs a reason code" in refused.output
    assert "OTHER_SOURCE" in refused.output and _stored(settings, Edit) == []
    not_statistician = _run(followup, ["edit", *UNIT, "--field", "plasser_i_alt", "--value", "65", "--reason",
                                       "REVIEW", "--actor", "demo-3401"], settings)
    assert not_statistician.exit_code == 2 and "statistician" in not_statistician.output
    done = _run(followup, ["edit", *UNIT, "--field", "plasser_i_alt", "--value", "65", "--reason", "owner",
                           "--comment", "phoned Kari", "--actor", "statistiker"], settings)
    assert done.exit_code == 0, done.output
    approved = _run(followup, ["approve", *UNIT, "--actor", "statistiker"], settings)
    assert approved.exit_code == 0, approved.output
    trail = _rows(_run(followup, ["trail", *UNIT, "--field", "plasser_i_alt", "--format", "json"], settings))
    assert [(e["event"], e["value"]) for e in trail] == [("submitted", 64), ("edit", 65), ("approved", None)]
    assert trail[1]["reason"] == "OWNER" and trail[1]["by"] == "statistiker"
    withdrawn = _run(followup, ["approve", *UNIT, "--withdraw", "--actor", "statistiker"], settings)
    assert withdrawn.exit_code == 2 and "comment is required" in withdrawn.output


def test_reminders_outbox_contacts_and_quality(settings: Settings) -> None:
    today = datetime.now(OSLO).date()  # after the deadline: the form 5 just submitted counts
    written = _run(followup, ["reminders", "--year", "2025", "--today", today.isoformat(), "--form", "5", "--send"],
                   settings)
    assert written.exit_code == 0, written.output
    assert "1 reminder(s) written" in written.stderr and "SMTP is not configured" in written.stderr
    tomorrow = (today + timedelta(days=1)).isoformat()
    again = _run(followup, ["reminders", "--year", "2025", "--today", tomorrow, "--form", "5"], settings)
    assert "0 reminder(s) written, 1 already" in again.stderr
    [message] = _stored(settings, OutboxMessage)
    listed = _rows(_run(followup, ["outbox", "--year", "2025", "--format", "json"], settings))
    assert [m["unit"] for m in listed] == [message.unit_code] == ["976990803"]  # type: ignore[attr-defined]
    logged = _run(followup, ["contact", "--year", "2025", "--unit", "3405", "--channel", "phone", "--summary",
                             "Promised form 5 by Friday", "--form", "5", "--actor", "statistiker"], settings)
    assert logged.exit_code == 0, logged.output
    log = _rows(_run(followup, ["contacts", "--year", "2025", "--unit", "3405", "--format", "json"], settings))
    assert log[0]["summary"] == "Promised form 5 by Friday" and log[0]["by"] == "statistiker"
    quality = _rows(_run(followup, ["quality", "--year", "2025", "--form", "5", "--format", "json"], settings))
    assert quality[0]["response_rate"] == 0.5 and quality[0]["hit_rate"] is None
