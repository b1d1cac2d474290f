"""Small factories for tests: units, users and valid answers built on the real definitions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kostra.access import Role, create_user
from kostra.catalog.forms import load_catalog
from kostra.store.models import Unit

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

PASSWORD = "demo-password"


def add_units_and_users(session: Session) -> None:
    """Two municipalities with one institution each, an Oslo district, their reporters and a statistician."""
    session.add_all([
        Unit(code="3401", kind="municipality", name="Kongsvinger", population=18_203),
        Unit(code="3405", kind="municipality", name="Lillehammer", population=29_000),
        Unit(code="030102", kind="oslo_district", name="Grünerløkka", municipality_code="0301", population=64_000),
        Unit(code="974600951", kind="institution", name="Kongsvinger sykehjem", orgnr="974600951",
             municipality_code="3401"),
        Unit(code="976990803", kind="institution", name="Lillehammer helsehus", orgnr="976990803",
             municipality_code="3405"),
    ])
    session.flush()
    create_user(session, username="demo-3401", password=PASSWORD, role=Role.REPORTER, unit_code="3401",
                fast_hash=True)
    create_user(session, username="demo-3405", password=PASSWORD, role=Role.REPORTER, unit_code="3405",
                fast_hash=True)
    create_user(session, username="statistiker", password=PASSWORD, role=Role.STATISTICIAN, fast_hash=True)
    create_user(session, username="admin", password=PASSWORD, role=Role.ADMINISTRATOR, fast_hash=True)
    session.commit()


def csrf_of(html: str) -> str:
    """The CSRF token of a page's first form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found[1]


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``username`` in through the real login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 200, answer.text[:300]
    return csrf_of(answer.text) if 'name="csrf_token"' in answer.text else token


def form5_values(year: int = 2025, **overrides: object) -> dict[str, object]:
    """A complete, valid form 5 for a nursing home, as a person would type it (fields of ``year``)."""
    values: dict[str, object] = {
        "institusjonsnavn": "Kongsvinger sykehjem",
        "orgnr": "974600951",
        "naeringskode": "87.102",
        "naeringskode_sn2025": "87.10",
        "tilbud": ["sykehjem"],
        "rom_i_alt": "60",
        "enerom": "56",
        "rom_for_flere": "4",
        "brukertilpassede_enerom": "50",
        "plasser_i_alt": "64",
        "plasser_demens": "20",
        "plasser_psykiatri": "2",
        "plasser_rus": "0",
        "plasser_langtid": "50",
        "plasser_tidsbegrenset": "14",
        "plasser_rehabilitering": "6",
        "plasser_utredning": "4",
        "plasser_avlastning": "2",
        "plasser_kad": "1",
        "plasser_rus_behandling": "0",
        "plasser_lindrende": "1",
        "plasser_andre_kommuner_ja": "nei",
        "brukerundersokelse": "ja",
        "kontaktperson": "Kari Nordmann",
        "kontakt_epost": "kari.nordmann@kongsvinger.kommune.no",
    }
    values.update(overrides)
    known = {f.name for f in load_catalog(year).form("5").fields()}
    return {name: value for name, value in values.items() if name in known}
