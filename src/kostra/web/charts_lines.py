"""Line charts as inline SVG: one key figure over years for a region and what it is compared with.

Drawn on the server like ``charts.py`` (no script, so it works under the CSP and without JavaScript). Each
line has its own colour and dash pattern (told apart without colour), each point a ``<title>`` with its
value, and the chart a ``role="img"`` with a summary; the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kostra.web.formatting import format_number

__all__ = ["Series", "line_chart"]

COLOURS = ("#00824d", "#1a3d6d", "#c0392b", "#6f4e9c", "#8a6d00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")


@dataclass(frozen=True)
class Series:
    """One line: its name and a value (or None: no point) for every label on the x axis."""

    name: str
    values: tuple[float | None, ...]


def _scale(series: Sequence[Series]) -> tuple[float, float]:
    numbers = [v for s in series for v in s.values if v is not None]
    if not numbers:
        return 0.0, 1.0
    low, high = min(min(numbers), 0.0), max(numbers)
    return low, high if high > low else low + 1.0


def _line(index: int, series: Series, xs: list[float], y_of: object, decimals: int, labels: Sequence[str]) -> str:
    colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
    points = [(x, y_of(v), v, label) for x, v, label in zip(xs, series.values, labels, strict=True)  # type: ignore[operator]
              if v is not None]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(series.name)}, '
        f'{escape(label)}: {escape(format_number(v, decimals))}</title></circle>' for x, y, v, label in points)
    return (f'<g class="chart-series"><polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
            f'{dash_attr}></polyline>{marks}</g>')


def _legend(series: Sequence[Series], top: float) -> str:
    items = []
    for i, s in enumerate(series):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        y = top + i * 16
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<line x1="0" y1="{y:.1f}" x2="24" y2="{y:.1f}" stroke="{colour}" stroke-width="2"{dash_attr}>'
                     f'</line><text class="chart-label" x="30" y="{y:.1f}" dominant-baseline="central">'
                     f'{escape(s.name)}</text>')
    return "".join(items)


def line_chart(labels: Sequence[str], series: Sequence[Series], *, title: str, decimals: int = 0,
               width: int = 520, height: int = 180) -> Markup:
    """An inline SVG line chart of ``series`` over ``labels`` (the years), with a legend below it."""
    left, right, top, bottom = 56.0, 16.0, 10.0, 24.0
    low, high = _scale(series)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    xs = [left + i * step if len(labels) > 1 else left + plot_w / 2 for i in range(len(labels))]

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    axis = (f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#888"></line>'
            + "".join(f'<text class="chart-label" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
                      f'{escape(label)}</text>' for x, label in zip(xs, labels, strict=True))
            + "".join(f'<text class="chart-label" x="{left - 6}" y="{y_of(v):.1f}" text-anchor="end" '
                      f'dominant-baseline="central">{escape(format_number(v, decimals))}</text>'
                      for v in (low, high)))
    lines = "".join(_line(i, s, xs, y_of, decimals, labels) for i, s in enumerate(series))
    total = height + 8 + 16 * len(series)
    svg = (f'<svg class="chart chart-line" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'viewBox="0 0 {width} {total}" width="{width}" height="{total}" aria-label="{escape(title)}">'
           f'<title>{escape(title)}</title>{axis}{lines}{_legend(series, height + 8)}</svg>')
    return Markup(svg)
