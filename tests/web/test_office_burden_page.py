"""The office's reporting-burden page: its figures are kostra.catalog.burden's, over the active units."""

from __future__ import annotations

import re
import statistics

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import login

from kostra.catalog.burden import form_burden
from kostra.catalog.form_models import Purpose
from kostra.catalog.forms import load_catalog
from kostra.catalog.validation import Unit as BurdenUnit
from kostra.store.models import Unit
from kostra.web.formatting import format_number

YEAR = 2025


def _active_units(client: TestClient) -> list[BurdenUnit]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return [BurdenUnit(u.code, u.kind, u.population)
                for u in session.scalars(select(Unit).where(Unit.active.is_(True)))]


@pytest.mark.parametrize("username", ["statistiker", "admin"])
def test_office_users_see_the_page(app_client: TestClient, username: str) -> None:
    login(app_client, username)
    assert app_client.get(f"/office/{YEAR}/burden").status_code == 200


def test_reporters_do_not(app_client: TestClient) -> None:
    login(app_client, "demo-3401")
    assert app_client.get(f"/office/{YEAR}/burden").status_code == 403
    assert app_client.get(f"/office/{YEAR}/burden.json").status_code == 403


def test_figures_are_those_of_the_burden_module(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    page = app_client.get(f"/office/{YEAR}/burden.json").json()
    units = _active_units(app_client)
    catalog = load_catalog(YEAR)
    assert [row["form_id"] for row in page["forms"]] == [f.id for f in catalog.forms()]
    total = 0.0
    for row in page["forms"]:
        form = catalog.form(row["form_id"])
        kinds = {k.value for k in form.definition.unit_kinds}
        expected = form_burden(form, [u for u in units if u.kind in kinds])
        applicable = [m for m in expected.per_unit.values() if m > 0]
        assert row["units"] == expected.units
        assert row["total_minutes"] == expected.minutes
        assert row["total_hours"] == expected.hours
        assert row["minutes_mean"] == expected.minutes_per_unit
        if applicable:
            assert row["minutes_min"] == min(applicable) and row["minutes_max"] == max(applicable)
            assert row["minutes_median"] == round(statistics.median(applicable), 1)
        else:  # no county among the factory units
            assert (row["minutes_min"], row["minutes_median"], row["minutes_max"]) == (None, None, None)
            assert form.definition.unit_kinds[0].value == "county"
        assert row["fields"] == len(form.fields())
        # the purposes split the same total
        assert sum(row["purpose_minutes"].values()) == pytest.approx(expected.minutes, abs=0.01 * expected.units)
        unpublished = sum(row["purpose_minutes"][p] for p in ("control_only", "guidance", "other_agency"))
        assert row["unpublished_minutes"] == pytest.approx(unpublished, abs=0.01)
        total += expected.minutes
    assert page["total_hours"] == round(total / 60, 1)
    assert set(page["purposes"]) == {p.value for p in Purpose} | {"attachment"}


def test_form_5_counts_the_institutions(app_client: TestClient) -> None:
    login(app_client, "admin")
    rows = {row["form_id"]: row for row in app_client.get(f"/office/{YEAR}/burden.json").json()["forms"]}
    assert rows["5"]["unit_kinds"] == ["institution"] and rows["5"]["units"] == 2
    # municipalities and the Oslo district report form 4
    assert rows["4"]["units"] == 3


def test_deactivated_units_do_not_count(app_client: TestClient) -> None:
    token = login(app_client, "admin")
    before = {r["form_id"]: r for r in app_client.get(f"/office/{YEAR}/burden.json").json()["forms"]}
    app_client.post("/admin/units/976990803/deactivate", data={"csrf_token": token})
    after = {r["form_id"]: r for r in app_client.get(f"/office/{YEAR}/burden.json").json()["forms"]}
    assert after["5"]["units"] == before["5"]["units"] - 1
    assert after["4"] == before["4"]


def test_page_shows_the_table_and_an_inline_chart(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    data = app_client.get(f"/office/{YEAR}/burden.json").json()
    html = app_client.get(f"/office/{YEAR}/burden").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg
    assert len(re.findall(r'<g class="burden-bar">', svg)) == len(data["forms"])
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched from elsewhere
    assert f"<strong>Timer i alt: {format_number(data['total_hours'], 1)}</strong>" in html
    for row in data["forms"]:
        assert f'<tr id="form-{row["form_id"]}">' in html
        assert f'<td class="num">{format_number(row["total_hours"], 1)}</td>' in html
    assert "Aldri publisert" in html
    assert "Never published" in app_client.get(f"/office/{YEAR}/burden?lang=en").text


def test_unknown_year(app_client: TestClient) -> None:
    login(app_client, "statistiker")
    answer = app_client.get("/office/1999/burden.json")
    assert answer.status_code == 422 and "unknown year" in answer.json()["error"]
