"""Charts drawn as SVG on the server: no chart library, nothing for the browser to run.

Each function returns a small description (rows, marks, axis ticks) that the template
turns into <svg> elements, so escaping stays Jinja's job and the shapes are testable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The state of a unit's milestone and its colour on every page (红/黄/绿 as offices know them).
COLOURS = {"done": "#2e7d32", "overdue": "#c62828", "due_soon": "#f9a825", "later": "#78909c"}


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    colour: str
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: list[tuple[float, str]]  # (y, unit name)
    ticks: list[tuple[float, str]]  # (x, month label)
    marks: list[Mark]
    today_x: float | None


def timeline(items: list[tuple[str, date, str, str]], start: date, end: date, *, today: date | None = None,
             width: int = 760, row_height: int = 22, left: int = 180) -> Timeline:
    """Milestones by unit over [start, end]: items are (unit, due, state, label)."""
    units = list(dict.fromkeys(unit for unit, *_ in items))
    span = max((end - start).days, 1)
    plot = width - left - 10

    def x_of(day: date) -> float:
        return round(left + plot * min(max((day - start).days, 0), span) / span, 1)

    rows = [(30 + i * row_height, unit) for i, unit in enumerate(units)]
    y_of = {unit: y for y, unit in rows}
    ticks, month = [], date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            ticks.append((x_of(month), f"{month.month}月"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    marks = [Mark(x_of(due), y_of[unit] - 4, COLOURS.get(state, COLOURS["later"]), label)
             for unit, due, state, label in items]
    today_x = x_of(today) if today is not None and start <= today <= end else None
    return Timeline(width, 40 + len(units) * row_height, rows, ticks, marks, today_x)
