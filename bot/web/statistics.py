"""统计: 按期办结率 per unit over time and each unit's overdue items, drawn from the report itself.

Every point is the 督办通报's counts as of that day (`counts_over_time`, equal to `build_report`
for the same date: the page cannot drift from the report), the last one the report itself. The
points are month ends from the first month anything falls due up to the chosen date, which is
the last point; a longer history shows its last MONTHS months, all counted from one read.
"""
from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import Blueprint, g, render_template

from bot.cli.store_options import resolve_as_of
from bot.report.build import Figures, counts_over_time
from bot.report.wording import laggard_items, percent
from bot.web.reports import as_of_arg, build
from bot.web.stat_charts import OVERALL, count_bars, rate_lines

bp = Blueprint("statistics", __name__, url_prefix="/statistics")
MONTHS = 12


def points(first: date, last: date) -> list[date]:
    """Every month end from `first`'s month before `last`, then `last` itself."""
    days, month = [], date(first.year, first.month, 1)
    while (end := month + relativedelta(months=1) - timedelta(days=1)) < last:
        days.append(end)
        month += relativedelta(months=1)
    return days + [last]


def rate_title(name: str, day: date, counts) -> str:
    return (f"{name} 截至 {day}：按期办结率 {percent(counts.on_time_rate)}"
            f"（按期办结 {counts.on_time} / 应办结 {counts.assessed}）")


def history(points: list[Figures]) -> dict[str, list[tuple[float | None, str]]]:
    """Per unit (all units first, then in the last point's order), its 按期办结率 and <title> on
    each point's date; a unit a point does not list (not yet in the directory then) has no point there."""
    names = [OVERALL] + list(dict.fromkeys(unit for p in reversed(points) for unit in p.units))
    lines: dict[str, list[tuple[float | None, str]]] = {name: [] for name in names}
    for point in points:
        rows = {OVERALL: point.summary, **point.units}
        for name in names:
            counts = rows.get(name)
            lines[name].append((None, "") if counts is None else (counts.on_time_rate, rate_title(name, point.as_of, counts)))
    return lines


@bp.get("")
def index():
    errors: dict[str, str] = {}
    as_of = as_of_arg(errors)
    if errors:
        return render_template("statistics.html", errors=errors, as_of=None, report=None), 400
    report = build(as_of, "month")
    dues = [item.original_due for item in report.items]
    days = points(min(dues), as_of) if dues and min(dues) < as_of else [as_of]
    shown = days[-(MONTHS + 1):]
    earlier = counts_over_time(g.db, g.settings, [resolve_as_of(day, g.settings) for day in shown[:-1]], "month")
    lines = history(earlier + [Figures(as_of, report.period, report.summary, {u.unit: u.counts for u in report.units})])
    late = sorted((row for row in report.units if row.counts.overdue_open), key=lambda r: (-r.counts.overdue_open, r.unit))
    bars = count_bars([(row.unit, row.counts.overdue_open,
                        f"{row.unit} 截至 {as_of}：逾期未办结 {row.counts.overdue_open} 项") for row in late])
    return render_template("statistics.html", errors=errors, as_of=as_of, report=report, days=shown,
                           cut=len(days) - len(shown), months=MONTHS, lines=lines, chart=rate_lines(shown, lines),
                           late=late, bars=bars, laggards={lag.unit: laggard_items(lag) for lag in report.laggards},
                           percent=percent, overall=OVERALL)
