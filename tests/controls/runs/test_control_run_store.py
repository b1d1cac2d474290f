"""Control runs on hand-built submissions, on SQLite and PostgreSQL: what is stored, and the planted hits."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users

from kostra.cli.controls import controls
from kostra.controls.runs import run_controls
from kostra.settings import Settings
from kostra.store.models import AuditEvent, ControlResult, ControlRun, Edit, RegisterValue, Submission

_serial = iter(range(1, 1_000_000))


def _submit(session: Session, year: int, form_id: str, unit: str, values: dict[str, object],
            state: str = "submitted") -> None:
    number = next(_serial)
    session.execute(insert(Submission), [{
        "year": year, "form_id": form_id, "unit_code": unit, "version": 1, "state": state,
        "values_json": json.dumps(values), "comments_json": "{}", "worst_severity": "OK",
        "content_hash": f"{number:064d}", "receipt_id": f"R{year}-{form_id}-{unit}-{number}",
        "created_by": "test"}])


def _year_of_data(session: Session) -> None:
    add_units_and_users(session)
    for year in (2024, 2025):
        # Form 5 per institution: Kongsvinger's has time-limited places, Stange's (3405) has none.
        _submit(session, year, "5", "974600951", {"plasser_i_alt": 40, "plasser_tidsbegrenset": 8,
                                                  "rom_i_alt": 38, "enerom": 36, "rom_for_flere": 2})
        _submit(session, year, "5", "976990803", {"plasser_i_alt": 30, "plasser_tidsbegrenset": 0,
                                                  "rom_i_alt": 30, "enerom": 30, "rom_for_flere": 0})
        for unit in ("3401", "3405"):
            _submit(session, year, "4", unit, {"egenbetaling_korttid_dogn": 185, "beboere_heldogn_i_alt": 20})
        # A thousand error in 2025 for 3401: 50 (1000 NOK) last year, 50 000 this year.
        _submit(session, year, "PSYK", "3401", {"brukermedvirkning_1000kr": 50_000 if year == 2025 else 50})
        _submit(session, year, "PSYK", "3405", {"brukermedvirkning_1000kr": 40})
    # Form 1: 3401 says no midwife is employed, but the register has 2.5 FTEs; 3405 agrees with it.
    _submit(session, 2025, "1", "3401", {"jordmor_ansatt": False})
    _submit(session, 2025, "1", "3405", {"jordmor_ansatt": True, "jordmor_aarsverk": "1,5"})
    session.execute(insert(RegisterValue), [
        {"year": 2025, "unit_code": "3401", "measure": "jordmor_aarsverk", "value": 2.5, "source": "test"},
        {"year": 2025, "unit_code": "3405", "measure": "jordmor_aarsverk", "value": 1.5, "source": "test"}])
    session.commit()


@pytest.fixture()
def session(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    with Session(engine) as session:
        _year_of_data(session)
        yield session
    engine.dispose()


def _stored(session: Session, run: ControlRun, rule: str, unit: str) -> ControlResult | None:
    return session.scalar(select(ControlResult).where(ControlResult.run_id == run.id, ControlResult.rule == rule,
                                                      ControlResult.unit_code == unit))


def _result(session: Session, run: ControlRun, rule: str, unit: str) -> ControlResult:
    found = _stored(session, run, rule, unit)
    assert found is not None, f"no result for {rule} / {unit}"
    return found


def test_run_stores_one_result_per_rule_and_unit_with_summary_and_audit(session: Session) -> None:
    run = run_controls(session, 2025, actor="statistiker")
    session.commit()
    results = session.scalars(select(ControlResult).where(ControlResult.run_id == run.id)).all()
    pairs = [(r.rule, r.unit_code) for r in results]
    assert len(pairs) == len(set(pairs)) and run.units == len({r.unit_code for r in results})
    assert run.hits == sum(r.outcome == "fail" for r in results) and run.finished_at is not None
    summary = json.loads(run.summary_json)
    assert {"rule", "kind", "form", "severity", "label_nb", "label_en", "items", "passes", "fails",
            "not_applicable", "errors"} <= set(summary[0])
    by_rule = {s["rule"]: s for s in summary if "rule" in s}
    for name, row in by_rule.items():
        # Year-over-year checks (one per numeric field) store only their hits; the summary counts the rest.
        if row["kind"] not in ("hb", "thousand"):
            assert row["items"] == sum(r.rule == name for r in results)
        assert row["fails"] == sum(r.rule == name and r.outcome == "fail" for r in results)
    # Every numeric field of PSYK has both checks by default (issue 9, point 7), not only the configured one.
    assert {"hb_psyk_aarsverk_lege", "th_psyk_aarsverk_lege", "th_psyk_brukermedvirkning_1000kr"} <= set(by_rule)
    assert by_rule["th_psyk_brukermedvirkning_1000kr"]["items"] == 2
    # Form-5 rules run on the institutions only; form-4 rules on the municipalities that sent form 4.
    assert {r.unit_code for r in results if r.rule == "s5_enerom_le_rom"} == {"974600951", "976990803"}
    assert {r.unit_code for r in results if r.rule == "s4_beboere_endring"} == {"3401", "3405"}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "controls.run"))
    assert event is not None and event.actor == "statistiker" and json.loads(event.detail_json)["run"] == run.id


def test_cross_form_rule_sums_form_5_over_the_municipalitys_institutions(session: Session) -> None:
    run = run_controls(session, 2025, actor="t")
    kongsvinger = _result(session, run, "x_egenbetaling_korttid_mot_institusjon", "3401")
    stange = _result(session, run, "x_egenbetaling_korttid_mot_institusjon", "3405")
    assert kongsvinger.outcome == "pass" and json.loads(kongsvinger.values_json)["skjema5.plasser_tidsbegrenset"] == 8
    assert stange.outcome == "fail" and stange.form_id == "4" and stange.message
    assert {"form": "5", "id": "4.5", "name": "plasser_tidsbegrenset"} in json.loads(stange.fields_json)


def test_thousand_error_is_flagged_with_the_proposed_correction(session: Session) -> None:
    run = run_controls(session, 2025, actor="t")
    hit = _result(session, run, "th_psyk_brukermedvirkning_1000kr", "3401")
    assert hit.outcome == "fail" and hit.form_id == "PSYK" and hit.severity == "WARNING"
    values = json.loads(hit.values_json)
    assert values["proposed"] == 50 and values["factor"] == 1000
    assert "Foreslått rettet verdi: 50" in hit.message and hit.score is not None and hit.score > 0
    assert _stored(session, run, "th_psyk_brukermedvirkning_1000kr", "3405") is None   # no hit: not stored


def test_register_contradiction_is_a_hit(session: Session) -> None:
    run = run_controls(session, 2025, actor="t")
    hit = _result(session, run, "r_1_jordmor_mot_register", "3401")
    assert hit.outcome == "fail" and json.loads(hit.values_json)["register('jordmor_aarsverk')"] == 2.5
    assert _result(session, run, "r_1_jordmor_mot_register", "3405").outcome == "pass"


def test_edits_are_applied_before_controls(session: Session) -> None:
    submission = session.scalar(select(Submission).where(Submission.year == 2025, Submission.form_id == "PSYK",
                                                         Submission.unit_code == "3401"))
    assert submission is not None
    session.add(Edit(year=2025, form_id="PSYK", unit_code="3401", field_name="brukermedvirkning_1000kr",
                     submission_id=submission.id, reported_json="50000", value_json="50", reason_code="unit",
                     created_by="statistiker"))
    session.flush()
    run = run_controls(session, 2025, actor="t")
    assert _stored(session, run, "th_psyk_brukermedvirkning_1000kr", "3401") is None   # no hit after the edit


def test_a_run_of_one_form_has_only_that_forms_rules(session: Session) -> None:
    run = run_controls(session, 2025, form_id="5", actor="t")
    forms = set(session.scalars(select(ControlResult.form_id).where(ControlResult.run_id == run.id)))
    assert forms == {"5"} and run.form_id == "5"


def test_cli_json_lists_every_hit_with_rule_form_unit_fields_and_values(database_url: str, session: Session,
                                                                        tmp_path: object) -> None:
    settings = Settings(home=tmp_path, database_url=database_url)  # type: ignore[arg-type]
    result = CliRunner().invoke(controls, ["run", "--year", "2025", "--format", "json"], obj=settings)
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert {"run", "summary", "hits"} <= set(output) and output["run"]["hits"] == len(output["hits"])
    hit = next(h for h in output["hits"] if h["rule"] == "th_psyk_brukermedvirkning_1000kr")
    assert {"rule", "severity", "form", "unit", "fields", "values", "message", "score"} <= set(hit)
    assert hit["unit"] == "3401" and hit["fields"] == ["1"] and hit["values"]["proposed"] == 50
    assert {s["rule"] for s in output["summary"]} >= {"x_egenbetaling_korttid_mot_institusjon", "hb_5_plasser_i_alt"}


def test_cli_rejects_an_unknown_form_in_one_line(database_url: str, tmp_path: object) -> None:
    settings = Settings(home=tmp_path, database_url=database_url)  # type: ignore[arg-type]
    result = CliRunner().invoke(controls, ["run", "--year", "2025", "--form", "99"], obj=settings)
    assert result.exit_code != 0 and "99" in str(result.exception or result.output)


def test_issue_9_a_year_without_last_years_data_runs_and_says_why(database_url: str, session: Session,
                                                                  tmp_path: object) -> None:
    settings = Settings(home=tmp_path, database_url=database_url)  # type: ignore[arg-type]
    # 2024 has data, 2023 has definitions but no submissions; 2023 is the first year with definitions.
    for year, why in ((2024, "No data for 2023 (no submitted forms for 2023)"),
                      (2023, "No data for 2022 (no form definitions for 2022)")):
        result = CliRunner().invoke(controls, ["run", "--year", str(year)], obj=settings)
        assert result.exit_code in (0, 1, 2) and "Run " in result.stdout, result.output
        assert why in result.stdout and "year-over-year checks (HB, thousand error) were skipped" in result.stdout
    result = CliRunner().invoke(controls, ["run", "--year", "2024", "--format", "json"], obj=settings)
    output = json.loads(result.stdout)
    assert output["run"]["notes"][0].startswith("No data for 2023")
    changes = {s["rule"]: s for s in output["summary"]}["s4_beboere_endring"]     # reads prev()
    assert changes["errors"] == 0 and changes["not_applicable"] == changes["items"] > 0
