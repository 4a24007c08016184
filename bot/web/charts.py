"""Charts drawn as SVG on the server: no chart library, nothing for the browser to run.

Each function returns a small description (rows, marks, axis ticks) that the template
turns into <svg> elements, so escaping stays Jinja's job and the shapes are testable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# The state of a unit's milestone and its colour on every page (红/黄/绿 as offices know them).
COLOURS = {"done": "#2e7d32", "overdue": "#c62828", "due_soon": "#f9a825", "later": "#78909c"}
STATE_NAMES = {"done": "已完成", "overdue": "逾期", "due_soon": "临期", "later": "未到期"}
LISTED = 10  # items a timeline mark names in its tooltip; the count says how many there are


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    colour: str
    label: str
    r: float = 4


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
    """Milestones by unit over [start, end]: items are (unit, due, state, label).

    One mark per unit × month × state, larger for more items, its tooltip giving the count and
    naming the first items: a 2,000-task list has 12,000 unit milestones, more dots than a
    browser draws quickly or a person can read."""
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
    cells: dict[tuple[str, date, str], list[str]] = {}
    for unit, due, state, label in items:
        cells.setdefault((unit, due.replace(day=1), state if state in COLOURS else "later"), []).append(label)
    states = list(COLOURS)
    marks = []
    for (unit, month, state), labels in sorted(cells.items(), key=lambda c: (y_of[c[0][0]], c[0][1], states.index(c[0][2]))):
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        x = x_of(month) + (x_of(after) - x_of(month)) * (states.index(state) + 0.5) / len(states)
        named = "、".join(labels[:LISTED]) + ("等" if len(labels) > LISTED else "")
        marks.append(Mark(round(x, 1), y_of[unit] - 4, COLOURS[state],
                          f"{unit} {month.year}年{month.month}月 {STATE_NAMES[state]} {len(labels)} 个：{named}",
                          round(min(2.5 + math.sqrt(len(labels)), 5.5), 1)))
    today_x = x_of(today) if today is not None and start <= today <= end else None
    return Timeline(width, 40 + len(units) * row_height, rows, ticks, marks, today_x)
