"""Small factories for tests: units, users and valid answers built on the real definitions."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kostra.access import Role, create_user
from kostra.catalog.forms import load_catalog
from kostra.store.models import Attachment, ControlResult, ControlRun, Submission, Unit

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

PASSWORD = "demo-password"
# The base URL the apps under test are configured with: TestClient's own, so redirects stay on it.
TEST_BASE_URL = "http://testserver"


def add_units_and_users(session: Session) -> None:
    """Two municipalities with one institution each, an Oslo district, their reporters and a statistician."""
    session.add_all([
        Unit(code="3401", kind="municipality", name="Kongsvinger", population=18_203),
        Unit(code="3405", kind="municipality", name="Lillehammer", population=29_000),
        Unit(code="030102", kind="oslo_district", name="Grünerløkka", municipality_code="0301", population=64_000),
        Unit(code="974600951", kind="institution", name="Kongsvinger sykehjem", orgnr="974600951",
             municipality_code="3401"),
        Unit(code="976990803", kind="institution", name="Lillehammer helsehus", orgnr="976990803",
             municipality_code="3405"),
    ])
    session.flush()
    create_user(session, username="demo-3401", password=PASSWORD, role=Role.REPORTER, unit_code="3401",
                fast_hash=True)
    create_user(session, username="demo-3405", password=PASSWORD, role=Role.REPORTER, unit_code="3405",
                fast_hash=True)
    create_user(session, username="statistiker", password=PASSWORD, role=Role.STATISTICIAN, fast_hash=True)
    create_user(session, username="admin", password=PASSWORD, role=Role.ADMINISTRATOR, fast_hash=True)
    session.commit()


def add_oslo(session: Session) -> None:
    """Oslo municipality (0301) beside the factory's district Grünerløkka (030102), and a reporter for each."""
    session.add(Unit(code="0301", kind="municipality", name="Oslo", population=717_000))
    session.flush()
    create_user(session, username="demo-0301", password=PASSWORD, role=Role.REPORTER, unit_code="0301",
                fast_hash=True)
    create_user(session, username="demo-030102", password=PASSWORD, role=Role.REPORTER, unit_code="030102",
                fast_hash=True)
    session.commit()


def csrf_of(html: str) -> str:
    """The CSRF token of a page's first form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found[1]


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``username`` in through the real login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 200, answer.text[:300]
    return csrf_of(answer.text) if 'name="csrf_token"' in answer.text else token


def form5_values(year: int = 2025, **overrides: object) -> dict[str, object]:
    """A complete, valid form 5 for a nursing home, as a person would type it (fields of ``year``)."""
    values: dict[str, object] = {
        "institusjonsnavn": "Kongsvinger sykehjem",
        "orgnr": "974600951",
        "naeringskode": "87.102",
        "naeringskode_sn2025": "87.10",
        "tilbud": ["sykehjem"],
        "rom_i_alt": "60",
        "enerom": "56",
        "rom_for_flere": "4",
        "brukertilpassede_enerom": "50",
        "plasser_i_alt": "64",
        "plasser_demens": "20",
        "plasser_psykiatri": "2",
        "plasser_rus": "0",
        "plasser_langtid": "50",
        "plasser_tidsbegrenset": "14",
        "plasser_rehabilitering": "6",
        "plasser_utredning": "4",
        "plasser_avlastning": "2",
        "plasser_kad": "1",
        "plasser_rus_behandling": "0",
        "plasser_lindrende": "1",
        "plasser_andre_kommuner_ja": "nei",
        "brukerundersokelse": "ja",
        "kontaktperson": "Kari Nordmann",
        "kontakt_epost": "kari.nordmann@kongsvinger.kommune.no",
    }
    values.update(overrides)
    known = {f.name for f in load_catalog(year).form("5").fields()}
    return {name: value for name, value in values.items() if name in known}


# Control runs stored as plain rows (the shapes kostra.controls.runs writes), for report and page tests.
YEAR = 2025
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class R:
    """One result row to insert: rule, form, unit, outcome and the rest with sensible defaults."""

    rule: str
    form: str
    unit: str
    outcome: str = "fail"
    severity: str = "WARNING"
    score: float | None = None
    fields: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    message: str = ""


def add_run(session: Session, results: Sequence[R], *, year: int = YEAR, form_id: str | None = None,
            started: datetime = T0, finished: bool = True, by: str = "statistiker",
            summary: list[dict[str, object]] | None = None) -> int:
    """Insert a run with ``results`` the way ``kostra.controls.runs`` stores them; returns its id."""
    run = ControlRun(year=year, form_id=form_id, started_at=started, started_by=by,
                     finished_at=started + timedelta(minutes=3) if finished else None,
                     rules=len({r.rule for r in results}), units=len({r.unit for r in results}),
                     hits=sum(r.outcome == "fail" for r in results), summary_json=json.dumps(summary or []))
    session.add(run)
    session.flush()
    session.add_all([
        ControlResult(run_id=run.id, rule=r.rule, form_id=r.form, unit_code=r.unit, outcome=r.outcome,
                      severity=r.severity, fields_json=json.dumps(r.fields), values_json=json.dumps(r.values),
                      message=r.message or f"{r.rule} slo til", score=r.score)
        for r in results
    ])
    session.commit()
    return run.id


def fld(form: str, id_: str, name: str) -> dict[str, str]:
    """A field involved in a control result, as ``ControlResult.fields_json`` lists it."""
    return {"form": form, "id": id_, "name": name}


def submit_attachment(session: Session, attachment: Attachment, *, by: str = "test") -> Submission:
    """Submit ``attachment`` (already flushed) as the next version of its form: only submitted files count."""
    from sqlalchemy import func, select

    latest = session.scalar(select(func.max(Submission.version)).where(
        Submission.year == attachment.year, Submission.form_id == attachment.form_id,
        Submission.unit_code == attachment.unit_code)) or 0
    version = latest + 1
    submission = Submission(
        year=attachment.year, form_id=attachment.form_id, unit_code=attachment.unit_code, version=version,
        state="submitted", values_json="{}", comments_json="{}", worst_severity=attachment.severity,
        content_hash=attachment.sha256.ljust(64, "0")[:64],
        receipt_id=f"K{attachment.year}-{attachment.form_id}-{attachment.unit_code}-{version}",
        attachment_id=attachment.id, created_by=by)
    session.add(submission)
    session.flush()
    return submission
