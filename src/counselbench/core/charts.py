"""Bar charts drawn on the server as SVG, for paper (PDF) where no script runs.

The screen pages draw the same figures with Chart.js; these keep printed documents readable
without it. `horizontal_bars` only lays out; the template `core/_bar_chart.svg` draws.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 210
BAR_AREA = 300
ROW_HEIGHT = 22
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the value as the reader should read it ("$12,400")
    y: int
    width: float
    text_y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    label_width: int
    value_x: int
    width: int
    height: int
    bar_height: int


def horizontal_bars(title: str, rows: list[tuple[str, int, str]]) -> BarChart:
    """(label, value, value as shown) rows; bars scaled to the largest value, none below zero."""
    top = max((value for _, value, _ in rows), default=0)
    bars = []
    for index, (label, value, shown) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        width = BAR_AREA * max(value, 0) / top if top > 0 else 0.0
        bars.append(Bar(label, shown, y, round(width, 1), y + BAR_HEIGHT - 3))
    return BarChart(
        title=title,
        bars=bars,
        label_width=LABEL_WIDTH,
        value_x=LABEL_WIDTH + BAR_AREA + 6,
        width=LABEL_WIDTH + BAR_AREA + 90,
        height=len(rows) * ROW_HEIGHT + 8,
        bar_height=BAR_HEIGHT,
    )
