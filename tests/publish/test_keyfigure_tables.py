"""Key-figure tables in a release: computed from the release's snapshot, with symbols, ``:`` where a form field
the figure reads is suppressed at that region in a field table of the release, in every format and through
the statbank API; a bad definition refuses the release."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kostra.catalog.forms import load_catalog
from kostra.dataset import read_snapshot
from kostra.publish import ReleaseRefused, make_release, release_table, to_csv, to_jsonstat, to_px, to_xlsx
from kostra.settings import Settings
from kostra.store.models import DatasetSnapshot, Release, Unit
from kostra.web.app import create_app

TABLE = "nokkeltall_institusjoner"


@pytest.fixture(scope="module")
def release_id(demo: Settings) -> int:
    with Session(create_engine(demo.effective_database_url)) as session:
        made = make_release(session, demo.home, 2025, "preliminary", actor="statistiker")
        session.commit()
        return made.id


def _field_id(name: str) -> str:
    return next(f.id for f in load_catalog(2025).form("5").fields() if f.name == name)


def test_a_figure_is_the_ratio_of_the_sums_in_the_snapshot(session: Session, demo: Settings, release_id: int) -> None:
    release = session.get(Release, release_id)
    label = session.get(DatasetSnapshot, release.snapshot_id).label  # type: ignore[union-attr]
    values = read_snapshot(session, demo.home, 2025, label)
    enerom, rom = _field_id("enerom"), _field_id("rom_i_alt")
    rows = values.filter((pl.col("form_id") == "5") & pl.col("field_id").is_in([enerom, rom])
                         & pl.col("row_key").is_null())
    municipality = dict(session.execute(select(Unit.code, Unit.municipality_code)).all())
    per_unit = rows.pivot(on="field_id", index="unit_code", values="value_number").with_columns(
        pl.col("unit_code").replace_strict(municipality, default=None).alias("m"))
    per_m = per_unit.group_by("m").agg(pl.len().alias("n"), pl.col(enerom).count().alias("with_value"),
                                       pl.col(enerom).sum().alias("enerom"), pl.col(rom).sum().alias("rom"))
    table = release_table(session, demo.home, release_id, TABLE).frame.filter(
        pl.col("statistikkvariabel") == "andel_enerom")
    shown = dict(zip(table["region"], zip(table["value"], table["symbol"], strict=True), strict=True))
    complete = per_m.filter((pl.col("n") == pl.col("with_value")) & (pl.col("rom") > 0)).sort("m")
    partial = per_m.filter(pl.col("n") > pl.col("with_value")).sort("m")
    assert complete.height and partial.height, "the demo has municipalities with every and with some institutions"
    for m, share_of in zip(complete["m"], (complete["enerom"] / complete["rom"] * 100), strict=True):
        share = Decimal(repr(share_of)).quantize(Decimal("0.1"), ROUND_HALF_UP)  # half up, one decimal
        assert shown[m] == (float(share), ""), m
    for m in partial["m"]:  # an institution that has not reported: the municipality's figure is missing
        assert shown[m] == (None, ".."), m
    table = release_table(session, demo.home, release_id, TABLE)
    assert table.unit == {"nb": "prosent", "en": "per cent"} and table.decimals == 1
    assert set(table.frame["status"]) == {"preliminary"}
    assert {"", "..", ".", ":"} <= set(table.frame["symbol"])  # the key figures' own symbols, and ':'


def _leak(session: Session, demo: Settings, release_id: int) -> str:
    """A region where field 4.1 (places for dementia) is suppressed in skjema5_plasser."""
    places = release_table(session, demo.home, release_id, "skjema5_plasser").frame
    hidden = places.filter((pl.col("statistikkvariabel") == "4.1") & (pl.col("symbol") == ":"))["region"]
    assert hidden.len(), "the demo's release suppresses some 4.1 cells"
    return str(hidden.sort()[0])


def test_a_figure_reading_a_suppressed_cell_is_suppressed_in_every_format(session: Session, demo: Settings,
                                                                          release_id: int) -> None:
    region = _leak(session, demo, release_id)
    table = release_table(session, demo.home, release_id, TABLE)
    frame = table.frame.with_row_index()
    cell = frame.filter((pl.col("region") == region) & (pl.col("statistikkvariabel") == "andel_plasser_demens"))
    assert cell["symbol"][0] == ":" and cell["value"][0] is None
    at = int(cell["index"][0])
    data = to_jsonstat(table, "nb")
    assert data["value"][at] is None and data["status"][str(at)] == ":"
    row = list(csv.DictReader(io.StringIO(to_csv(table, "en"))))[at]
    assert (row["region"], row["statistikkvariabel"], row["value"], row["symbol"]) == (
        region, "andel_plasser_demens", "", ":")
    sheet = load_workbook(io.BytesIO(to_xlsx(table, "en")))["data"]
    assert [c.value for c in sheet[at + 3]][-3:-1] == [None, ":"]
    px_data = to_px(table, "nb").split("DATA=\n", 1)[1].splitlines()
    assert px_data[at].strip(" ;") == '"..."'  # PX writes ':' as "..."; one year: one cell per line


def test_the_statbank_api_serves_the_key_figure_table(demo: Settings, session: Session, release_id: int) -> None:
    region = _leak(session, demo, release_id)
    with TestClient(create_app(Settings(home=demo.home, database_url=demo.effective_database_url))) as client:
        assert TABLE in {t["id"] for t in client.get("/api/v2/tables").json()["tables"]}
        data = client.get(f"/api/v2/tables/{TABLE}/data?valueCodes[region]={region},EAK"
                          "&valueCodes[statistikkvariabel]=andel_plasser_demens,andel_enerom").json()
        assert data["id"] == ["region", "statistikkvariabel", "Tid"] and data["size"] == [2, 2, 1]
        regions = data["dimension"]["region"]["category"]["index"]
        figures = data["dimension"]["statistikkvariabel"]["category"]["index"]

        def at(code: str, figure: str) -> int:
            return regions[code] * 2 + figures[figure]

        hidden = at(region, "andel_plasser_demens")
        assert data["value"][hidden] is None and data["status"][str(hidden)] == ":"
        table = release_table(session, demo.home, release_id, TABLE)
        want = table.frame.filter((pl.col("region") == "EAK") & (pl.col("statistikkvariabel") == "andel_enerom"))
        assert data["value"][at("EAK", "andel_enerom")] == want["value"][0] is not None
        page = client.get(f"/statbank/{TABLE}")
        assert page.status_code == 200 and "Andel enerom" in page.text


@pytest.mark.parametrize(("figures", "message"), [
    ("[andel_enerom, ingen_slik]", "names the key figure(s) ingen_slik, which the year's key-figure definitions"),
    ("[andel_enerom, legetimer_per_plass_sykehjem]", "mixes units or decimals (andel_enerom (prosent, 1 decimals)"),
])
def test_a_bad_definition_refuses_the_release(session: Session, demo: Settings, tmp_path: Path, figures: str,
                                              message: str) -> None:
    folder = tmp_path / "2025" / "tables" / "keyfigures"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text(
        "kind: keyfigure_table\nversion: 1\ntable:\n  name: bad\n  label: {nb: Feil, en: Bad}\n"
        f"  description: {{nb: x, en: x}}\n  figures: {figures}\n", encoding="utf-8")
    before = session.scalars(select(Release)).all()
    with pytest.raises(ReleaseRefused, match=r"bad\.yaml: table bad ") as refused:
        make_release(session, demo.home, 2025, "final", actor="statistiker", tables_root=tmp_path)
    assert message in str(refused.value)
    assert session.scalars(select(Release)).all() == before
