"""A small demo year: registers step, a full control run and the recall command against the seeded ledger."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kostra.cli.controls import controls
from kostra.controls.runs import run_controls
from kostra.demo.builder import DemoOptions, build_demo
from kostra.demo.registers import MIDWIFE_MEASURE, registers_step
from kostra.demo.seeded import seeded_errors
from kostra.settings import Settings
from kostra.store.models import ControlResult, Edit, RegisterValue, Submission

OPTIONS = DemoOptions(year=2025, seed=2025, limit_units=12, always_units=("0301", "3401", "030102"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("demo-controls")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    build_demo(settings, OPTIONS)
    with Session(create_engine(settings.effective_database_url)) as session:
        registers_step(session, DemoOptions(**{**OPTIONS.__dict__, "home": home}), lambda done, total: None)
        session.commit()
    return settings


def _ledger(settings: Settings) -> list[dict[str, object]]:
    return seeded_errors(settings.home, 2025)


def test_register_values_follow_form_1_except_the_seeded_contradictions(demo: Settings) -> None:
    with Session(create_engine(demo.effective_database_url)) as session:
        register = {r.unit_code: r.value for r in session.scalars(select(RegisterValue).where(
            RegisterValue.measure == MIDWIFE_MEASURE))}
        contradictions = {str(e["unit"]): e for e in _ledger(demo) if e["kind"] == "register_contradiction"}
        for submission in session.scalars(select(Submission).where(Submission.year == 2025,
                                                                   Submission.form_id == "1")):
            values = json.loads(submission.values_json)
            if submission.unit_code in contradictions:
                assert values.get("jordmor_ansatt") is False and register[submission.unit_code] > 0
            elif values.get("jordmor_ansatt"):
                assert register[submission.unit_code] == pytest.approx(float(values["jordmor_aarsverk"]))


def test_every_seeded_error_in_submitted_data_is_hit_on_its_unit(demo: Settings) -> None:
    engine = create_engine(demo.effective_database_url)
    with Session(engine) as session:
        run = run_controls(session, 2025, actor="test")
        session.commit()
        hits = Counter((r.unit_code, r.form_id) for r in session.scalars(select(ControlResult).where(
            ControlResult.run_id == run.id, ControlResult.outcome == "fail")))
        # The demo's follow-up corrected some seeded errors after the demo's own run had hit them.
        corrected = {(e.form_id, e.unit_code, e.field_name) for e in session.scalars(select(Edit))
                     if e.control_result_id is not None}
    planted = [e for e in _ledger(demo) if e["kind"] not in ("missing_form", "late_submission")
               and e["stored"] == "submission"]
    assert planted, "the small demo seeds errors"
    for entry in planted:
        if (str(entry["form"]), str(entry["unit"]), str(entry["field"])) in corrected:
            continue
        form = "4" if entry["kind"] == "inconsistent_forms" else str(entry["form"])
        assert hits[(str(entry["unit"]), form)] or hits[(str(entry["unit"]), str(entry["form"]))], entry


def test_recall_command_counts_seeded_found_and_not_seeded(demo: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(controls, ["run", "--year", "2025"], obj=demo).exit_code == 0
    result = runner.invoke(controls, ["recall", "--year", "2025", "--format", "json"], obj=demo)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    seeded = Counter(str(e["kind"]) for e in _ledger(demo))
    kinds = {k["kind"]: k for k in report["kinds"]}
    assert {kind: kinds[kind]["seeded"] for kind in seeded} == dict(seeded)
    for kind in ("thousand_error", "inconsistent_forms", "register_contradiction", "implausible_change"):
        if kinds[kind]["seeded"] - kinds[kind]["in_draft"]:
            assert kinds[kind]["recall"] == 1.0, kinds[kind]
    assert kinds["missing_form"]["found_by"] == "status" and kinds["missing_form"]["recall"] == 1.0
    assert report["hits"] == report["explained"] + report["not_seeded"] and 0 < report["precision"] <= 1
    table = runner.invoke(controls, ["recall", "--year", "2025"], obj=demo)
    assert "precision" in table.stdout and "status board" in table.stdout


def test_recall_without_a_ledger_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    result = CliRunner().invoke(controls, ["recall", "--year", "2025"], obj=settings)
    assert result.exit_code != 0 and "no seeded-error ledger" in str(result.exception)
