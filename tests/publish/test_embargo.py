"""A release is not public before its publication time: by default the reporting calendar's (15 March for the
preliminary release, 15 June for the final one, 08:00 Norwegian time), or the one given. Under embargo it is
absent from every public route (statbank API, statbank pages, profiles) and visible to the office only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kostra.errors import UsageError
from kostra.publish import make_release, public_releases, release_tables, releases
from kostra.publish.embargo import parse_public_from, public_from_of
from kostra.settings import Settings
from kostra.web.app import create_app
from tests.factories import TEST_BASE_URL, login
from tests.web.routes import api_routes, filled

FUTURE = datetime.now(UTC) + timedelta(days=30)


@pytest.fixture(scope="module")
def embargoed(demo: Settings) -> dict[str, object]:
    with Session(create_engine(demo.effective_database_url)) as session:
        made = make_release(session, demo.home, 2025, "preliminary", actor="statistiker", public_from=FUTURE)
        tables = [row.table_id for row in release_tables(session, made.id)]
        session.commit()
        return {"id": made.id, "tables": tables}


@pytest.fixture()
def client(demo: Settings) -> Iterator[TestClient]:
    settings = Settings(home=demo.home, database_url=demo.effective_database_url, base_url=TEST_BASE_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _public_paths(client: TestClient, table_id: str) -> list[tuple[str, str]]:
    """Every public statbank and profile route of the app, filled in for ``table_id`` and Kongsvinger."""
    paths = []
    for route in api_routes(client.app):  # type: ignore[arg-type]
        if route.path.startswith(("/api/v2/tables", "/statbank", "/profile")):
            for method in sorted(route.methods):
                paths.append((method, filled(route.path, table_id=table_id, region_code="3401")))
    return paths


def test_the_calendar_sets_the_publication_time() -> None:
    from kostra.publish.embargo import default_public_from

    now = datetime(2026, 1, 10, tzinfo=UTC)
    # 08:00 in Oslo: winter time (UTC+1) on 15 March 2026, summer time (UTC+2) on 15 June 2026
    assert default_public_from(2025, "preliminary", now) == datetime(2026, 3, 15, 7, 0, tzinfo=UTC)
    assert default_public_from(2025, "final", now) == datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
    assert default_public_from(2025, "correction", now) == now
    assert parse_public_from("2027-03-15") == datetime(2027, 3, 15, 7, 0, tzinfo=UTC)
    assert parse_public_from("2027-06-01T10:30+00:00") == datetime(2027, 6, 1, 10, 30, tzinfo=UTC)
    with pytest.raises(UsageError, match=r"--public-from '15\.3\.2027': expected a day YYYY-MM-DD"):
        parse_public_from("15.3.2027")


def test_a_release_under_embargo_is_on_no_public_route(client: TestClient, demo: Settings,
                                                       embargoed: dict[str, object]) -> None:
    tables: list[str] = embargoed["tables"]  # type: ignore[assignment]
    assert "skjema5_plasser" in tables
    walked = _public_paths(client, "skjema5_plasser")
    assert len(walked) == 8, walked  # the list, a table, its metadata, data (GET, POST); two pages; a profile
    for method, path in walked:
        response = client.request(method, path, json={"selection": []} if method == "POST" else None)
        if "skjema5_plasser" in path:  # the table itself: not found
            assert response.status_code == 404, (method, path, response.status_code)
        elif path.startswith("/profile/"):  # the profile of a municipality in it: no key figures yet
            assert response.status_code == 200 and "<svg" not in response.text, path
        else:  # the lists of tables
            assert response.status_code == 200 and "skjema5_plasser" not in response.text, path
    assert client.get("/api/v2/tables").json()["tables"] == []
    _a_final_release_already_public_is_served(client, demo)


def _a_final_release_already_public_is_served(client: TestClient, demo: Settings) -> None:
    """The same routes once a release of the year is public (here the final one, given a time just past)."""
    with Session(create_engine(demo.effective_database_url)) as session:
        make_release(session, demo.home, 2025, "final", actor="statistiker",
                     public_from=datetime.now(UTC) - timedelta(minutes=1))
        session.commit()
    # a new app's source reads the releases at once (the other one rereads within RECHECK_SECONDS)
    with TestClient(create_app(Settings(home=demo.home, database_url=demo.effective_database_url,
                                        base_url=TEST_BASE_URL))) as fresh:
        assert "skjema5_plasser" in {t["id"] for t in fresh.get("/api/v2/tables").json()["tables"]}
        assert fresh.get("/api/v2/tables/skjema5_plasser/data").status_code == 200
        assert fresh.get("/statbank/skjema5_plasser").status_code == 200
        assert "<svg" in fresh.get("/profile/2025/3401").text


def test_the_office_sees_it_with_its_embargo(client: TestClient, demo: Settings,
                                             embargoed: dict[str, object]) -> None:
    login(client, "statistiker", "demo")
    listed = client.get("/office/2025/releases.json").json()["releases"]
    mine = next(r for r in listed if r["id"] == embargoed["id"])
    assert mine["embargoed"] is True and mine["public_from"].startswith(FUTURE.strftime("%Y-%m-%dT%H:%M"))
    page = client.get("/office/2025/releases?lang=en").text
    assert f'id="embargo-{embargoed["id"]}"' in page
    assert f"Under embargo until {FUTURE:%Y-%m-%d %H:%M} UTC" in page
    # the office previews the table the public cannot see yet, with the label
    assert f'href="/office/2025/releases/{embargoed["id"]}/skjema5_plasser"' in page
    preview = client.get(f"/office/2025/releases/{embargoed['id']}/skjema5_plasser?lang=en")
    assert preview.status_code == 200 and 'id="embargo"' in preview.text
    assert f"Under embargo until {FUTURE:%Y-%m-%d %H:%M} UTC" in preview.text
    data = client.get(f"/office/2025/releases/{embargoed['id']}/skjema5_plasser.json").json()
    assert data["embargoed"] is True and data["columns"][-3:] == ["value", "symbol", "status"]
    assert len(data["rows"]) == min(data["cells"], 1000) and {r[-2] for r in data["rows"]} >= {":"}
    assert client.get(f"/office/2025/releases/{embargoed['id']}/nope").status_code == 404
    with Session(create_engine(demo.effective_database_url)) as session:
        release = next(r for r in releases(session, 2025) if r.id == embargoed["id"])
        assert public_from_of(release) == FUTURE
        assert release not in public_releases(session, 2025)
        assert release in public_releases(session, 2025, now=FUTURE)
