"""Issue 10, point 5, in a real browser: the Content-Security-Policy holds and nothing it allows breaks.

Chromium reports every CSP violation as a console error, which fails these tests (as it fails the
other browser tests): the API docs (Swagger UI from our own files), the portal with htmx, and the
file control report with its one inline style all run without one. An inline script injected into
a page does not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.browser import BrowserErrors, log_in, new_page
from tests.web.live_server import live_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("security-home")) as url:
        yield url


def test_api_docs_render_from_our_own_files_under_the_policy(browser: Any, base_url: str,
                                                              errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/token")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/forms").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert requested and all(url.startswith(base_url) or url.startswith("data:") for url in requested), requested
    assert errors.seen == []


def test_an_injected_inline_script_does_not_run(browser: Any, base_url: str) -> None:
    errors = BrowserErrors(allowed=[re.compile("Content Security Policy")])
    page = new_page(browser, base_url, errors)
    page.goto("/login")
    ran = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve('blocked: ' + e.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.appendChild(script);
        setTimeout(() => resolve(window.__injected === true ? 'ran' : 'silent'), 2000);
    })""")
    assert ran.startswith("blocked: script-src"), ran
    assert errors.seen == []


def test_portal_feedback_and_the_file_report_work_under_the_policy(browser: Any, base_url: str,
                                                                   errors: BrowserErrors, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from kostra.demo.generate_sosial import generate

    page = new_page(browser, base_url, errors)
    log_in(page, "demo-3401")
    page.goto("/portal/2025/5/974600951")
    page.fill("[name='rom_i_alt']", "sekstito")
    page.locator("[name='rom_i_alt']").blur()  # htmx saves and swaps the field messages in
    expect(page.locator("#msg-rom_i_alt")).to_contain_text("sekstito")
    upload = tmp_path / "sosialhjelp.dat"
    upload.write_bytes(generate("11F", 2025, "340100", 20, seed=3))
    page.goto("/portal/2025/11/3401")
    page.set_input_files("#file", str(upload))
    with page.expect_navigation():
        page.click("#upload")
    page.goto("/portal/2025/11/3401/attachment")
    expect(page.locator("h1")).to_contain_text("Kontrollrapport")
    # The report's own inline <style> applies (body margin 2rem): allowed by its hash, not by 'unsafe-inline'.
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "32px"
    assert errors.seen == []
