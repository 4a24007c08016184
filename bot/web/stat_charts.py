"""The statistics page's charts: 按期办结率 per unit over time (lines) and overdue items per unit (bars).

Like charts.timeline, each function returns the shapes (coordinates, colours, the <title> text of
every mark) and the template draws them, so escaping stays Jinja's job and the figures a chart
shows can be read back in a test.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.web.charts import COLOURS, Mark

# Line colours, distinct on white and for the common colour blindnesses (Okabe–Ito, then darker tones);
# all units together is drawn thicker in near-black.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
           "#1b5e20", "#4a148c", "#bf360c", "#006064", "#827717", "#880e4f", "#3e2723", "#263238")
OVERALL = "全部单位"


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """`value` in [low, high] mapped onto [start, end], clamped, rounded for compact SVG."""
    share = 0.0 if high == low else min(max((value - low) / (high - low), 0.0), 1.0)
    return round(start + (end - start) * share, 1)


def tick(day: date, with_year: bool) -> str:
    """6月末 for a month end, 10月8日 otherwise; the year where it starts or changes."""
    month_end = (day + timedelta(days=1)).day == 1
    return (f"{day.year}年" if with_year else "") + (f"{day.month}月末" if month_end else f"{day.month}月{day.day}日")


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    marks: list[Mark]        # one per date with items due; the <title> says unit, date, rate, counts
    segments: list[str]      # polyline `points` strings: a date with nothing due breaks the line


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int              # y of the zero line
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[Series]


def rate_lines(days: list[date], series: dict[str, list[tuple[float | None, str]]], *, width: int = 860,
               height: int = 320, left: int = 48, top: int = 16) -> LineChart:
    """One line per name over `days`: series[name][i] is (rate or None, its <title>) on days[i].

    The rate axis is 0–100% whatever the data: a unit's line must not look better because the axis moved.
    """
    right, bottom = width - 16, height - 28

    def x_of(i: int) -> float:
        return _scale(i, 0, max(len(days) - 1, 1), left + 8, right)

    def y_of(rate: float) -> float:
        return _scale(rate, 0.0, 1.0, bottom, top)

    x_ticks = [(x_of(i), tick(day, i == 0 or day.year != days[i - 1].year)) for i, day in enumerate(days)]
    y_ticks = [(y_of(r / 100), f"{r}%") for r in range(0, 101, 25)]
    drawn = []
    for n, (name, values) in enumerate(series.items()):
        colour = "#222222" if name == OVERALL else PALETTE[n % len(PALETTE)]
        marks, segments, run = [], [], []
        for i, (rate, title) in enumerate(values):
            if rate is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            x, y = x_of(i), y_of(rate)
            marks.append(Mark(x, y, colour, title))
            run.append(f"{x},{y}")
        if run:
            segments.append(" ".join(run))
        drawn.append(Series(name, colour, marks, segments))
    return LineChart(width, height, left, top, bottom, x_ticks, y_ticks, drawn)


@dataclass(frozen=True)
class Bar:
    y: float
    length: float
    value: int
    name: str
    title: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bar_height: int
    colour: str
    bars: list[Bar]


def count_bars(values: list[tuple[str, int, str]], *, colour: str = COLOURS["overdue"], width: int = 760,
               left: int = 180, row_height: int = 22) -> BarChart:
    """Horizontal bars, one per (name, count, <title>), longest scaled to the plot's width."""
    plot = width - left - 50
    most = max((count for _, count, _ in values), default=0)
    bars = [Bar(10 + i * row_height, _scale(count, 0, most, 0, plot) if most else 0.0, count, name, title)
            for i, (name, count, title) in enumerate(values)]
    return BarChart(width, 20 + len(values) * row_height, left, row_height - 6, colour, bars)
