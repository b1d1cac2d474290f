"""The reporting portal in a real browser: Playwright driving Debian's Chromium against a live server.

A municipality logs in, fills form 5 for its nursing home with one wrong answer, sees the message at
the field, corrects it, submits and gets a receipt; another municipality is refused the same page.
Any JavaScript error or console error fails the test: the pages must work without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.factories import form5_values
from tests.web.browser import BrowserErrors, log_in, new_page
from tests.web.live_server import live_server

pytestmark = pytest.mark.browser

FORM_URL = "/portal/2025/5/974600951"
INSTITUTION = "Kongsvinger sykehjem"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("portal-home")) as url:
        yield url


def _fill(page: Any, name: str, value: object) -> None:
    """Answer one field the way a person does: type, tick or choose, then leave the field."""
    if isinstance(value, list):
        for code in value:
            page.check(f"input[type=checkbox][name='{name}'][value='{code}']")
        return
    radio = page.locator(f"input[type=radio][name='{name}'][value='{value}']")
    if radio.count():
        radio.check()
        return
    target = page.locator(f"[name='{name}']")
    if target.evaluate("e => e.tagName") == "SELECT":
        target.select_option(str(value))
        return
    target.fill(str(value))
    target.blur()  # the change event fires when the field is left; htmx saves on it


def _fill_form5(page: Any, **overrides: object) -> None:
    for name, value in form5_values(**overrides).items():
        _fill(page, name, value)


def test_municipality_fills_corrects_and_submits_form_5(browser: Any, base_url: str, errors: BrowserErrors,
                                                         tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    log_in(page, "demo-3401")
    expect(page).to_have_url(re.compile(r"/portal/2025/3401$"))
    with page.expect_navigation():
        page.click(f"#forms a[href='{FORM_URL}']")
    expect(page.locator("h1")).to_contain_text("Helse- og omsorgsinstitusjon")

    _fill_form5(page, rom_i_alt="sekstito")
    message = page.locator("#field-rom_i_alt .field-msg")  # at the field, not only in the summary
    expect(message).to_contain_text("sekstito")
    expect(page.locator("#feedback .box-error")).to_be_visible()
    page.screenshot(path=str(tmp_path / "form5-with-error.png"), full_page=True)

    _fill(page, "rom_i_alt", "60")
    expect(message).to_have_text("")
    expect(page.locator("#feedback .box-error")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "form5-filled.png"), full_page=True)
    assert (tmp_path / "form5-filled.png").stat().st_size > 1000

    page.click("#submit")
    receipt_id = page.locator("#receipt-id")
    expect(receipt_id).to_have_text(re.compile(r"^\s*K2025-5-\S+\s*$"))
    expect(page.locator("#receipt code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#receipt")).to_contain_text(INSTITUTION)

    page.goto("/portal")
    row = page.locator("#forms tr", has=page.locator(f"a[href='{FORM_URL}']"))
    expect(row.locator(".status")).to_have_class(re.compile(r"\bstatus-submitted\b"))
    expect(row).to_contain_text("Sendt inn")
    assert errors.seen == []


def test_english_pages_and_messages(browser: Any, base_url: str, errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, base_url, errors)
    log_in(page, "demo-3401")
    page.goto(f"{FORM_URL}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Health and care institution")
    expect(page.locator("#submit")).to_have_text("Submit")
    # The htmx save carries no ?lang: the language cookie set above must keep the messages English.
    _fill(page, "rom_i_alt", "sekstito")
    expect(page.locator("#field-rom_i_alt .field-msg")).to_contain_text("is not a number")
    assert errors.seen == []


def test_another_municipality_is_refused_and_sees_nothing(browser: Any, base_url: str,
                                                          errors: BrowserErrors) -> None:
    from playwright.sync_api import expect

    # The refusal itself is logged by Chromium as a failed resource: that one is expected.
    errors.allowed.append(re.compile(r"status of 403 .*" + re.escape(FORM_URL)))
    page = new_page(browser, base_url, errors)
    log_in(page, "demo-3405")
    expect(page).to_have_url(re.compile(r"/portal/2025/3405$"))
    expect(page.locator(f"#forms a[href='{FORM_URL}']")).to_have_count(0)
    response = page.goto(FORM_URL)
    assert response is not None and response.status == 403
    content = page.content()
    assert INSTITUTION not in content
    assert page.locator("#form-main, input[name='rom_i_alt']").count() == 0
    assert errors.seen == []


def test_form_page_ids_are_unique(browser: Any, base_url: str, errors: BrowserErrors) -> None:
    page = new_page(browser, base_url, errors)
    log_in(page, "demo-3401")
    page.goto(FORM_URL)
    duplicated = page.evaluate(
        "() => { const seen = {}; document.querySelectorAll('[id]').forEach(e => seen[e.id] = (seen[e.id] || 0) + 1);"
        " return Object.keys(seen).filter(k => seen[k] > 1); }"
    )
    assert duplicated == [], f"ids used more than once (aria-describedby points at the wrong one): {duplicated}"
