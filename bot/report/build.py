"""The 督办通报's figures from the store, counted once from the rows `status --format json` shows.

The summary and each unit's counts are tallies of `item_rows`' figures (the JSON's "items"),
the unit lights are `status_rows`' (its "units"), so the report and `status` can never disagree
for the same as-of date. Everything recorded after `as_of` is left out (bot.answers.report).
`Counted` reads the rows once and counts them at any number of dates: the statistics page's
month ends are one read, not one report each.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.flows import DONE, PENDING_REVIEW
from bot.answers.report import Recorded, shown
from bot.config.settings import Settings
from bot.errors import DubanError
from bot.plan.views import light, status_rows
from bot.report.model import PERIOD_LABELS, PERIODS, Counts, ItemRow, Laggard, Period, Report, UnitRow
from bot.store.models import Document, Milestone, Task

TIMELINESS = {"按期办结": "on_time", "延期办结": "extended_done", "逾期办结": "late_done", "逾期": "overdue_open"}


def period_of(kind: str, day: date) -> Period:
    """The week (ISO, Monday to Sunday), month, quarter or year that contains `day`."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == "year":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    else:
        raise DubanError(f"未知的通报周期「{kind}」，可选: "
                         + "、".join(f"{k}（{PERIOD_LABELS[k]}）" for k in PERIODS) + "。")
    months = 1 if kind == "month" else 3
    following = date(start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1)
    return Period(kind, start, following - timedelta(days=1))


class Fact(NamedTuple):
    """What a unit item adds to the counts on a date; items alike on that date share one."""

    due: date
    state: str
    timeliness: str
    acknowledged: bool
    progress: bool              # a progress report made by then


def _tally(facts: Counter, today: date, period: Period) -> Counts:
    """Counts of `facts` (Fact → how many items)."""
    n: Counter = Counter()
    for f, k in facts.items():
        still_open = f.state != DONE
        n["total"] += k
        if f.due <= today:
            n["due"] += k
        elif not still_open:
            n["done_not_due"] += k
        if period.start <= f.due <= period.end:
            n["due_in_period"] += k
        if f.timeliness:
            n[TIMELINESS[f.timeliness]] += k
        if still_open:
            n["open_not_due"] += k * (f.due >= today)
            n["unacknowledged"] += k * (not f.acknowledged)
            n["pending_review"] += k * (f.state == PENDING_REVIEW)
            n["no_progress"] += k * (f.due <= today and not f.progress and f.state != PENDING_REVIEW)
    return Counts(**n)


@dataclass(frozen=True)
class Figures:
    """A report's counts on one date, without its items and lights: a point of the statistics page."""

    as_of: date
    period: Period
    summary: Counts
    units: dict[str, Counts]    # in the order the items list the units


class Counted:
    """The live unit items read once (bot.answers.report.Recorded), counted at any date. The items
    nobody has answered stand alike at every date for the same unit, due date and done mark, so
    each such group is weighed once; the answered ones are read one by one."""

    def __init__(self, session: Session, settings: Settings):
        self.recorded = Recorded(session, settings.tz)
        answered = {item.milestone_unit_id for item in self.recorded.answers.items}
        groups: dict[tuple, list] = {}
        self.answered = []
        for row in self.recorded.units:
            if row.mu_id in answered:
                self.answered.append(row)
            else:
                groups.setdefault((row.unit, row.schedule, row.done_at), [row, 0])[1] += 1
        self.alike = list(groups.values())
        self.unit_names = list(dict.fromkeys(row.unit for row in self.recorded.units))

    def figures(self, as_of: datetime, period_kind: str) -> Figures:
        tz = self.recorded.tz
        today = as_of.astimezone(tz).date()
        period = period_of(period_kind, today)
        facts: dict[str, Counter] = {unit: Counter() for unit in self.unit_names}
        for row, n in self.alike:
            s = shown(row, None, as_of, today, tz)
            facts[row.unit][Fact(s.due, s.state, s.timeliness, False, False)] += n
        items = self.recorded.answers.at(as_of)
        for row in self.answered:
            item = items[row.mu_id]
            s = shown(row, item, as_of, today, tz)
            facts[row.unit][Fact(s.due, s.state, s.timeliness, item.acknowledged_at is not None,
                                 bool(item.progress))] += 1
        units = {unit: _tally(f, today, period) for unit, f in facts.items()}
        return Figures(today, period, _tally(sum(facts.values(), Counter()), today, period), units)


def counts_over_time(session: Session, settings: Settings, as_ofs: list[datetime],
                     period_kind: str = "month") -> list[Figures]:
    """The report's summary and per-unit counts at each of `as_ofs`, from one read: equal to
    `build_report` at each date (its items, laggards and lights aside)."""
    counted = Counted(session, settings)
    return [counted.figures(as_of, period_kind) for as_of in as_ofs]


def _days_overdue(row: dict, today: date) -> int:
    return (today - date.fromisoformat(row["due"])).days if row["timeliness"] == "逾期" else 0


def _item(row: dict, today: date) -> ItemRow:
    return ItemRow(milestone=row["milestone"], task_no=row["task_no"], task=row["task"], measure=row["action"],
                   unit=row["unit"], role=row["role"], original_due=date.fromisoformat(row["original_due"]),
                   due=date.fromisoformat(row["due"]), state=row["label"], timeliness=row["timeliness"],
                   latest_progress=row["latest_progress"], days_overdue=_days_overdue(row, today))


def _documents(session: Session) -> tuple[str, ...]:
    """The titles of the documents whose milestones the report counts, in import order."""
    return tuple(session.scalars(
        select(Document.title).join(Task, Task.document_id == Document.id)
        .join(Milestone, Milestone.task_id == Task.id)
        .where(Task.removed_at.is_(None), Milestone.removed_at.is_(None))
        .group_by(Document.id, Document.title).order_by(Document.id)))


def build_report(session: Session, settings: Settings, as_of: datetime, period_kind: str = "month",
                 number: int | None = None) -> Report:
    """The 通报 for the period containing `as_of` (its local date), with the figures at `as_of`;
    `number` is its 期号 (bot.report.numbers), None for a preview."""
    counted = Counted(session, settings)
    figures = counted.figures(as_of, period_kind)
    today, period = figures.as_of, figures.period
    rows = counted.recorded.rows(as_of)
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit"]].append(r)
    units = tuple(UnitRow(s["unit"], light(s), figures.units[s["unit"]]) for s in status_rows(session, settings, as_of))
    laggards = []
    for u in units:
        late = sorted(((r["milestone"], _days_overdue(r, today)) for r in by_unit[u.unit] if r["timeliness"] == "逾期"),
                      key=lambda x: (-x[1], int(x[0][1:])))
        if late:
            laggards.append(Laggard(u.unit, tuple(late)))
    laggards.sort(key=lambda g: (-len(g.items), -g.items[0][1], g.unit))
    return Report(
        office=settings.report_office or settings.admin_name, title=settings.report_title, year=today.year,
        number=number, as_of=today, period=period, generated_at=datetime.now(settings.tz),
        summary=figures.summary, units=units, laggards=tuple(laggards),
        items=tuple(_item(r, today) for r in rows), documents=_documents(session))
