"""Issue 10, point 5: every answer carries the security headers; personal pages are never cached.

The Content-Security-Policy is read back as directives and checked against what it must say (no
inline script, no framing, nothing from other sites); every page route is walked as a logged-in user.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.factories import login
from tests.web.routes import api_routes, filled

TEMPLATES = Path(__file__).parents[2] / "src" / "kostra" / "web" / "templates"
# sha256 of the files in the official npm package swagger-ui-dist 5.31.0 (`npm pack swagger-ui-dist@5.31.0`).
SWAGGER_UI_DIST_5_31_0 = {
    "swagger-ui-bundle.js": "93b7b0862a80e2786f85b560be7693c2344354ffa7e7e224f850a54349724c31",
    "swagger-ui.css": "9e576f8322132c76949da47f9bb53c891373c303ea3a761ff548ffc9de50a98c",
}


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _assert_security_headers(answer: object, path: str) -> None:
    headers = answer.headers  # type: ignore[attr-defined]
    policy = _directives(headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"], path
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], path
    assert all("unsafe" not in source for sources in policy.values() for source in sources), path
    assert all(not source.startswith(("http:", "https:")) for sources in policy.values() for source in sources)
    assert headers["x-content-type-options"] == "nosniff", path
    assert headers["x-frame-options"] == "DENY", path
    assert headers["referrer-policy"] == "same-origin", path


@pytest.mark.parametrize("username", ["demo-3401", "statistiker", "admin"])
def test_every_page_and_json_twin_is_no_store_with_the_headers(app_client: TestClient, username: str) -> None:
    login(app_client, username)
    for route in api_routes(app_client.app):  # type: ignore[arg-type]
        if "GET" not in route.methods or route.path.startswith("/static/"):
            continue
        path = filled(route.path)
        answer = app_client.get(path + ("?year=2025" if path == "/api/v1/forms" else ""), follow_redirects=False)
        assert answer.status_code < 500, (path, answer.status_code)
        _assert_security_headers(answer, path)
        assert answer.headers["cache-control"] == "no-store", (path, answer.status_code)


def test_api_answers_and_errors_carry_the_headers(app_client: TestClient) -> None:
    for answer in (app_client.get("/api/v1/forms?year=2025"), app_client.get("/no/such/page"),
                   app_client.post("/api/v1/token", data={"username": "demo-3401", "password": "wrong"})):
        _assert_security_headers(answer, str(answer.url))
        assert answer.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(app_client: TestClient) -> None:
    answer = app_client.get("/static/kostra.css")
    assert answer.status_code == 200 and "no-store" not in answer.headers.get("cache-control", "")
    _assert_security_headers(answer, "/static/kostra.css")


def test_templates_have_no_inline_script_or_event_handler() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            # A JSON data block (the profile's chart specs) is never executed, so the CSP does not govern it.
            data_block = 'type="application/json"' in tag and "src=" not in tag
            assert "src=" in tag or data_block, f"{template.name}: inline script {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name}: inline event handler"
        assert "javascript:" not in text and "hx-on" not in text, template.name


def test_the_report_style_is_allowed_by_its_hash_only(app_client: TestClient) -> None:
    import base64

    report = (Path(__file__).parents[2] / "src/kostra/controls/filecheck/templates/report.html").read_text("utf-8")
    style = report.split("<style>", 1)[1].split("</style>", 1)[0]
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    policy = _directives(app_client.get("/").headers["content-security-policy"])
    assert policy["style-src"] == ["'self'", expected]


def test_docs_page_loads_swagger_ui_from_this_site(app_client: TestClient) -> None:
    page = app_client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") or s.startswith("data:") for s in sources), sources
    assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", page.text), "inline script on /docs"
    for name, digest in SWAGGER_UI_DIST_5_31_0.items():
        asset = app_client.get(f"/static/swagger-ui/{name}")
        assert asset.status_code == 200 and hashlib.sha256(asset.content).hexdigest() == digest, name
    assert app_client.get("/static/api-docs.js").status_code == 200
    assert app_client.get("/openapi.json").json()["info"]["title"] == "KOSTRA"


def test_only_the_two_swagger_ui_files_are_served(app_client: TestClient) -> None:
    assert app_client.get("/static/swagger-ui/index.html").status_code == 404  # a demo page of the package
    assert app_client.get("/static/swagger-ui/swagger-initializer.js").status_code == 404
    css = app_client.get("/static/swagger-ui/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css") and "no-store" not in css.headers.get("cache-control", "")
