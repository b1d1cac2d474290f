"""Server-side SVG line charts (a key figure over the years, one line per region), in the style of ``charts``.

No scripts: the chart is inline SVG with a ``<title>`` and a ``<desc>`` that says every value in words, and
the page puts the same numbers in a table beside it. A missing year breaks the line (a gap), never a 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kostra.web.formatting import format_number

__all__ = ["Line", "line_chart", "text_alternative"]

# Distinguishable for colour-blind readers (Okabe–Ito), the municipality in SSB's green.
COLOURS = ("#00824d", "#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4")  # a second cue besides colour


@dataclass(frozen=True)
class Line:
    """One region's values by year (``None``: no value that year)."""

    label: str
    values: dict[int, float | None]


def text_alternative(lines: Sequence[Line], years: Sequence[int], missing: str = "..",
                     value_format: Callable[[float], str] = format_number) -> str:
    """Every value of the chart in words: ``Kongsvinger: 2023 12,5, 2024 13,1. EKG07: …``."""
    parts = []
    for line in lines:
        values = ", ".join(f"{year} {missing if line.values.get(year) is None else value_format(line.values[year])}"
                           for year in years)  # type: ignore[arg-type]
        parts.append(f"{line.label}: {values}.")
    return " ".join(parts)


def _scale(lines: Sequence[Line]) -> tuple[float, float]:
    found = [v for line in lines for v in line.values.values() if v is not None]
    low, high = (min(*found, 0.0), max(*found, 0.0)) if found else (0.0, 1.0)  # the axis starts at 0
    return (low, high) if high > low else (low, low + 1.0)


def _paths(line: Line, years: Sequence[int], x: Callable[[int], float], y: Callable[[float], float]) -> list[str]:
    """The line as one path per run of consecutive years with values."""
    runs: list[list[str]] = [[]]
    for year in years:
        value = line.values.get(year)
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x(year):.1f},{y(value):.1f}")
    return [" ".join(run) for run in runs if run]


def _axes(years: Sequence[int], x: Callable[[int], float], low: float, high: float, *, left: float, right: float,
          top: float, bottom: float, value_format: Callable[[float], str]) -> str:
    ticks = "".join(f'<text class="chart-label" x="{x(year):.1f}" y="{bottom + 16:.1f}" text-anchor="middle">'
                    f'{year}</text>' for year in years)
    return (f'<line class="chart-axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#666"></line>'
            f'<line class="chart-axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#666"></line>'
            f'<text class="chart-label" x="{left - 4}" y="{top + 4}" text-anchor="end">'
            f'{escape(value_format(high))}</text>'
            f'<text class="chart-label" x="{left - 4}" y="{bottom}" text-anchor="end">'
            f'{escape(value_format(low))}</text>'
            f'{ticks}')


def _legend(lines: Sequence[Line], top: float, right: float) -> str:
    rows = []
    for index, line in enumerate(lines):
        y = top + index * 18
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        rows.append(f'<line x1="{right + 10}" y1="{y}" x2="{right + 34}" y2="{y}" stroke="{colour}" '
                    f'stroke-width="2" stroke-dasharray="{dash}"></line>'
                    f'<text class="chart-label" x="{right + 40}" y="{y + 4}">{escape(line.label)}</text>')
    return "".join(rows)


def line_chart(lines: Sequence[Line], years: Sequence[int], *, title: str, width: int = 640, height: int = 220,
               value_format: Callable[[float], str] = format_number) -> Markup:
    """An inline SVG line chart of ``lines`` over ``years``, safe to insert in a page.

    The ``<desc>`` holds :func:`text_alternative`, so a screen reader hears every value.
    """
    left, right, top, bottom = 60.0, width - 190.0, 10.0, height - 30.0
    low, high = _scale(lines)
    step = (right - left) / max(len(years) - 1, 1)
    position = {year: left + i * step for i, year in enumerate(years)}

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    drawn = []
    for index, line in enumerate(lines):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        for points in _paths(line, years, position.__getitem__, y):
            drawn.append(f'<polyline class="chart-line" fill="none" stroke="{colour}" stroke-width="2" '
                         f'stroke-dasharray="{dash}" points="{points}"></polyline>')
            drawn.extend(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5" fill="{colour}"></circle>'
                         for p in points.split())
    description = text_alternative(lines, years, value_format=value_format)
    axes = _axes(years, position.__getitem__, low, high, left=left, right=right, top=top, bottom=bottom,
                 value_format=value_format)
    svg = (f'<svg class="chart chart-line" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">'
           f'<title>{escape(title)}</title><desc>{escape(description)}</desc>'
           f'{axes}{"".join(drawn)}{_legend(lines, top, right)}</svg>')
    return Markup(svg)
