"""The office's control pages: access, the dashboard's tables and charts, one rule, one unit, the run button."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import TEST_BASE_URL, R, add_run, fld, form5_values, login

from kostra.store.models import AuditEvent, ControlRun, Region

NBSP = "\u00a0"
SUMMARY = [
    {"rule": "skjema5.plasser_sum", "kind": "rule", "form": "5", "severity": "ERROR",
     "label_nb": "Plassene summerer seg", "label_en": "Places add up", "items": 2480, "passes": 1240, "fails": 1240,
     "not_applicable": 0, "errors": 0},
    {"rule": "hb.skjema5.plasser", "kind": "hb", "form": "5", "severity": "WARNING",
     "label_nb": "Uvanlig endring i plasser", "label_en": "Unusual change in places", "items": 2480, "passes": 2479,
     "fails": 1, "not_applicable": 0, "errors": 0},
]


def _session(client: TestClient) -> Session:
    return Session(client.app.state.engine)  # type: ignore[attr-defined]


@pytest.fixture
def run_id(app_client: TestClient) -> Iterator[int]:
    """A finished run with hits on form 5 (both institutions) and form 1 (3401, an Oslo district)."""
    plasser = [fld("5", "6.1", "plasser_i_alt")]
    with _session(app_client) as session:
        session.add(Region(year=2025, code="34", name="Innlandet", level="fylke"))
        session.commit()
        yield add_run(session, [
            R("skjema5.plasser_sum", "5", "974600951", severity="ERROR", fields=plasser,
              values={"skjema5.plasser_i_alt": 1234567, "skjema5.plasser_langtid": 12.5},
              message="Plasser i alt er ikke summen av plassene"),
            R("hb.skjema5.plasser", "5", "976990803", score=0.0321, fields=plasser,
              values={"skjema5.plasser_i_alt": 640}),
            R("skjema5.plasser_sum", "5", "976990803", severity="ERROR", fields=plasser),
            R("skjema1.arsverk", "1", "3401"),
            R("skjema1.arsverk", "1", "030102", severity="INFO"),
        ], summary=SUMMARY)


def test_reporters_and_strangers_are_refused(app_client: TestClient, run_id: int) -> None:
    assert app_client.get("/office/2025/controls.json").status_code == 401  # not logged in
    login(app_client, "demo-3401")
    for path in ("/office/2025/controls", "/office/2025/controls.json", "/office/2025/controls/units/3401",
                 "/office/2025/controls/rules/skjema5.plasser_sum"):
        answer = app_client.get(path)
        assert answer.status_code == 403, path
        assert "Kongsvinger sykehjem" not in answer.text


def test_dashboard_shows_the_run_rules_charts_and_ranking(app_client: TestClient, run_id: int) -> None:
    login(app_client, "statistiker")
    page = app_client.get("/office/2025/controls")
    assert page.status_code == 200
    html = page.text
    assert f">{run_id}<" in html or f"{run_id}</h2>" in html
    # Norwegian number formatting of the summary's counts (1240 → "1 240" with a no-break space)
    assert f"1{NBSP}240" in html and f"2{NBSP}480" in html
    assert "Plassene summerer seg" in html and "Places add up" not in html
    assert html.count('<svg class="chart chart-hbar"') == 2
    assert "34 Innlandet" in html  # county named from the year's regions
    ranked = re.search(r'<table class="data" id="ranked">(.*?)</table>', html, re.S)
    assert ranked is not None
    links = re.findall(r'href="/office/2025/controls/units/(\w+)"', ranked[1])
    assert links[0] == "976990803"  # the only unit with a selective-editing score ranks first
    assert "3,21" in ranked[1]  # score 0.0321 shown as 3,21 % of the total
    english = app_client.get("/office/2025/controls?lang=en").text
    assert "Places add up" in english and "Hits per county" in english


def test_dashboard_json_twin_and_filters(app_client: TestClient, run_id: int) -> None:
    login(app_client, "statistiker")
    data = app_client.get("/office/2025/controls.json").json()
    assert data["run"]["id"] == run_id and "charts" not in data
    assert {r["key"]: r["hits"] for r in data["per_form"]} == {"5": 3, "1": 2}
    assert {r["key"]: r["hits"] for r in data["per_county"]} == {"34": 4, "03": 1}
    assert data["rules"][0]["hit_rate"] == 0.5
    filtered = app_client.get("/office/2025/controls.json?form=1&severity=WARNING").json()
    assert filtered["form"] == "1" and filtered["severity"] == "WARNING"
    assert [(r["key"], r["hits"]) for r in filtered["per_form"]] == [("1", 1)]
    assert [u["unit_code"] for u in filtered["ranked"]] == ["3401"]
    assert app_client.get("/office/2025/controls.json?severity=BOGUS").json()["severity"] is None


def test_dashboard_without_runs_invites_a_run(app_client: TestClient) -> None:
    login(app_client, "admin")
    page = app_client.get("/office/2025/controls")
    assert page.status_code == 200 and 'id="no-run"' in page.text and 'id="run-button"' in page.text
    assert app_client.get("/office/2025/controls.json").json()["run"] is None


def test_rule_page_lists_failing_units_with_values(app_client: TestClient, run_id: int) -> None:
    login(app_client, "statistiker")
    page = app_client.get(f"/office/2025/controls/rules/skjema5.plasser_sum?run={run_id}")
    assert page.status_code == 200
    assert "Kongsvinger sykehjem" in page.text and "Lillehammer helsehus" in page.text
    assert f"1{NBSP}234{NBSP}567" in page.text and "12,5" in page.text
    assert "Plasser i alt er ikke summen av plassene" in page.text
    data = app_client.get("/office/2025/controls/rules/skjema5.plasser_sum.json").json()
    assert sorted(h["unit_code"] for h in data["hits"]) == ["974600951", "976990803"]
    assert data["rule"]["label_en"] == "Places add up"
    assert app_client.get("/office/2025/controls/rules/no.such.rule").status_code == 404


def test_unit_page_groups_hits_by_form_and_links_to_follow_up(app_client: TestClient, run_id: int) -> None:
    login(app_client, "statistiker")
    page = app_client.get("/office/2025/controls/units/976990803")
    assert page.status_code == 200
    assert 'href="/office/2025/units/976990803"' in page.text
    assert 'id="form-5"' in page.text and "<code>6.1</code> plasser_i_alt" in page.text
    data = app_client.get("/office/2025/controls/units/976990803.json").json()
    assert [g["form_id"] for g in data["forms"]] == ["5"]
    assert data["hits"] == 2 and data["score"] == pytest.approx(0.0321) and data["county"] == "34"
    quiet = app_client.get("/office/2025/controls/units/3405").text
    assert 'id="no-hits"' in quiet
    assert app_client.get("/office/2025/controls/units/0000").status_code == 404


def test_run_button_needs_csrf(app_client: TestClient) -> None:
    token = login(app_client, "statistiker")
    refused = app_client.post("/office/2025/controls/run", data={"form": ""})
    assert refused.status_code == 403
    forged = app_client.post("/office/2025/controls/run", data={"form": "", "csrf_token": "x" + token})
    assert forged.status_code == 403
    with _session(app_client) as session:
        assert session.scalar(select(func.count()).select_from(ControlRun)) == 0


def test_run_button_reports_its_outcome_on_the_dashboard(app_client: TestClient) -> None:
    token = login(app_client, "statistiker")
    pressed = app_client.post("/office/2025/controls/run", data={"form": "", "csrf_token": token},
                              follow_redirects=False)
    assert pressed.status_code == 303 and pressed.headers["location"] == f"{TEST_BASE_URL}/office/2025/controls"
    page = app_client.get("/office/2025/controls")
    assert 'id="run-message"' in page.text  # done, or a clear line saying why not
    assert 'id="run-message"' not in app_client.get("/office/2025/controls").text  # shown once


def test_pressing_the_button_runs_the_controls_over_submitted_forms(app_client: TestClient) -> None:
    """End to end: a municipality submits form 5 with a warning, the office runs the controls, both see the hit."""
    token = login(app_client, "demo-3401")
    # 56 single rooms + 5 shared rooms hold at least 66 places; 64 is a warning (s5_plasser_ge_rom), confirmed
    values = form5_values(rom_for_flere="5", rom_i_alt="61")
    submitted = app_client.post("/portal/2025/5/974600951/submit",
                                data={**values, "csrf_token": token, "confirm_warnings": "yes"})
    assert submitted.status_code == 200 and "K2025-5-974600951-1-" in submitted.text
    app_client.post("/logout", data={"csrf_token": token})

    token = login(app_client, "statistiker")
    pressed = app_client.post("/office/2025/controls/run", data={"form": "", "csrf_token": token})
    assert pressed.status_code == 200 and 'id="run-message" class="box-ok"' in pressed.text
    data = app_client.get("/office/2025/controls.json").json()
    assert data["run"]["started_by"] == "statistiker" and data["run"]["hits"] >= 1
    rule = next(r for r in data["rules"] if r["rule"] == "s5_plasser_ge_rom")
    assert rule["fails"] == 1 and rule["label_nb"] == "Færre plasser enn rommene gir plass til"
    assert "974600951" in [u["unit_code"] for u in data["ranked"]]
    unit = app_client.get("/office/2025/controls/units/974600951.json").json()
    hit = next(h for g in unit["forms"] for h in g["hits"] if h["rule"] == "s5_plasser_ge_rom")
    assert hit["values"]["skjema5.plasser_i_alt"] == 64 and hit["severity"] == "WARNING"
    assert {f["name"] for f in hit["fields"]} >= {"plasser_i_alt", "enerom", "rom_for_flere"}
    one_form = app_client.post("/office/2025/controls/run", data={"form": "5", "csrf_token": token},
                               follow_redirects=False)
    assert one_form.headers["location"] == f"{TEST_BASE_URL}/office/2025/controls?form=5"
    assert app_client.get("/office/2025/controls.json?form=5").json()["run"]["form_id"] == "5"
    with _session(app_client) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "controls.run")).all()
        assert [e.actor for e in events] == ["statistiker", "statistiker"]


def test_issue_9_the_dashboard_says_why_last_year_was_not_compared(app_client: TestClient) -> None:
    note = {"nb": "Ingen data for 2024 (ingen innsendte skjemaer for 2024): prev() er ikke aktuelt.",
            "en": "No data for 2024 (no submitted forms for 2024): prev() is not applicable."}
    with _session(app_client) as session:
        add_run(session, [R("skjema1.arsverk", "1", "3401")], summary=[*SUMMARY, {"note": note}])
    login(app_client, "statistiker")
    html = app_client.get("/office/2025/controls").text
    assert 'class="notice run-note">Ingen data for 2024 (ingen innsendte skjemaer for 2024)' in html
    assert app_client.get("/office/2025/controls.json").json()["run"]["notes"] == [note]
