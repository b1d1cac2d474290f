"""Issue 14, point 6: the statbank API in the PxWeb v2 shape, over the hand-written table KS001.

Expected values are the ones written in tests/web/statbank_tables.py; formats are read back by their own
readers (jsonstat-validator, pyaxis, openpyxl, the csv module).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import TEST_BASE_URL
from tests.web.statbank_tables import statbank_source

from kostra.settings import Settings
from kostra.store import upgrade
from kostra.web.app import create_app

DATA = "/api/v2/tables/KS001/data"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home: Path = tmp_path_factory.mktemp("statbank")
    url = f"sqlite:///{home / 'k.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(home=home, database_url=url, base_url=TEST_BASE_URL, statbank_max_cells=40))
    app.state.statbank = statbank_source()
    with TestClient(app) as test_client:
        yield test_client


def test_tables_are_listed_and_searched(client: TestClient) -> None:
    listed = client.get("/api/v2/tables").json()
    assert [t["id"] for t in listed["tables"]] == ["KS001"]
    assert listed["tables"][0]["firstPeriod"] == "2022" and listed["tables"][0]["lastPeriod"] == "2025"
    assert listed["tables"][0]["release"]["status"] == "preliminary"
    english = client.get("/api/v2/tables", params={"query": "kindergartens", "lang": "en"}).json()
    assert english["language"] == "en" and english["tables"][0]["label"].startswith("Key figures")
    assert client.get("/api/v2/tables", params={"query": "sykehjem"}).json()["tables"] == []


def test_one_table_and_its_metadata(client: TestClient) -> None:
    table = client.get("/api/v2/tables/KS001").json()
    assert table["variableNames"] == ["Region", "Statistikkvariabel", "År"]
    meta = client.get("/api/v2/tables/KS001/metadata", params={"lang": "en"}).json()
    assert meta["class"] == "dataset" and meta["value"] == []  # JSON-stat requires the member: empty, no values
    assert meta["id"] == ["Region", "ContentsCode", "Tid"] and meta["size"] == [8, 2, 4]
    assert meta["role"] == {"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]}
    assert meta["dimension"]["Region"]["category"]["label"]["3401"] == "Kongsvinger"


def test_data_with_codes_and_top(client: TestClient) -> None:
    answer = client.get(f"{DATA}?valueCodes[Region]=3401,EAK&valueCodes[ContentsCode]=BHG"
                        "&valueCodes[Tid]=top(2)")
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["size"] == [2, 1, 2]
    assert list(data["dimension"]["Tid"]["category"]["index"]) == ["2024", "2025"]
    # Kongsvinger 2024, 2025 (suppressed), the country 2024, 2025.
    assert data["value"] == [92.4, None, 93.2, 93.5]
    assert data["status"] == {"1": ":"}


def test_json_stat_is_valid(client: TestClient) -> None:
    from jsonstat_validator import validate_jsonstat

    data = client.get(f"{DATA}?valueCodes[Region]=3401,3405&valueCodes[Tid]=bottom(1)").json()
    assert data["value"] == [91.5, 80100, None, None]  # Lillehammer 2022 missing
    assert data["status"] == {"2": "..", "3": ".."}
    assert validate_jsonstat(data) is True


@pytest.mark.parametrize(("expression", "years"), [
    ("*", ["2022", "2023", "2024", "2025"]), ("top(1)", ["2025"]), ("top(2,1)", ["2023", "2024"]),
    ("bottom(2)", ["2022", "2023"]), ("from(2024)", ["2024", "2025"]), ("to(2023)", ["2022", "2023"]),
    ("range(2023,2024)", ["2023", "2024"]), ("202?", ["2022", "2023", "2024", "2025"]),
    ("2022,top(1)", ["2022", "2025"]),
])
def test_selection_expressions(client: TestClient, expression: str, years: list[str]) -> None:
    answer = client.get(DATA, params={"valueCodes[Region]": "EAK", "valueCodes[Tid]": expression})
    assert list(answer.json()["dimension"]["Tid"]["category"]["index"]) == years


def test_post_form_gives_the_same_answer(client: TestClient) -> None:
    body = {"selection": [{"variableCode": "Region", "valueCodes": ["3401", "EAK"]},
                          {"variableCode": "ContentsCode", "valueCodes": ["BHG"]},
                          {"variableCode": "Tid", "valueCodes": ["top(2)"]}], "placement": {}}
    posted = client.post(DATA, json=body)
    assert posted.status_code == 200, posted.text
    got = client.get(f"{DATA}?valueCodes[Region]=3401,EAK&valueCodes[ContentsCode]=BHG&valueCodes[Tid]=top(2)")
    assert posted.json() == got.json()


def _error(answer: object, status: int, *words: str) -> None:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["ok"] is False and body["status"] == status and body["errors"], body
    for word in words:
        assert word in body["error"], body


def test_bad_queries_get_clear_errors(client: TestClient) -> None:
    _error(client.get("/api/v2/tables/NOPE"), 404, "NOPE")
    _error(client.get("/api/v2/tables/NOPE/data"), 404, "NOPE")
    _error(client.get(f"{DATA}?valueCodes[Kommune]=3401"), 400, "Kommune", "Region")
    _error(client.get(f"{DATA}?valueCodes[Region]=9999&valueCodes[Tid]=top(1)"), 400, "9999")
    _error(client.get(f"{DATA}?valueCodes[Region]=3401&valueCodes[Tid]=top(x)"), 400, "top(x)")
    _error(client.get(f"{DATA}?valueCodes[Region]=3401&valueCodes[Tid]=range(2025,2022)"), 400, "range")
    _error(client.get(f"{DATA}?valueCodes[Region]=3401&valueCodes[Tid]=last(2)"), 400, "last(2)")
    _error(client.get(f"{DATA}?valueCodes[Region]=3401&outputFormat=pdf"), 400, "pdf")
    _error(client.get(f"{DATA}?valueCodes[Region]=3401&lang=sv"), 400, "sv")
    _error(client.post(DATA, content=b"{not json"), 400, "JSON")
    _error(client.post(DATA, json={"selection": [{"variableCode": "Region", "valueCodes": "3401"}]}), 400,
           "valueCodes")


def test_the_cell_limit(client: TestClient) -> None:
    # 8 regions × 2 figures × 4 years = 64 cells > the 40 set for this app; 8 × 2 × 2 = 32 is allowed.
    _error(client.get(DATA), 400, "64", "40")
    assert client.get(f"{DATA}?valueCodes[Tid]=top(2)").status_code == 200


def test_csv_has_null_and_the_symbol(client: TestClient) -> None:
    answer = client.get(f"{DATA}?valueCodes[Region]=3401&valueCodes[ContentsCode]=BHG&outputFormat=csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert [(r["Tid"], r["value"], r["symbol"]) for r in rows] == [
        ("2022", "91.5", ""), ("2023", "92.0", ""), ("2024", "92.4", ""), ("2025", "", ":")]


def test_px_is_read_back_by_pyaxis(client: TestClient, tmp_path: Path) -> None:
    from pyaxis import pyaxis

    answer = client.get(f"{DATA}?valueCodes[Region]=3401,EAK&valueCodes[ContentsCode]=BHG"
                        "&valueCodes[Tid]=top(2)&outputFormat=px")
    path = tmp_path / "KS001.px"
    path.write_bytes(answer.content)
    frame = pyaxis.parse(uri=str(path), encoding="utf-8")["DATA"]
    # PX writes symbols as dot codes: ":" is '"..."' (DATASYMBOL3 says it shows as ":").
    assert list(frame["DATA"]) == ["92.4", '"..."', "93.2", "93.5"]
    assert 'DATASYMBOL3=":"' in answer.text
    assert list(frame["Region"]) == ["Kongsvinger", "Kongsvinger", "Landet", "Landet"]


def test_xlsx_is_read_back_by_openpyxl(client: TestClient) -> None:
    from openpyxl import load_workbook

    answer = client.get(f"{DATA}?valueCodes[Region]=3401&valueCodes[ContentsCode]=BHG&outputFormat=xlsx")
    assert 'filename="KS001.xlsx"' in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content))["data"]
    rows = list(sheet.iter_rows(values_only=True))  # the title, the header, then one row per cell
    value, symbol = rows[1].index("value"), rows[1].index("symbol")
    assert [(r[value], r[symbol]) for r in rows[2:]] == [(91.5, None), (92.0, None), (92.4, None), (None, ":")]


def test_no_release_no_tables(app_client: TestClient) -> None:
    """An app whose database holds no published release shows nothing, and says so in the API's shape."""
    assert app_client.get("/api/v2/tables").json()["tables"] == []
    _error(app_client.get("/api/v2/tables/KS001/metadata"), 404, "KS001")

_PIECES = st.sampled_from(["*", "top(", "bottom(", "from(", "range(", ")", ",", "2", "3401", "EAK", "x", "%", "[", " "])
_VALUE = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
                   st.lists(_PIECES, max_size=6).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variable=st.sampled_from(["Region", "Tid", "ContentsCode", "tid", "Nope", ""]), value=_VALUE,
       fmt=st.sampled_from(["json-stat2", "csv", "px", "xlsx", "html", ""]))
def test_any_query_gets_an_answer_or_a_clear_error(client: TestClient, variable: str, value: str, fmt: str) -> None:
    answer = client.get(DATA, params={f"valueCodes[{variable}]": value, "outputFormat": fmt,
                                      "valueCodes[Region]": "3401"} if variable != "Region" else
                        {"valueCodes[Region]": value, "outputFormat": fmt})
    assert answer.status_code in {200, 400}, (variable, value, fmt, answer.text[:300])
    if answer.status_code == 400:
        assert answer.json()["ok"] is False and answer.json()["error"]
