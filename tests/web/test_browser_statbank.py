"""The statbank and a municipality profile in a real browser (Playwright driving Debian's Chromium).

A visitor, not logged in, opens table KS001, chooses two regions, one key figure and two years with the
keyboard, shows the table, sees the suppressed cell as ``:``, and downloads the CSV; then opens
Kongsvinger's profile and finds its (Vega-Lite) charts with their text alternatives. Any console error (a CSP
refusal included) fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from tests.web.browser import BrowserErrors, new_page
from tests.web.live_server import live_server
from tests.web.statbank_tables import statbank_source

pytestmark = pytest.mark.browser


def _publish(app: FastAPI) -> None:
    app.state.statbank = statbank_source()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("statbank-browser"), prepare=_publish) as url:
        yield url


def test_choose_view_and_download(browser: Any, base_url: str, errors: BrowserErrors, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    page.goto("/statbank")
    with page.expect_navigation():
        page.click("#tables a[href='/statbank/KS001']")
    expect(page.locator("h1")).to_contain_text("KS001")
    page.get_by_label("Region").select_option(["3401", "EAK"])
    page.get_by_label("Statistikkvariabel").select_option(["BHG"])
    page.get_by_label("År").select_option(["2024", "2025"])
    page.focus("#show")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.locator("#result")
    expect(result.locator("tbody tr")).to_have_count(2)
    expect(result.locator("tbody tr").first.locator("td")).to_have_text(["92,4", ":"])
    expect(result.locator("thead th")).to_have_text(["Region", "Statistikkvariabel", "År: 2024", "År: 2025"])
    page.screenshot(path=str(tmp_path / "statbank.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#downloads a:text-is('CSV')")
    saved = tmp_path / "KS001.csv"
    download_info.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Region,Region_label,ContentsCode,ContentsCode_label,Tid,Tid_label,value,symbol,status"
    assert lines[2] == "3401,Kongsvinger,BHG,Andel barn 1–5 år med barnehageplass,2025,2025,,:,preliminary"
    assert errors.seen == []


def test_municipality_profile(browser: Any, base_url: str, errors: BrowserErrors, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    page.goto("/profile/2025/3401")
    expect(page.locator("h1")).to_contain_text("Kongsvinger (3401), 2025")
    expect(page.locator("#release")).to_contain_text("Foreløpige tall")
    # Vega-Lite draws the charts (test_browser_profile_charts.py; without JavaScript: the server's SVG).
    charts = page.locator(".chart-vega[data-rendered=true]")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_accessible_name("Andel barn 1–5 år med barnehageplass, over år. "
                                                 "Linjediagram. Tallene står i tabellen under.")
    table = page.get_by_role("table").first
    expect(table.get_by_role("rowheader")).to_have_text(["Kongsvinger", "KOSTRA-gruppe 7", "Innlandet", "Landet"])
    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    with page.expect_navigation():
        page.click("a.lang")
    expect(page.locator("h1")).to_contain_text("Key figures for Kongsvinger")
    assert errors.seen == []
