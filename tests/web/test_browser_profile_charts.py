"""The profile's Vega-Lite charts in a real browser (Playwright driving Debian's Chromium), under the CSP.

With JavaScript, Vega (through its expression interpreter, no ``eval``) draws each chart as SVG into its
container, one line per region, with Norwegian numbers on the axis, and the server's SVG is hidden; no
console error and no CSP violation. Without JavaScript the server's SVG charts remain, with their names.
Expected values: the hand-written table KS001 (``tests/web/statbank_tables.py``); then the same over the
small demo year's real release (as ``kostra demo`` builds it), every key figure of Kongsvinger's profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from tests.web.browser import TIMEOUT_MS, BrowserErrors, new_page
from tests.web.live_server import live_server
from tests.web.statbank_tables import statbank_source

from kostra.demo.builder import DemoOptions, build_demo
from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.web.statbank_releases import ReleaseSource

pytestmark = pytest.mark.browser

# Runs before any page script (injected by the browser's debugging protocol, which the CSP does not govern).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
NAME = "Andel barn 1–5 år med barnehageplass, over år. Linjediagram. Tallene står i tabellen under."


def _publish(app: FastAPI) -> None:
    app.state.statbank = statbank_source()


DEMO = DemoOptions(year=2025, seed=2025, limit_units=4, always_units=("0301", "3401", "030102"), release=True)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app serving the demo's published release (built in its own home and database)."""
    home = tmp_path_factory.mktemp("profile-charts-demo")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    build_demo(settings, DEMO)
    engine = create_engine_for(settings.effective_database_url)

    def publish(app: FastAPI) -> None:
        app.state.statbank = ReleaseSource(lambda: Session(engine), home)

    try:
        with live_server(tmp_path_factory.mktemp("profile-charts-demo-server"), prepare=publish) as url:
            yield url
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("profile-charts-browser"), prepare=_publish) as url:
        yield url


def test_vega_lite_charts_replace_the_server_svg(browser: Any, base_url: str, errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/profile/2025/3401")
    charts = page.locator(".chart-vega")
    expect(charts).to_have_count(2)
    expect(page.locator(".chart-vega[data-rendered=true]")).to_have_count(2)
    first = charts.first
    expect(first).to_be_visible()
    expect(first).to_have_attribute("aria-label", NAME)  # the spec's description
    expect(first.locator("svg.marks")).to_have_count(1)  # drawn by Vega's SVG renderer
    # One line per region (Kongsvinger, its KOSTRA group, Innlandet, the country), points on them.
    expect(first.locator("g.mark-line path")).to_have_count(4)
    assert first.locator("g.mark-symbol.role-mark path").count() == 15  # 16 region-years, Kongsvinger 2025 suppressed
    labels = first.locator("g.role-axis-label text").all_text_contents()
    assert "2022" in labels and "100" in labels  # the axis without trailing zeros
    second_labels = charts.nth(1).locator("g.role-axis-label text").all_text_contents()
    assert "80\u00a0000" in second_labels  # the d3 Norwegian locale: a no-break space between thousands
    # The tooltip is Vega's default: the browser's own, from a title attribute (no inline style to refuse).
    points = first.locator("g.mark-symbol.role-mark path")
    expect(points.first).to_have_attribute("aria-label", "År: 2022; prosent / kroner: 91,5; Region: Kongsvinger")
    points.last.hover()  # the one drawn on top: the country's 2025
    expect(first).to_have_attribute("title", re.compile(r"Landet.*2025.*93,5", re.S))
    expect(page.locator("#chart-fallback-1")).to_be_hidden()
    expect(page.locator("#chart-fallback-2")).to_be_hidden()
    expect(page.locator("table.data").first).to_be_visible()  # the numbers stay in the table
    assert page.evaluate("window.__cspViolations") == []
    assert errors.seen == []


def test_english_labels(browser: Any, base_url: str, errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    page.goto("/profile/2025/3401?lang=en")
    expect(page.locator(".chart-vega[data-rendered=true]")).to_have_count(2)
    texts = page.locator(".chart-vega").first.locator("g.role-title text, g.role-axis-title text")
    assert set(texts.all_text_contents()) == {"Share of children 1–5 in kindergarten", "Year", "per cent / NOK"}
    assert errors.seen == []


def test_without_javascript_the_server_svg_remains(browser: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=base_url, locale="nb-NO", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/profile/2025/3401")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_accessible_name(NAME)
    expect(page.locator("#chart-fallback-1 svg.chart-line")).to_be_visible()
    expect(page.locator("#chart-fallback-1 svg polyline")).to_have_count(4)
    expect(page.locator(".chart-vega").first).to_be_hidden()
    expect(page.locator(".chart-vega svg")).to_have_count(0)
    context.close()


def test_the_demo_release_profile(browser: Any, demo_url: str, errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, demo_url, errors)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/profile/2025/3401")
    expect(page.locator("h1")).to_contain_text("Kongsvinger (3401), 2025")
    figures = page.locator("section.figure").count()
    assert figures >= 2  # the demo publishes several key figures for Kongsvinger
    expect(page.locator(".chart-vega[data-rendered=true]")).to_have_count(figures)
    expect(page.locator(".chart-fallback:visible")).to_have_count(0)
    for index in range(figures):  # a point for every number in the table, none for a symbol (.. . : -)
        section = page.locator("section.figure").nth(index)
        cells = section.locator("table.data tbody td").all_text_contents()
        numbers = sum(1 for cell in cells if cell not in ("..", ".", ":", "-"))
        expect(section.locator(".chart-vega g.mark-symbol.role-mark path")).to_have_count(numbers)
    assert page.evaluate("window.__cspViolations") == []
    assert errors.seen == []
