"""期号: the 督办通报's number within its year, kept in report_issues, never in memory.

The next number is MAX(number) + 1 read by the INSERT itself (`_insert`), and unique (year,
number) settles a race: on SQLite the statement runs under the write lock, on PostgreSQL the
second process fails on the index and tries again. A scheduled issue is also unique per
period (scheduled_period), so the second worker to reach a period, or the same one after a
restart, finds the first one's issue instead of taking another number.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.report.model import Period
from bot.store.models import utcnow
from bot.store.report_models import ReportIssue

ATTEMPTS = 20


def schedule_key(period: Period) -> str:
    """month:2024-07-01 — what makes a scheduled issue unique."""
    return f"{period.kind}:{period.start.isoformat()}"


def scheduled_issue(session: Session, period: Period) -> ReportIssue | None:
    return session.scalar(select(ReportIssue).where(ReportIssue.scheduled_period == schedule_key(period)))


def take_number(session: Session, year: int, period: Period, as_of: datetime, created_by: str,
                scheduled: bool = False, formats: str = "", number: int | None = None) -> tuple[ReportIssue, bool]:
    """The issue with the next number of `year` (or the given `number`), and True; for a
    scheduled period that already has its issue, that one and False. The row is written in the
    caller's transaction, so a failed write or send that rolls back gives the number back."""
    key = schedule_key(period) if scheduled else None
    for _ in range(ATTEMPTS):
        if key and (found := scheduled_issue(session, period)) is not None:
            return found, False
        if number is not None and session.scalar(select(ReportIssue.id).where(
                ReportIssue.year == year, ReportIssue.number == number)) is not None:
            raise DubanError(f"{year}年第{number}期已经存在，请换一个期号，或不写 --number 自动取下一期。")
        new_id = _insert(session, year, number, key, {
            "year": year, "period_kind": period.kind, "period_start": period.start, "period_end": period.end,
            "as_of": as_of, "scheduled_period": key, "formats": formats, "created_by": created_by[:200],
            "created_at": utcnow()})
        if new_id is not None:
            return session.get(ReportIssue, new_id), True
    raise DubanError(f"连续 {ATTEMPTS} 次未能取得{year}年的期号（其他进程同时在取号），请稍后重试。")


def _insert(session: Session, year: int, number: int | None, key: str | None, values: dict) -> int | None:
    """One INSERT … SELECT that reads MAX(number) and writes the row, skipped (None) when the
    number or the scheduled period is taken by a committed row. SQLite runs it holding the
    write lock, so nothing can come between; on PostgreSQL a concurrent, uncommitted row
    makes it fail on the unique index once the other commits, inside a savepoint, and the
    caller looks again. (SQLite gets no savepoint: without an open transaction, releasing it
    would commit the caller's work.)"""
    columns = ReportIssue.__table__.c
    if number is not None:
        wanted = literal(number)
        guard = ~exists().where(ReportIssue.year == year, ReportIssue.number == number)
    else:
        wanted = (select(func.coalesce(func.max(ReportIssue.number), 0) + 1)
                  .where(ReportIssue.year == year).scalar_subquery())
        guard = ~exists().where(ReportIssue.scheduled_period == key) if key else None
    picked = select(*(literal(v, columns[k].type) for k, v in values.items()), wanted)
    if guard is not None:
        picked = picked.where(guard)
    statement = insert(ReportIssue).from_select([*values, "number"], picked).returning(ReportIssue.id)
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(statement).scalar_one_or_none()
    try:
        with session.begin_nested():
            return session.execute(statement).scalar_one_or_none()
    except IntegrityError:
        return None


def issues(session: Session, year: int | None = None) -> list[ReportIssue]:
    """The issues that took a number, newest first (one year, or all)."""
    query = select(ReportIssue).order_by(ReportIssue.year.desc(), ReportIssue.number.desc())
    return list(session.scalars(query if year is None else query.where(ReportIssue.year == year)))
