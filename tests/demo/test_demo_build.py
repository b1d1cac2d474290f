"""A small demo year built on SQLite: users log in, forms are stored, the ledger matches the data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kostra.access import authenticate
from kostra.demo.builder import DemoOptions, build_demo
from kostra.demo.seeded import count_by_kind, seeded_errors
from kostra.reporting.submissions import FormStatus, form_state
from kostra.settings import Settings
from kostra.store.models import Attachment, Draft, Submission, User

OPTIONS = DemoOptions(year=2025, seed=2025, limit_units=4, always_units=("0301", "3401", "030102"))


def _build(home: Path) -> Settings:
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    build_demo(settings, OPTIONS)
    return settings


def _hashes(settings: Settings) -> set[tuple[int, str, str, int, str]]:
    with Session(create_engine(settings.effective_database_url)) as session:
        rows = session.scalars(select(Submission))
        return {(s.year, s.form_id, s.unit_code, s.version, s.content_hash) for s in rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return _build(tmp_path_factory.mktemp("demo"))


@pytest.fixture()
def session(built: Settings) -> Iterator[Session]:
    with Session(create_engine(built.effective_database_url)) as session:
        yield session


def _latest(session: Session, year: int, form: str, unit: str) -> dict[str, object] | None:
    row = session.scalar(select(Submission).where(Submission.year == year, Submission.form_id == form,
                                                  Submission.unit_code == unit).order_by(Submission.version.desc()))
    return None if row is None else json.loads(row.values_json)


def test_demo_users_log_in_with_password_demo(session: Session) -> None:
    assert authenticate(session, "demo-3401", "demo").unit_code == "3401"
    assert authenticate(session, "demo-030102", "demo").unit_code == "030102"
    assert authenticate(session, "statistiker", "demo").role.value == "statistician"
    assert authenticate(session, "admin", "demo").role.value == "administrator"
    assert session.scalar(select(User).where(User.username == "demo-1101")) is not None


def test_every_web_form_stored_both_years(session: Session) -> None:
    rows = list(session.scalars(select(Submission)))
    web_forms = {"1", "4", "5", "7", "13", "PSYK"}
    assert {r.form_id for r in rows if r.year == 2024} == web_forms
    assert {r.form_id for r in rows if r.year == 2025} == web_forms | {"11", "11C", "0A", "0B"}
    assert {r.state for r in rows if r.year == 2024} <= {FormStatus.SUBMITTED, FormStatus.SUBMITTED_WITH_WARNINGS}
    for row in rows:
        attachment = session.scalar(select(Attachment.sha256).where(
            Attachment.year == row.year, Attachment.form_id == row.form_id, Attachment.unit_code == row.unit_code
        ).order_by(Attachment.id.desc()).limit(1))
        content = json.dumps({"values": json.loads(row.values_json), "state": row.state, "attachment": attachment},
                             ensure_ascii=False, sort_keys=True, default=str)
        assert row.content_hash == hashlib.sha256(content.encode("utf-8")).hexdigest()
        assert row.receipt_id.endswith(row.content_hash[:8])


def test_stored_forms_are_what_the_services_accept(session: Session) -> None:
    statistician = authenticate(session, "statistiker", "demo")
    rows = session.scalars(select(Submission).where(Submission.year == 2025, Submission.unit_code == "3401"))
    checked = 0
    for row in rows:
        state = form_state(session, statistician, year=2025, form_id=row.form_id, unit_code="3401")
        assert state.status.value == row.state
        assert not [p for p in state.problems if p.severity.blocks_submission], (row.form_id, state.problems)
        checked += 1
    assert checked >= 3


def test_ledger_entries_are_in_the_stored_data(built: Settings, session: Session) -> None:
    ledger = seeded_errors(built.home, 2025)
    counts = count_by_kind(ledger)
    for kind in ("thousand_error", "implausible_change", "inconsistent_forms", "register_contradiction"):
        assert counts[kind] >= 1, counts
    for entry in ledger:
        form, unit, name = str(entry["form"]), str(entry["unit"]), entry["field"]
        now, last = _latest(session, 2025, form, unit), _latest(session, 2024, form, unit)
        if entry["kind"] == "missing_form":
            assert now is None
            has_draft = session.scalar(select(Draft).where(Draft.year == 2025, Draft.form_id == form,
                                                           Draft.unit_code == unit)) is not None
            assert has_draft == (entry["stored"] == "draft")
            continue
        if entry["kind"] == "late_submission" or entry["stored"] != "submission":
            continue
        assert now is not None and last is not None
        assert now.get(str(name)) == entry["value"] or float(now[str(name)]) == float(entry["value"])  # type: ignore[arg-type]
        if entry["kind"] == "thousand_error":
            assert 800 <= float(now[str(name)]) / float(last[str(name)]) <= 1200  # type: ignore[arg-type]
        elif entry["kind"] == "implausible_change":
            assert 2.3 <= float(now[str(name)]) / float(last[str(name)]) <= 3.9  # type: ignore[arg-type]
        elif entry["kind"] == "inconsistent_forms":
            residents = _latest(session, 2025, "4", unit)
            assert residents is not None
            assert int(residents["beboere_heldogn_i_alt"]) > 2 * int(now["omsorgsboliger"]) + 10  # type: ignore[call-overload]
        elif entry["kind"] == "register_contradiction":
            assert now["jordmor_ansatt"] is False and "jordmor_aarsverk" not in now
            assert float(entry["register"]["jordmor_aarsverk"]) > 0  # type: ignore[index]


def test_rebuild_is_idempotent_and_the_seed_decides(built: Settings, tmp_path: Path) -> None:
    before = _hashes(built)
    build_demo(built, OPTIONS)
    assert _hashes(built) == before
    assert _hashes(_build(tmp_path)) == before
