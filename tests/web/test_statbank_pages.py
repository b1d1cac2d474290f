"""Issue 14, point 7: the public statbank pages and the region profiles, over the hand-written table KS001."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.web.statbank_tables import statbank_client

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with statbank_client(tmp_path_factory.mktemp("statbank-pages")) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def bokmal(client: TestClient) -> None:
    client.cookies.clear()  # a page asked in English keeps English in a cookie: each test starts in bokmål


def _cells(html: str) -> list[str]:
    return re.findall(r'<td class="num">([^<]*)</td>', html)


def test_the_list_of_tables(client: TestClient) -> None:
    page = client.get("/statbank")
    assert page.status_code == 200
    assert 'href="/statbank/KS001"' in page.text and "Foreløpige tall, 2026-03-15" in page.text
    assert "Preliminary figures" in client.get("/statbank?lang=en").text


def test_choosing_values_shows_them_with_headers(client: TestClient) -> None:
    page = client.get("/statbank/KS001?Region=3401&Region=EAK&ContentsCode=BHG&Tid=2024&Tid=2025")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<label for="var-Region">Region</label>' in html
    assert '<option value="3401" selected>Kongsvinger</option>' in html
    assert '<option value="3405">Lillehammer</option>' in html  # not chosen
    assert '<th scope="col" class="num">År: 2025</th>' in html
    assert '<th scope="row">Kongsvinger</th>' in html
    # Kongsvinger 2024, 2025 (suppressed); the country 2024, 2025 – Norwegian decimal commas.
    assert _cells(html) == ["92,4", ":", "93,2", "93,5"]
    downloads = re.findall(r'<li><a href="([^"]+)" download>(\w[\w-]*)</a></li>', html)
    assert [label for _, label in downloads] == ["JSON-STAT2", "CSV", "PX", "XLSX"]
    csv_link = downloads[1][0].replace("&amp;", "&")
    answer = client.get(csv_link)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.decode("utf-8").count("\r\n") == 5  # the header and four cells


def test_the_first_visit_shows_a_default_selection(client: TestClient) -> None:
    page = client.get("/statbank/KS001")
    assert page.status_code == 200
    assert len(_cells(page.text)) == 8 * 2 * 4  # every variable is small: all of it


def test_english_labels(client: TestClient) -> None:
    page = client.get("/statbank/KS001?lang=en&ContentsCode=NDU&Region=3405&Tid=2022")
    assert "Net operating expenditure per inhabitant" in page.text and "Show table" in page.text
    assert _cells(page.text) == [".."]


def test_a_bad_choice_is_explained_on_the_page(client: TestClient) -> None:
    page = client.get("/statbank/KS001?Region=9999")
    assert page.status_code == 400
    assert "unknown value code &#39;9999&#39;" in page.text and 'role="alert"' in page.text
    assert client.get("/statbank/NOPE").status_code == 404


def test_municipality_profile_against_group_county_country(client: TestClient) -> None:
    page = client.get("/profile/2025/3401")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Kongsvinger (3401), 2025" in html and "Foreløpige tall, publisert 2026-03-15" in html
    names = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert names[:4] == ["Kongsvinger", "KOSTRA-gruppe 7", "Innlandet", "Landet"]
    assert "Lillehammer" not in names  # only the region and what it is compared with
    cells = _cells(html)
    assert cells[:4] == ["91,5", "92,0", "92,4", ":"]  # share in kindergarten, 2022–2025
    assert f"80{NBSP}100,0" in cells
    assert html.count('<svg class="chart chart-line"') == 2 and 'role="img"' in html
    assert 'aria-label="Andel barn 1–5 år med barnehageplass, over år.' in html


def test_district_profile_and_english(client: TestClient) -> None:
    page = client.get("/profile/2025/030102?lang=en")
    names = re.findall(r'<th scope="row">([^<]+)</th>', page.text)
    assert names[:3] == ["Bydel Grünerløkka", "Oslo bydeler i alt", "Oslo"]
    assert "Compared with all Oslo districts, Oslo and the country." in page.text


def test_profile_of_what_is_not_a_municipality(client: TestClient) -> None:
    assert client.get("/profile/2025/9999").status_code == 404
    assert client.get("/profile/2025/34").status_code == 404  # a county has no profile page
    nothing = client.get("/profile/2024/3401")  # no release of 2024 is published
    assert nothing.status_code == 200 and "Det er ikke publisert nøkkeltall" in nothing.text
