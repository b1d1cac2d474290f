"""The office's control dashboard in a real browser: a statistician runs the controls and reads the charts.

Playwright drives Debian's Chromium against a live server (``tests/web/live_server.py``). The run
stored beforehand stands in for earlier runs; pressing the button runs the controls for real. Any
JavaScript error or console error fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.factories import R, add_run, fld
from tests.web.browser import BrowserErrors, log_in, new_page
from tests.web.live_server import live_server

from kostra.store import create_engine_for

pytestmark = pytest.mark.browser

DASHBOARD = "/office/2025/controls"
SUMMARY = [{"rule": "skjema5.plasser_sum", "kind": "rule", "form": "5", "severity": "ERROR",
            "label_nb": "Plassene summerer seg", "label_en": "Places add up", "items": 3, "passes": 1, "fails": 2,
            "not_applicable": 0, "errors": 0}]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("office-controls")
    with live_server(home) as url:
        engine = create_engine_for(f"sqlite:///{home / 'kostra.sqlite3'}")
        with Session(engine) as session:
            plasser = [fld("5", "6.1", "plasser_i_alt")]
            add_run(session, [
                R("skjema5.plasser_sum", "5", "974600951", severity="ERROR", fields=plasser, score=0.012,
                  values={"skjema5.plasser_i_alt": 6400}),
                R("skjema5.plasser_sum", "5", "976990803", severity="ERROR", fields=plasser, score=0.004),
                R("skjema1.arsverk", "1", "3401"),
            ], summary=SUMMARY)
        engine.dispose()
        yield url


def test_statistician_runs_the_controls_and_reads_the_charts(browser: Any, base_url: str, errors: BrowserErrors,
                                                             tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    log_in(page, "statistiker")
    page.goto(DASHBOARD)
    expect(page.locator("h1")).to_contain_text("Kontroller 2025")
    expect(page.locator("svg.chart-hbar")).to_have_count(2)
    expect(page.locator("#chart-form svg a.chart-link")).to_have_count(2)  # forms 5 and 1
    expect(page.locator("#ranked tbody tr").first).to_contain_text("Kongsvinger sykehjem")
    expect(page.locator("#rules")).to_contain_text("Plassene summerer seg")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 1000

    with page.expect_navigation():
        page.click("#chart-form svg a.chart-link >> nth=0")  # a bar filters the dashboard to its form
    expect(page).to_have_url(re.compile(r"form=\w+"))
    expect(page.locator("svg.chart-hbar")).to_have_count(2)

    page.goto(f"{DASHBOARD}/units/974600951")
    expect(page.locator("#form-5")).to_contain_text("plasser_i_alt")
    expect(page.locator("#form-5")).to_contain_text("6\u00a0400")

    page.goto(DASHBOARD)
    with page.expect_navigation():
        page.click("#run-button")
    expect(page).to_have_url(re.compile(re.escape(DASHBOARD) + "$"))
    expect(page.locator("#run-message")).to_contain_text("Kontrollkjøring")

    assert errors.seen == []
