"""The profile's Vega-Lite specs (JSON data blocks on the page) carry the numbers of the table beside them.

Expected values are the hand-written table KS001 (``tests/web/statbank_tables.py``): Kongsvinger's share of
children in kindergarten 91,5 / 92,0 / 92,4 / suppressed in 2022–2025, its group, county and the country.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.statbank_tables import statbank_client

from kostra.web.charts_lines import Series
from kostra.web.charts_vegalite import ChartTexts, line_spec, spec_json

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with statbank_client(tmp_path_factory.mktemp("profile-specs")) as test_client:
        yield test_client


def _specs(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/json" id="chart-spec-\d+">(.*?)</script>', html, flags=re.S)
    return [json.loads(block) for block in blocks]


def _tables(html: str) -> list[dict[str, list[str]]]:
    """Each table on the page as {region name: its cells as shown}."""
    found = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S):
        rows = re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', body, flags=re.S)
        found.append({name: re.findall(r'<td class="num">([^<]*)</td>', cells) for name, cells in rows})
    return found


def _shown(value: float | None) -> str:
    """A spec value as the table shows it: one decimal, decimal comma, no-break space between thousands."""
    return ":" if value is None else f"{value:,.1f}".replace(",", NBSP).replace(".", ",")


def test_each_spec_holds_the_numbers_of_its_table(client: TestClient) -> None:
    html = client.get("/profile/2025/3401").text
    specs, tables = _specs(html), _tables(html)
    assert len(specs) == len(tables) == 2
    share = specs[0]["data"]["values"]
    assert [(v["region"], v["year"], v["value"]) for v in share[:4]] == [
        ("Kongsvinger", "2022", 91.5), ("Kongsvinger", "2023", 92.0), ("Kongsvinger", "2024", 92.4),
        ("Kongsvinger", "2025", None)]  # suppressed: no point, never a 0
    assert {v["region"] for v in share} == {"Kongsvinger", "KOSTRA-gruppe 7", "Innlandet", "Landet"}
    for spec, table in zip(specs, tables, strict=True):
        years = spec["encoding"]["x"]["sort"]
        assert years == ["2022", "2023", "2024", "2025"]
        by_region: dict[str, list[str]] = {}
        for value in spec["data"]["values"]:
            by_region.setdefault(value["region"], []).append(_shown(value["value"]))
        assert by_region == table
    assert tables[1]["Kongsvinger"] == [f"80{NBSP}100,0", f"83{NBSP}250,0", f"86{NBSP}900,0", f"90{NBSP}200,0"]


def test_spec_texts_follow_the_page_language(client: TestClient) -> None:
    nb = _specs(client.get("/profile/2025/3401").text)[0]
    en = _specs(client.get("/profile/2025/3401?lang=en").text)[0]
    client.cookies.clear()
    assert nb["title"] == "Andel barn 1–5 år med barnehageplass"
    assert nb["description"] == ("Andel barn 1–5 år med barnehageplass, over år. "
                                 "Linjediagram. Tallene står i tabellen under.")
    assert nb["encoding"]["x"]["title"] == "År" and en["encoding"]["x"]["title"] == "Year"
    assert en["title"] == "Share of children 1–5 in kindergarten"
    assert en["description"].endswith("Line chart. The figures are in the table below.")
    assert nb["encoding"]["tooltip"][2]["format"] == ",.1f"  # d3-format; the script sets the Norwegian locale


def test_spec_json_cannot_close_its_script_element() -> None:
    texts = ChartTexts(title="</script><script>alert(1)</script>", description="a & b", year="År",
                       region="Region", value="kr")
    text = str(spec_json(line_spec(["2024"], [Series("<b>", (1.0,))], texts)))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>"


def test_the_chart_scripts_and_their_licences_are_served(client: TestClient) -> None:
    page = client.get("/profile/2025/3401").text
    scripts = re.findall(r'<script (?:type="module" )?src="([^"]+)"', page)
    ours = {"/static/vendor/vega.min.js", "/static/vendor/vega-lite.min.js", "/static/profile-charts.js"}
    assert ours <= set(scripts)
    for path in [*scripts, "/static/vendor/vega-interpreter.js", "/static/vendor/vega-util-global.js"]:
        answer = client.get(path)
        assert answer.status_code == 200 and "javascript" in answer.headers["content-type"], path
    assert 't.version="6.4.0"' in client.get("/static/vendor/vega.min.js").text  # as vendor/README.md says
    for name in ("vega", "vega-lite", "vega-interpreter"):
        licence = client.get(f"/static/vendor/{name}.LICENSE.txt")
        assert licence.status_code == 200 and "Redistribution and use in source and binary forms" in licence.text
