"""The statbank over a real release: the small demo year (which ends by publishing its preliminary release)
served by the app's own source, the published releases in the database. The API must give exactly what the
release stored, and nothing that is not in a release.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kostra.demo.builder import DemoOptions, build_demo
from kostra.publish import release_table, release_tables, releases
from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.web.app import create_app

OPTIONS = DemoOptions(year=2025, seed=2025, limit_units=4, always_units=("0301", "3401", "030102"),
                      release=True)  # as `kostra demo` builds it: ending with the preliminary release


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home: Path = tmp_path_factory.mktemp("statbank-release")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'kostra.sqlite3'}")
    build_demo(settings, OPTIONS)
    engine = create_engine_for(settings.effective_database_url)
    with Session(engine) as session:
        (release,) = releases(session, 2025)
        tables = {row.table_id: release_table(session, home, release.id, row.table_id)
                  for row in release_tables(session, release.id)}
    engine.dispose()
    app = create_app(settings)
    with TestClient(app) as client:
        yield {"client": client, "release": release, "tables": tables}


def test_the_release_s_tables_and_only_those(world: dict[str, Any]) -> None:
    listed = world["client"].get("/api/v2/tables").json()["tables"]
    assert sorted(t["id"] for t in listed) == sorted(world["tables"])
    assert {t["release"]["kind"] for t in listed} == {"preliminary"}
    # A definition without a source (an example for `kostra methods suppress`) is never published.
    assert world["client"].get("/api/v2/tables/helse_omsorg_utgifter").status_code == 404


def test_every_cell_is_the_released_one(world: dict[str, Any]) -> None:
    client: TestClient = world["client"]
    for table_id, table in world["tables"].items():
        data = client.get(f"/api/v2/tables/{table_id}/data").json()
        assert data["id"] == table.dimension_names and data["size"] == table.size, table_id
        released = table.frame["value"].to_list()
        symbols = table.frame["symbol"].to_list()
        for i, (got, want, symbol) in enumerate(zip(data["value"], released, symbols, strict=True)):
            assert (got is None) == (want is None), (table_id, i)
            if want is not None:
                assert math.isclose(got, want, abs_tol=0.5 * 10 ** -table.decimals), (table_id, i)
            assert data.get("status", {}).get(str(i), "") == symbol, (table_id, i)


def test_suppressed_cells_are_null_with_colon(world: dict[str, Any]) -> None:
    suppressed = [(t, i) for t, table in world["tables"].items()
                  for i, s in enumerate(table.frame["symbol"].to_list()) if s == ":"]
    if not suppressed:
        pytest.skip("the small demo release suppresses no cell")
    table_id, index = suppressed[0]
    data = world["client"].get(f"/api/v2/tables/{table_id}/data").json()
    assert data["value"][index] is None and data["status"][str(index)] == ":"


def test_pages_show_the_release(world: dict[str, Any]) -> None:
    client: TestClient = world["client"]
    table_id = sorted(world["tables"])[0]
    page = client.get(f"/statbank/{table_id}")
    assert page.status_code == 200 and "Foreløpige tall" in page.text
    profile = client.get("/profile/2025/3401")
    assert profile.status_code == 200 and "Kongsvinger" in profile.text
    # The release's tables hold the county as EKA34 (its municipalities): the profile compares with that.
    rows = re.findall(r'<th scope="row">([^<]+)</th>', profile.text)
    assert len(rows) >= 4 and "Kongsvinger" in rows[0] and "7" in rows[1] and "Innlandet" in rows[2], rows[:4]
    assert '<svg class="chart chart-line"' in profile.text
