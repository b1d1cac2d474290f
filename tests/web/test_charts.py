"""Server-side SVG bar charts: well-formed, proportional, escaped, linked, Norwegian numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kostra.web.charts import Bar, horizontal_bars

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # raises on anything that is not well-formed XML


def test_bars_are_proportional_to_their_values_and_numbers_are_norwegian() -> None:
    svg = _parse(horizontal_bars([Bar("Innlandet", 12_500), Bar("Oslo", 2_500), Bar("Agder", 0)], title="Treff"))
    widths = [float(r.get("width", "nan")) for r in svg.iter(f"{SVG}rect")]
    assert len(widths) == 3 and widths[0] > 0
    assert widths[1] / widths[0] == pytest.approx(2_500 / 12_500, abs=1e-3) and widths[2] == 0
    values = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["12\u00a0500", "2\u00a0500", "0"]
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Treff"  # type: ignore[union-attr]


def test_labels_are_escaped_and_bars_link_where_asked() -> None:
    markup = str(horizontal_bars([Bar("<script>alert(1)</script> & co", 3, href="/x?a=1&b=2")], title="A & B"))
    assert "<script>" not in markup
    svg = _parse(markup)
    link = svg.find(f"{SVG}a")
    assert link is not None and link.get("href") == "/x?a=1&b=2"
    assert svg.get("aria-label") == "A & B"


def test_long_labels_are_trimmed_but_kept_whole_in_the_tooltip() -> None:
    label = "Personell og virksomhet i den kommunale helse- og omsorgstjenesten"
    svg = _parse(horizontal_bars([Bar(label, 1)], title="t", label_width=120))
    shown = next(t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label")
    assert shown is not None and shown.endswith("…") and len(shown) < len(label)
    assert any(label in (t.text or "") for t in svg.iter(f"{SVG}title"))


def test_an_empty_chart_still_renders() -> None:
    svg = _parse(horizontal_bars([], title="Ingen treff", empty_text="ingen data"))
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["ingen data"]
    assert list(svg.iter(f"{SVG}rect")) == []
