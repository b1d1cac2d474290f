"""Every format of a table built by hand (values, symbols and order known), read back by independent readers:
jsonstat-validator for JSON-stat 2.0, pyaxis for PX, the csv module, openpyxl; the statbank files by position."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from jsonstat_validator import validate_jsonstat
from openpyxl import load_workbook
from pyaxis import pyaxis

from kostra.errors import UsageError
from kostra.publish import Dimension, PublishedTable, to_csv, to_jsonstat, to_px, to_statbank_files, to_xlsx

REGIONS = ("EAK", "3401", "3403")
CONTENTS = ("T", "A", "B")
# region × contents in cube order (region slowest): value, symbol
CELLS = [(10.25, ""), (4.0, ""), (6.25, ""),
         (None, ":"), (None, ":"), (3.0, ""),
         (0.0, "-"), (None, ".."), (None, ".")]


def _table() -> PublishedTable:
    dims = (
        Dimension("region", {"nb": "Region", "en": "Region"}, REGIONS,
                  {"EAK": {"nb": "Landet", "en": "Norway"},
                   "3401": {"nb": "3401 Kongsvinger", "en": "3401 Kongsvinger"},
                   "3403": {"nb": "3403 Hamar", "en": "3403 Hamar"}}, "geo"),
        Dimension("statistikkvariabel", {"nb": "Statistikkvariabel", "en": "Contents"}, CONTENTS,
                  {"T": {"nb": "I alt", "en": "Total"}, "A": {"nb": "Demens", "en": "Dementia"},
                   "B": {"nb": "Rus", "en": "Substance"}}, "metric"),
        Dimension("Tid", {"nb": "år", "en": "year"}, ("2025",), {"2025": {"nb": "2025", "en": "2025"}}, "time"),
    )
    frame = pl.DataFrame({
        "region": [r for r in REGIONS for _ in CONTENTS], "statistikkvariabel": list(CONTENTS) * 3,
        "Tid": ["2025"] * 9, "value": [v for v, _ in CELLS], "status": ["preliminary"] * 9,
        "symbol": [s for _, s in CELLS]}, schema_overrides={"value": pl.Float64})
    return PublishedTable(id="test_plasser", title={"nb": "Plasser", "en": "Places"},
                          description={"nb": "Plasser etter region", "en": "Places by region"},
                          unit={"nb": "plasser", "en": "places"}, decimals=1, year=2025, dimensions=dims, frame=frame,
                          release_id=7, release_kind="preliminary", released_at=datetime(2026, 3, 15, 8, tzinfo=UTC))


def test_jsonstat_is_valid_with_symbols_as_status_and_nulls_for_hidden_values() -> None:
    data = to_jsonstat(_table(), "en")
    assert validate_jsonstat(json.loads(json.dumps(data))) is True
    assert data["id"] == ["region", "statistikkvariabel", "Tid"] and data["size"] == [3, 3, 1]
    assert data["value"] == [10.3, 4.0, 6.3, None, None, 3.0, 0.0, None, None]  # half up to 1 decimal
    assert data["status"] == {"3": ":", "4": ":", "6": "-", "7": "..", "8": "."}
    assert data["role"] == {"geo": ["region"], "metric": ["statistikkvariabel"], "time": ["Tid"]}
    assert data["dimension"]["region"]["category"]["label"]["EAK"] == "Norway"
    assert data["extension"]["kostra"]["value_status"] == ["preliminary"] * 9
    metadata = to_jsonstat(_table(), "nb", values=False)
    assert metadata["value"] == [] and validate_jsonstat(json.loads(json.dumps(metadata))) is True


def test_px_reads_back_with_pyaxis(tmp_path: Path) -> None:
    path = tmp_path / "t.px"
    path.write_text(to_px(_table(), "nb"), encoding="utf-8")
    parsed = pyaxis.parse(uri=str(path), encoding="utf-8")
    data, meta = parsed["DATA"], parsed["METADATA"]
    assert list(data.columns) == ["Region", "Statistikkvariabel", "år", "DATA"]
    assert data["Region"].tolist()[:4] == ["Landet", "Landet", "Landet", "3401 Kongsvinger"]
    values = data["DATA"].tolist()
    # pyaxis keeps dot codes quoted, except that it reads '".."' as missing (NaN) and '"."' as empty
    assert values[:7] == ["10.3", "4.0", "6.3", '"..."', '"..."', "3.0", '"-"']
    assert values[7] != values[7] and values[8] == ""
    assert meta["CODES(Region)"] == list(REGIONS) and meta["DATASYMBOL3"] == [":"]
    assert meta["STUB"] == ["Region", "Statistikkvariabel"] and meta["HEADING"] == ["år"]


def test_px_data_block_has_one_row_per_stub_combination() -> None:
    text = to_px(_table(), "en")
    block = text.split("DATA=\n", 1)[1]
    assert block.rstrip().endswith(";")
    assert block.rstrip(";\n").split("\n") == ["10.3", "4.0", "6.3", '"..."', '"..."', "3.0", '"-"', '".."', '"."']
    assert 'LANGUAGE="en";' in text and 'TIMEVAL("year")=TLIST(A1),"2025";' in text


def test_csv_has_codes_labels_value_symbol_status() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_table(), "nb"))))
    assert len(rows) == 9
    assert rows[0] == {"region": "EAK", "region_label": "Landet", "statistikkvariabel": "T",
                       "statistikkvariabel_label": "I alt", "Tid": "2025", "Tid_label": "2025", "value": "10.3",
                       "symbol": "", "status": "preliminary"}
    assert (rows[3]["value"], rows[3]["symbol"]) == ("", ":")
    assert (rows[6]["value"], rows[6]["symbol"]) == ("0.0", "-")


def test_xlsx_reads_back_with_openpyxl() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_table(), "en")))
    rows = list(book["data"].iter_rows(values_only=True))
    assert rows[0][0] == "Places"
    assert rows[1][-3:] == ("value", "symbol", "status")
    assert rows[2][-3:] == (10.3, None, "preliminary")
    assert rows[5][-3:] == (None, ":", "preliminary")
    assert book["data"]["G3"].number_format == "0.0"  # one decimal, as the table's unit says
    about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True)}
    assert about[":"] == "Suppressed for confidentiality"


def test_statbank_files_are_positional_with_a_suppression_column_after_each_value() -> None:
    files = to_statbank_files(_table())
    data = files["test_plasser1.dat"]
    assert data.endswith("\r\n") and "\n" not in data.replace("\r\n", "")
    assert data.split("\r\n")[:3] == ["EAK;2025;10,3;;4,0;;6,3;", "3401;2025;;3;;3;3,0;", "3403;2025;0,0;4;;1;;2"]
    description = json.loads(files["uttrekksbeskrivelse.json"])
    columns = description["variables"]["test_plasser1.dat"]
    assert [v["Klassifikasjonsvariabel"] for v in columns["variabler"]] == ["region", "Tid"]
    assert [s["kolonnenummer"] for s in columns["statistikkvariabler"]] == ["3", "5", "7"]
    assert columns["null_prikk_missing"][0] == {"kolonnenummer": "4", "gjelder_for__kolonner_nummer": "3"}
    assert {s["Vises_som"] for s in description["suppression"]} == {"..", ".", ":", "-"}


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown language 'de'"):
        to_jsonstat(_table(), "de")
