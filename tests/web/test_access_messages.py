"""A refused page (403) says why in the page's language: bokmål by default, English when chosen.

The API keeps its English messages (clients, not readers of a page).
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.factories import PASSWORD, form5_values, login

FORM5 = "/portal/2025/5/974600951"


def _message(answer: object) -> str:
    text = answer.text  # type: ignore[attr-defined]
    return text.split('<p class="notice">', 1)[1].split("</p>", 1)[0] if '<p class="notice">' in text else text


def test_a_reporter_on_an_office_page_is_told_in_bokmal_then_english(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    refused = app_client.get("/office")
    assert refused.status_code == 403
    assert _message(refused) == "Dette krever rollen statistiker eller administrator; du er logget inn som rapportør."
    english = app_client.get("/office?lang=en")
    assert english.status_code == 403
    assert _message(english) == ("This needs the role statistician or administrator; you are logged in as "
                                 "reporter.")
    # the JSON twin of an office page, with the language chosen on a page kept
    twin = app_client.get("/office.json")
    assert twin.status_code == 403 and twin.json()["error"].startswith("This needs the role statistician or")


def test_a_statistician_on_an_administration_page(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    refused = app_client.get("/admin")
    assert refused.status_code == 403
    assert _message(refused) == "Dette krever rollen administrator; du er logget inn som statistiker."


def test_another_units_form_and_the_office_submitting_a_form(app_client: TestClient) -> None:
    token = login(app_client, "demo-3405")
    assert _message(app_client.get(FORM5)) == "Du kan bare se og endre rapportene til din egen enhet."
    app_client.post("/logout", data={"csrf_token": token})
    token = login(app_client, "statistiker")
    refused = app_client.post(f"{FORM5}/submit", data={**form5_values(), "csrf_token": token})
    assert refused.status_code == 403
    assert _message(refused) == ("Bare enhetens egen rapportør fyller ut og sender inn skjemaene; som statistiker "
                                 "kan du lese dem.")


def test_a_missing_csrf_token_in_both_languages(app_client: TestClient) -> None:
    app_client.get("/login")
    refused = app_client.post("/login", data={"username": "demo-3401", "password": PASSWORD})
    assert refused.status_code == 403
    assert _message(refused) == "Ugyldig eller manglende CSRF-nøkkel. Last siden på nytt og prøv igjen."
    app_client.get("/login?lang=en")
    refused = app_client.post("/login", data={"username": "demo-3401", "password": PASSWORD})
    assert _message(refused) == "Invalid or missing CSRF token. Reload the page and try again."


def test_the_api_keeps_english_messages(app_client: TestClient) -> None:
    token = app_client.post("/api/v1/token", data={"username": "demo-3405", "password": PASSWORD})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    refused = app_client.get("/api/v1/submissions/2025/5/974600951", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "you may only see and change your own unit's reports"
