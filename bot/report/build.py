"""The 督办通报's figures from the store, counted once from the rows `status --format json` shows.

The summary and each unit's counts are tallies of `item_rows` (the JSON's "items"), the unit
lights are `status_rows`' (its "units"), so the report and `status` can never disagree for
the same as-of date. Everything recorded after `as_of` is left out (bot.answers.report).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.flows import DONE, PENDING_REVIEW
from bot.answers.report import item_rows
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


def _tally(rows: list[dict], today: date, period: Period) -> Counts:
    n: Counter = Counter()
    for r in rows:
        due = date.fromisoformat(r["due"])
        still_open = r["state"] != DONE
        n["total"] += 1
        if due <= today:
            n["due"] += 1
        elif not still_open:
            n["done_not_due"] += 1
        if period.start <= due <= period.end:
            n["due_in_period"] += 1
        if r["timeliness"]:
            n[TIMELINESS[r["timeliness"]]] += 1
        if still_open:
            n["open_not_due"] += due >= today
            n["unacknowledged"] += r["acknowledged_at"] is None
            n["pending_review"] += r["state"] == PENDING_REVIEW
            n["no_progress"] += due <= today and not r["latest_progress"] and r["state"] != PENDING_REVIEW
    return Counts(**n)


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
    today = as_of.astimezone(settings.tz).date()
    period = period_of(period_kind, today)
    rows = item_rows(session, settings, as_of)
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit"]].append(r)
    units = tuple(UnitRow(s["unit"], light(s), _tally(by_unit[s["unit"]], today, period))
                  for s in status_rows(session, settings, as_of))
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
        summary=_tally(rows, today, period), units=units, laggards=tuple(laggards),
        items=tuple(_item(r, today) for r in rows), documents=_documents(session))
