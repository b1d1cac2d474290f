"""Helpers for the browser tests: Debian's Chromium under Playwright, pages that record JavaScript errors.

The ``browser`` and ``errors`` fixtures are in ``tests/web/conftest.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.factories import PASSWORD

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
TIMEOUT_MS = 20_000  # two shared cores: be patient, but not forever


def absent(reason: str) -> None:
    """Skip locally, but never in CI: there a missing browser is a broken build."""
    if IN_CI:
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        absent("Chromium not found (apt-get install chromium); `playwright install` is not used")
    return str(found)


@dataclass
class BrowserErrors:
    """Console errors and uncaught page errors, with the ones a test expects (e.g. a 403) allowed."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self._console(m.type, m.text, m.location.get("url", "")))
        page.on("pageerror", lambda e: self.seen.append(f"page error: {e}"))

    def _console(self, kind: str, text: str, url: str) -> None:
        if kind != "error":
            return
        entry = f"console {kind}: {text} ({url})"
        if not any(p.search(entry) for p in self.allowed):
            self.seen.append(entry)


def new_page(browser: Any, base_url: str, errors: BrowserErrors) -> Any:
    context = browser.new_context(base_url=base_url, locale="nb-NO")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors.watch(page)
    return page


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
