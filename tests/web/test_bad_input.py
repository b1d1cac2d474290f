"""Issue 10, point 6: bad input answers 400/404/422 naming the problem, never a 500 or a server path.

The cases the review found, one by one: non-finite numbers, non-ASCII digits, out-of-range years
and run ids, a 404 that showed a server path. The property-based tests beside them
(``test_bad_input_properties.py``) throw generated input at every route.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, add_units_and_users, login

from kostra.settings import Settings
from kostra.store import create_engine_for, upgrade
from kostra.web.app import create_app

FORM5 = "/api/v1/submissions/2025/5/974600951"
SERVER_PATHS = ("/work/", "/root/", "/tmp/", "site-packages", "/src/kostra", "Traceback")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    # raise_server_exceptions=False: a crash must show up as the 500 a user would get, not as a test error
    with TestClient(create_app(Settings(home=tmp_path, database_url=url)), raise_server_exceptions=False) as c:
        yield c


def _bearer(client: TestClient, username: str = "demo-3401") -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _no_server_path(text: str) -> None:
    assert not any(marker in text for marker in SERVER_PATHS), text[:500]


@pytest.mark.parametrize(("raw", "code"), [
    ("NaN", "not_finite"), ("Infinity", "not_finite"), ("-Infinity", "not_finite"),
    ('"١٢"', "not_a_number"),  # Arabic-Indic digits: Python alone would read 12
    ('"²"', "not_a_number"), ('"1_000"', "not_a_number"),
    ('"' + "9" * 5000 + '"', "too_many_digits"), ("1e300", "too_many_digits"),
    ("1e400", "not_finite"),  # JSON's 1e400 is read as infinity
])
def test_bad_numbers_in_a_json_draft_are_422_naming_the_field(client: TestClient, raw: str, code: str) -> None:
    answer = client.put(FORM5, content='{"values": {"rom_i_alt": ' + raw + "}}",
                        headers={**_bearer(client), "content-type": "application/json"})
    assert answer.status_code == 422, answer.text[:300]
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("rom_i_alt", code)
    assert error["message"].startswith("3.2 Rom i alt: ") and len(error["message"]) < 200


def test_a_5000_digit_json_integer_is_refused_not_crashed(client: TestClient) -> None:
    answer = client.put(FORM5, content='{"values": {"rom_i_alt": ' + "9" * 5000 + "}}",
                        headers={**_bearer(client), "content-type": "application/json"})
    assert 400 <= answer.status_code < 500 and answer.json()["ok"] is False


@pytest.mark.parametrize("year", ["²", "١٢٣٤", "2_025", "99999999999", "9" * 5000, "-2025", "0x7e9"])
def test_bad_years_in_api_and_page_urls_are_422_naming_the_year(client: TestClient, year: str) -> None:
    api = client.get(f"/api/v1/submissions/{year}/5/974600951", headers=_bearer(client))
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "year"
    assert "is not a year" in client.get(f"/api/v1/submissions/{year}/5/974600951?lang=en",
                                         headers=_bearer(client)).json()["error"]
    login(client, "statistiker")
    for page in (f"/portal/{year}/3401", f"/office/{year}/status", f"/office/{year}/controls.json"):
        answer = client.get(page)
        assert answer.status_code == 422, (page, answer.status_code)
        assert "er ikke et årstall" in answer.text
        _no_server_path(answer.text)


@pytest.mark.parametrize("run", ["abc", "999999999999999999999999", "2147483648", "١"])
def test_bad_run_ids_are_422_naming_the_run(client: TestClient, run: str) -> None:
    login(client, "statistiker")
    answer = client.get(f"/office/2025/controls.json?run={run}")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "run"


def test_an_unknown_run_id_in_range_is_404(client: TestClient) -> None:
    login(client, "statistiker")
    answer = client.get("/office/2025/controls.json?run=2147483647")
    assert answer.status_code == 404 and "2147483647" in answer.json()["error"]


def test_huge_receipt_version_is_422_not_a_database_overflow(client: TestClient) -> None:
    login(client, "demo-3401")
    answer = client.get("/portal/2025/5/974600951/receipt/99999999999999999999")
    assert answer.status_code == 422 and "version" in answer.text


def test_file_check_year_of_superscript_digits_or_5000_digits_is_422(client: TestClient) -> None:
    for year in ("²", "9" * 5000, "١٢٣٤"):
        answer = client.post("/api/v1/check", data={"form": "11F", "year": year, "region": "340100"},
                             files={"file": ("a.dat", b"x")})
        assert answer.status_code == 422, (year, answer.text[:200])
        assert answer.json()["errors"][0]["field"] == "year"


def test_unknown_field_404_names_no_server_path(client: TestClient) -> None:
    login(client, "statistiker")
    answer = client.get("/office/2025/units/974600951/5/trail/no_such_field.json")
    assert answer.status_code == 404 and "no_such_field" in answer.json()["error"]
    _no_server_path(answer.text)


def test_public_message_strips_server_paths() -> None:
    import kostra
    from kostra.web.error_messages import public_message

    definitions = Path(kostra.__file__).resolve().parent / "definitions" / "2025" / "forms" / "5.yaml"
    assert public_message(f"form '5' ({definitions}) has no field") == \
        "form '5' (kostra/definitions/2025/forms/5.yaml) has no field"
    assert public_message("see /usr/lib/python3/x.py line 3") == "see x.py line 3"
    assert public_message("POST /api/v1/token first") == "POST /api/v1/token first"


def test_text_with_a_right_to_left_override_is_refused_naming_the_field(client: TestClient) -> None:
    answer = client.put(FORM5 + "?lang=en", json={"values": {"institusjonsnavn": "Kongsvinger \u202emehjkys"}},
                        headers=_bearer(client))
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "institusjonsnavn" and error["code"] == "refused_character"
    assert error["message"] == ("2.1 Name of the institution: the text contains the character "
                                "U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed; remove it")
