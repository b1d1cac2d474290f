"""The municipalities' control report: own unit and institutions only, grouped by form, what to do, JSON twin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import R, add_run, fld, login

NBSP = "\u00a0"
SUMMARY = [{"rule": "skjema5.rom_sum", "kind": "rule", "form": "5", "severity": "ERROR",
            "label_nb": "Rommene summerer seg ikke", "label_en": "The rooms do not add up", "items": 2, "passes": 0,
            "fails": 2, "not_applicable": 0, "errors": 0},
           {"rule": "hb.skjema1.arsverk", "kind": "hb", "form": "1", "severity": "WARNING",
            "label_nb": "Uvanlig endring i årsverk", "label_en": "Unusual change in full-time equivalents",
            "items": 2, "passes": 1, "fails": 1, "not_applicable": 0, "errors": 0}]


@pytest.fixture
def seeded(app_client: TestClient) -> Iterator[int]:
    with Session(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        yield add_run(session, [
            R("skjema5.rom_sum", "5", "974600951", severity="ERROR", fields=[fld("5", "5.1", "rom_i_alt")],
              values={"skjema5.rom_i_alt": 1060, "skjema5.enerom": 56},
              message="Rom i alt er ikke enerom + rom for flere"),
            R("hb.skjema1.arsverk", "1", "3401", fields=[fld("1", "3.2", "arsverk_sykepleiere")],
              values={"skjema1.arsverk_sykepleiere": 2512.5}, score=0.02),
            R("skjema5.rom_sum", "5", "976990803", severity="ERROR", values={"skjema5.rom_i_alt": 77}),
            R("hb.skjema1.arsverk", "1", "3405", outcome="pass"),
        ], summary=SUMMARY)


def test_municipality_sees_its_own_and_its_institutions_hits(app_client: TestClient, seeded: int) -> None:
    login(app_client, "demo-3401")
    page = app_client.get("/portal/2025/3401/controls")
    assert page.status_code == 200
    html = page.text
    assert "Rommene summerer seg ikke" in html and "Uvanlig endring i årsverk" in html
    assert f"1{NBSP}060" in html and f"2{NBSP}512,5" in html  # the values read, formatted the Norwegian way
    assert 'href="/portal/2025/5/974600951"' in html and 'href="/portal/2025/1/3401"' in html
    assert "Rett tallene i skjemaet og send det inn på nytt." in html  # an error: correct and resubmit
    assert "forklar dem med en kommentar" in html  # a warning: correct, or explain with a comment
    assert "<code>5.1</code> rom_i_alt" in html
    assert "Lillehammer" not in html and "976990803" not in html


def test_json_twin_and_english(app_client: TestClient, seeded: int) -> None:
    login(app_client, "demo-3401")
    data = app_client.get("/portal/2025/3401/controls.json").json()
    assert data["hits"] == 2 and data["checked_at"] is not None
    assert [(g["form_id"], g["unit_code"]) for g in data["groups"]] == [("5", "974600951"), ("1", "3401")]
    todo = {g["form_id"]: g["hits"][0]["todo"] for g in data["groups"]}
    assert todo == {"5": "correct", "1": "correct_or_explain"}
    assert "score" not in data["groups"][0]["hits"][0]
    english = app_client.get("/portal/2025/3401/controls?lang=en").text
    assert "The rooms do not add up" in english and "Correct the figures in the form" in english


def test_another_municipality_is_refused_and_learns_nothing(app_client: TestClient, seeded: int) -> None:
    login(app_client, "demo-3405")
    for path in ("/portal/2025/3401/controls", "/portal/2025/3401/controls.json",
                 "/portal/2025/974600951/controls", "/portal/2025/3401/controls/summary",
                 "/portal/2025/9999/controls"):
        answer = app_client.get(path)
        assert answer.status_code == 403, path
        assert "Rommene" not in answer.text and "Kongsvinger" not in answer.text and "1060" not in answer.text


def test_forms_list_links_to_the_report_with_a_count(app_client: TestClient, seeded: int) -> None:
    login(app_client, "demo-3401")
    forms = app_client.get("/portal/2025/3401").text
    assert 'href="/portal/2025/3401/controls"' in forms
    assert 'hx-get="/portal/2025/3401/controls/summary"' in forms
    summary = app_client.get("/portal/2025/3401/controls/summary", headers={"HX-Request": "true"})
    assert summary.status_code == 200 and "<html" not in summary.text
    assert 'data-hits="2"' in summary.text and "2 treff" in summary.text


def test_report_before_any_run_and_without_hits(app_client: TestClient) -> None:
    login(app_client, "demo-3405")
    page = app_client.get("/portal/2025/3405/controls")
    assert page.status_code == 200 and "SSB har ikke kjørt kontroller" in page.text
    with Session(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        add_run(session, [R("skjema5.rom_sum", "5", "976990803", outcome="pass")])
    page = app_client.get("/portal/2025/3405/controls")
    assert 'id="report-none"' in page.text
    assert app_client.get("/portal/2025/3405/controls.json").json()["hits"] == 0


def test_the_office_may_read_a_municipality_report(app_client: TestClient, seeded: int) -> None:
    login(app_client, "statistiker")
    assert app_client.get("/portal/2025/3405/controls.json").json()["hits"] == 1


def test_issue_9_hits_on_a_resubmitted_version_are_listed_as_superseded(app_client: TestClient) -> None:
    from tests.factories import form5_values

    from kostra.access import Principal, Role
    from kostra.controls.runs import run_controls
    from kostra.reporting import submissions

    reporter, form5 = Principal("demo-3401", Role.REPORTER, "3401"), {"year": 2025, "form_id": "5",
                                                                     "unit_code": "974600951"}

    def submit(session: Session, **overrides: object) -> None:
        submissions.save_draft(session, reporter, values=form5_values(**overrides), confirm=["*"], replace=True,
                               **form5)
        submissions.submit(session, reporter, confirm_warnings=True, **form5)
        session.commit()

    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        submit(session, rom_i_alt="61", rom_for_flere="5")  # 56 + 2 × 5 = 66 > 64 places: a WARNING
        run_controls(session, 2025, actor="statistiker")
        session.commit()
        submit(session)  # corrected; the unit's rules run again at once
    login(app_client, "demo-3401")
    data = app_client.get("/portal/2025/3401/controls.json").json()
    assert "s5_plasser_ge_rom" not in [h["rule"] for g in data["groups"] for h in g["hits"]]
    assert ("s5_plasser_ge_rom", 1) in [(h["rule"], h["version"]) for g in data["superseded"] for h in g["hits"]]
    html = app_client.get("/portal/2025/3401/controls").text
    assert 'id="report-superseded"' in html and "Treff på eldre versjoner" in html
