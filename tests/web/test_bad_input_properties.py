"""Issue 10, point 6, as properties: whatever the API's JSON bodies or the URLs' path parameters hold,
the app answers below 500 and its answer shows no traceback and no server path.

The routes are enumerated from the app itself, so a new route is covered without changing this test.
Requests come from a reporter (bearer token and page session, with the CSRF token) and from a
statistician, so the generated values reach the services, not only the login check.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, add_units_and_users, login
from tests.web.routes import PARAMETER, api_routes, filled

import kostra
from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app

pytestmark = pytest.mark.slow
EXAMPLES = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SOURCE = str(Path(kostra.__file__).resolve().parents[1])
FORM5 = "/api/v1/submissions/2025/5/974600951"


class Callers:
    """One app, a reporter and a statistician logged in, with their tokens."""

    def __init__(self, home: Path) -> None:
        url = f"sqlite:///{home / 'k.sqlite3'}"
        upgrade(url)
        engine = create_engine_for(url)
        with Session(engine) as session:
            add_units_and_users(session)
        engine.dispose()
        self.home = home
        app = create_app(Settings(home=home, database_url=url))
        self.reporter = TestClient(app, raise_server_exceptions=False)
        self.statistician = TestClient(app, raise_server_exceptions=False)
        self.reporter.__enter__()
        self.csrf = {"reporter": login(self.reporter, "demo-3401"),
                     "statistician": login(self.statistician, "statistiker")}
        self.bearer = {}
        for name, client in (("reporter", self.reporter), ("statistician", self.statistician)):
            token = client.post("/api/v1/token", data={"username": "demo-3401" if name == "reporter" else
                                                       "statistiker", "password": PASSWORD}).json()
            self.bearer[name] = {"Authorization": f"Bearer {token['access_token']}"}

    def close(self) -> None:
        self.reporter.__exit__(None, None, None)


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    found = Callers(tmp_path_factory.mktemp("properties"))
    yield found
    found.close()


def _assert_answered(answer: Any, home: Path, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    text = answer.text
    for marker in ("Traceback", 'File "', SOURCE, str(home), sys.prefix):
        assert marker not in text, f"{what}: answer shows {marker!r}: {text[:300]}"


# JSON values of every kind, with the numbers and texts that broke things: NaN, infinities, huge
# integers, exponents, non-ASCII digits, control and bidirectional characters, lone surrogates.
_texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["²", "١٢٣", "1_000", "9" * 5000, "NaN", "Infinity", "-0", "1e999", "\u202e12", "\ud800",
                     "0x10", " 12 ", "1 234,5", "12.5.6", "\x00", "\u2028"]),
)
# What a form field or a URL can carry: text that has a UTF-8 encoding (no lone surrogates).
_form_texts = _texts.filter(lambda text: not any("\ud800" <= c <= "\udfff" for c in text))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                     st.floats(allow_nan=True, allow_infinity=True), _texts)
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_texts, inner, max_size=4)), max_leaves=12)
_field_names = st.sampled_from(["rom_i_alt", "enerom", "institusjonsnavn", "orgnr", "tilbud", "naeringskode",
                                "plasser_i_alt", "3.2", "2.1", "no_such_field"])
_draft = st.fixed_dictionaries({"values": st.dictionaries(st.one_of(_field_names, _texts), _json, max_size=6)},
                               optional={"comments": st.one_of(st.dictionaries(_texts, _json, max_size=3), _json)})
_body = st.one_of(_draft, _json)


@EXAMPLES
@given(body=_body, lang=st.sampled_from(["nb", "en", "xx"]))
def test_any_json_draft_is_answered(callers: Callers, body: object, lang: str) -> None:
    raw = json.dumps(body)  # Python writes NaN and Infinity as JSON allows them in JavaScript
    answer = callers.reporter.put(f"{FORM5}?lang={lang}", content=raw,
                                  headers={**callers.bearer["reporter"], "content-type": "application/json"})
    _assert_answered(answer, callers.home, f"PUT {raw[:80]}")


@EXAMPLES
@given(body=_body, key=st.one_of(st.none(), _texts))
def test_any_submit_and_nil_body_is_answered(callers: Callers, body: object, key: str | None) -> None:
    headers = {**callers.bearer["reporter"], "content-type": "application/json"}
    if key is not None and key.isascii() and key.isprintable():
        headers["Idempotency-Key"] = key
    for path in (f"{FORM5}/submit", f"{FORM5}/nil"):
        answer = callers.reporter.post(path, content=json.dumps(body), headers=headers)
        _assert_answered(answer, callers.home, f"POST {path} {json.dumps(body)[:80]}")


@EXAMPLES
@given(raw=st.one_of(st.binary(max_size=60), st.sampled_from([b"NaN", b"{", b'{"values": 1e999}', b"[" * 5000,
                                                               b'{"values": {"rom_i_alt": ' + b"9" * 5000 + b"}}"])))
def test_any_raw_body_is_answered(callers: Callers, raw: bytes) -> None:
    answer = callers.reporter.put(FORM5, content=raw,
                                  headers={**callers.bearer["reporter"], "content-type": "application/json"})
    _assert_answered(answer, callers.home, f"PUT raw {raw[:60]!r}")


@EXAMPLES
@given(year=_form_texts, username=_form_texts, password=_form_texts)
def test_any_query_and_form_fields_are_answered(callers: Callers, year: str, username: str, password: str) -> None:
    answer = callers.reporter.get("/api/v1/forms", params={"year": year}, headers=callers.bearer["reporter"])
    _assert_answered(answer, callers.home, f"forms year={year[:40]!r}")
    answer = callers.reporter.post("/api/v1/token", data={"username": username, "password": password})
    _assert_answered(answer, callers.home, "token")
    answer = callers.reporter.post("/api/v1/check", data={"form": username, "year": year, "region": password},
                                   files={"file": ("a.dat", b"x")})
    _assert_answered(answer, callers.home, f"check year={year[:40]!r}")


# Values for path parameters: what a hand-edited URL holds.
_path_values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
    st.sampled_from(["²", "١٢٣٤", "99999999999", "9" * 5000, "-1", "0", "2147483648", "2025", "5", "3401",
                     "974600951", "..", ".json", "%00", "\u202e", "a/b", "1e3", " "]),
)
_ROUTES = None


def _routes(client: TestClient) -> list[tuple[str, str]]:
    global _ROUTES
    if _ROUTES is None:
        _ROUTES = [(method, route.path) for route in api_routes(client.app)  # type: ignore[arg-type]
                   for method in sorted(route.methods) if PARAMETER.search(route.path)]
    return _ROUTES


@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_path_parameter_of_any_route_is_answered(callers: Callers, data: st.DataObject) -> None:
    method, path = data.draw(st.sampled_from(_routes(callers.reporter)), label="route")
    names = PARAMETER.findall(path)
    chosen = data.draw(st.sampled_from(names), label="parameter")
    value = data.draw(_path_values, label="value")
    url = filled(path, **{chosen: quote(value, safe="")})
    who = data.draw(st.sampled_from(["reporter", "statistician"]), label="caller")
    client = callers.reporter if who == "reporter" else callers.statistician
    headers = {**callers.bearer[who], "X-CSRF-Token": callers.csrf[who]} if url.startswith("/api/") \
        else {"X-CSRF-Token": callers.csrf[who]}
    answer = client.request(method, url, headers=headers, follow_redirects=False)
    _assert_answered(answer, callers.home, f"{method} {url[:120]} as {who}")
