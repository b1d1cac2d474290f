"""The office's unit page shows the unit's KOSTRA group from the grouping in force (issue 10, point 7)."""

from __future__ import annotations

import csv

from fastapi.testclient import TestClient
from tests.factories import login
from tests.paths import KLASS

from kostra.reference.grouping import load_official_groups
from kostra.reference.loader import load_reference_into_database

FILE = KLASS / "kommune_131_kostragruppe_112_2025.csv"


def _file_group(code: str) -> str:
    with FILE.open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle, delimiter=";") if r["sourceCode"] == code)
    return f"EKG{int(row['targetCode']):02d}"


def _group_line(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    start = page.text.index('id="kostra-group"')
    return page.text[start:page.text.index("</span>", start)]


def test_unit_page_shows_the_approximate_then_the_official_group(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    assert 'id="kostra-group"' not in app_client.get("/office/2025/units/3401").text  # no reference data yet
    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        load_reference_into_database(session, years=[2025])
        session.commit()
    # 3401 Kongsvinger is pinned to group 7 in the approximation (docs/reference-data.md)
    assert "KOSTRA-gruppe EKG07 (tilnærming)" in _group_line(app_client, "/office/2025/units/3401")
    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        load_official_groups(session, 2025, FILE)
        session.commit()
    official = _file_group("3401")
    assert f"KOSTRA-gruppe {official} (offisiell, fra KLASS)" in _group_line(app_client, "/office/2025/units/3401")
    # an institution shows its municipality's group, and the JSON twin carries the same model
    assert official in _group_line(app_client, "/office/2025/units/974600951")
    twin = app_client.get("/office/2025/units/3401.json").json()
    assert (twin["kostra_group"], twin["grouping"]) == (official, "official")
