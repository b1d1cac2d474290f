"""Vega-Lite specifications of the profile line charts, from the same series as the server-side SVG.

The page embeds each specification as a JSON data block (``<script type="application/json">``, never
executed, so the CSP allows it); ``static/profile-charts.js`` draws it with Vega's expression interpreter
(no ``new Function``) and only then hides the SVG of ``charts_lines``, which stays the chart without
JavaScript. Colours and dash patterns are those of the SVG, numbers are formatted by d3-format under the
Norwegian locale the script sets (decimal comma, no-break space between thousands).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from kostra.web.charts_lines import COLOURS, DASHES, Series

__all__ = ["ChartTexts", "line_spec", "spec_json"]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class ChartTexts:
    """The words of one chart in the page's language."""

    title: str  # shown above the chart
    description: str  # Vega puts it in the SVG's aria-label
    year: str  # x axis and tooltip
    region: str  # legend and tooltip
    value: str  # y axis and tooltip: the key figure (and its unit)


def _dash(pattern: str) -> list[float]:
    return [float(part) for part in pattern.split()]  # "" (solid) is the empty list


def _values(labels: Sequence[str], series: Sequence[Series]) -> list[dict[str, Any]]:
    """One row per region and year; a missing value stays ``null`` so the line has a gap, never a 0."""
    return [{"region": s.name, "year": label, "value": value}
            for s in series for label, value in zip(labels, s.values, strict=True)]


def line_spec(labels: Sequence[str], series: Sequence[Series], texts: ChartTexts, *, decimals: int = 0,
              width: int = 460, height: int = 180) -> dict[str, Any]:
    """A Vega-Lite line chart of ``series`` over ``labels`` (the years), one line per region."""
    names = [s.name for s in series]
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(names))]
    dashes = [_dash(DASHES[i % len(DASHES)]) for i in range(len(names))]
    number = f",.{decimals}f"  # as the table: 92,4 and 80 000,0
    axis_number = f",.{decimals}~f"  # the axis without trailing zeros: 80 000, 92,5
    # The legend draws each line's stroke, so its dash pattern tells the regions apart without colour.
    legend = {"title": texts.region, "orient": "bottom", "direction": "vertical", "symbolType": "stroke",
              "symbolStrokeWidth": 2}
    region = {"field": "region", "type": "nominal", "title": texts.region, "sort": names, "legend": legend}
    return {
        "$schema": SCHEMA,
        "title": texts.title,
        "description": texts.description,
        "width": width,
        "height": height,
        "data": {"values": _values(labels, series)},
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": texts.year, "sort": list(labels),
                  "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": texts.value, "axis": {"format": axis_number}},
            "color": {**region, "scale": {"domain": names, "range": colours}},
            "strokeDash": {**region, "scale": {"domain": names, "range": dashes}},
            "tooltip": [
                {"field": "region", "type": "nominal", "title": texts.region},
                {"field": "year", "type": "ordinal", "title": texts.year},
                {"field": "value", "type": "quantitative", "title": texts.value, "format": number},
            ],
        },
    }


def spec_json(spec: dict[str, Any]) -> Markup:
    """The specification as JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&``
    are escaped, so a region or table name can never close the element."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
