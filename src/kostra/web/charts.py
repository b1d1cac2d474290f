"""Small server-side charts: horizontal bar charts as inline SVG.

Pages must work offline and without scripts, so charts are drawn here rather than in the browser.
Every bar carries its label and value as text (screen readers and copy-paste see the numbers), and
the chart as a whole has a ``<title>`` and ``role="img"``. Values are written the Norwegian way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kostra.web.formatting import format_number

__all__ = ["Bar", "horizontal_bars"]

CHAR_WIDTH = 7.2  # average width of one character at the chart's 12 px font, for trimming long labels


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and, optionally, a link and a tooltip."""

    label: str
    value: float
    href: str | None = None
    title: str | None = None


def _trim(label: str, width: float) -> str:
    room = max(int(width / CHAR_WIDTH), 4)
    return label if len(label) <= room else label[: room - 1] + "…"


def _bar(index: int, bar: Bar, scale: float, *, label_width: float, bar_height: float, gap: float,
         value_text: str) -> str:
    y = index * (bar_height + gap)
    length = max(bar.value * scale, 0.0)
    middle = y + bar_height / 2
    tooltip = escape(bar.title or f"{bar.label}: {value_text}")
    body = (
        f'<title>{tooltip}</title>'
        f'<text class="chart-label" x="{label_width - 6:.1f}" y="{middle:.1f}" text-anchor="end" '
        f'dominant-baseline="central">{escape(_trim(bar.label, label_width - 8))}</text>'
        f'<rect class="chart-bar" x="{label_width:.1f}" y="{y:.1f}" width="{length:.1f}" '
        f'height="{bar_height:.1f}" fill="#00824d"></rect>'
        f'<text class="chart-value" x="{label_width + length + 4:.1f}" y="{middle:.1f}" '
        f'dominant-baseline="central">{escape(value_text)}</text>'
    )
    if bar.href:
        return f'<a class="chart-link" href="{escape(bar.href)}">{body}</a>'
    return f'<g class="chart-row">{body}</g>'


def horizontal_bars(bars: Sequence[Bar], *, title: str, width: int = 560, label_width: int = 220,
                    bar_height: int = 18, gap: int = 6, value_format: Callable[[float], str] = format_number,
                    empty_text: str = "–") -> Markup:
    """An inline SVG horizontal bar chart of ``bars`` (drawn in the order given), safe to insert in a page.

    The longest bar fills the width left after the labels and room for its value; a chart without
    bars (or only zeros) still renders, with ``empty_text``, so a page never breaks on an empty run.
    """
    value_room = 70
    plot_width = max(width - label_width - value_room, 40)
    largest = max((b.value for b in bars), default=0.0)
    scale = plot_width / largest if largest > 0 else 0.0
    height = max(len(bars) * (bar_height + gap) - gap, bar_height)
    rows = [_bar(i, b, scale, label_width=label_width, bar_height=bar_height, gap=gap,
                 value_text=value_format(b.value)) for i, b in enumerate(bars)]
    if not bars:
        rows = [f'<text class="chart-empty" x="0" y="{bar_height / 2:.1f}" dominant-baseline="central">'
                f'{escape(empty_text)}</text>']
    svg = (
        f'<svg class="chart chart-hbar" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">'
        f'<title>{escape(title)}</title>{"".join(rows)}</svg>'
    )
    return Markup(svg)
