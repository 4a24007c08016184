"""Replay: the calendar from one day to another on a simulated clock, really sending.

The clock jumps from one event to the next (a reminder's send time, a retry's next
attempt), and each stop is one full round (digests, notices, dispatch), exactly as the
live loop would do at that moment. Sends take real time and respect the robots' real
budgets (a send waits for its robot's next slot rather than being put back), so a year
rehearsed into a test group arrives as fast as the robots allow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from bot.store import session_scope
from bot.store.models import PENDING, PLANNED, RETRY, Message, Reminder
from jobs.clock import SimulatedClock
from jobs.digest import DigestReport
from jobs.dispatch import DispatchReport


@dataclass
class ReplayReport:
    start: datetime
    end: datetime
    rounds: int = 0
    digests: DigestReport = field(default_factory=DigestReport)
    dispatch: DispatchReport = field(default_factory=DispatchReport)
    waiting: int = 0  # messages still due or retrying at the end

    def lines(self, tz) -> list[str]:
        d, s = self.digests, self.dispatch
        return [
            f"回放 {self.start.astimezone(tz):%Y-%m-%d} 至 {(self.end - timedelta(seconds=1)).astimezone(tz):%Y-%m-%d}：共运行 {self.rounds} 轮。",
            f"生成消息 {d.messages} 条，含 {d.reminders} 项提醒（逾期补发 {d.overdue_notices} 项）；合并 {d.merged} 项，过期 {d.expired} 项。",
            f"发送成功 {s.sent} 次，待重试 {s.retry} 次，失败 {s.failed} 条，取消 {s.cancelled} 条。"
            + (f"回放结束时仍有 {self.waiting} 条消息等待发送或重试。" if self.waiting else ""),
        ] + ([] if d.messages or s.sent else ["这段日历没有需要发送的提醒（可能已在之前的运行中发送过）。"])


def next_event(engine, after: datetime) -> datetime | None:
    """The next instant at which something becomes due: a planned send or a retry."""
    with session_scope(engine) as s:
        send = s.scalar(select(func.min(Reminder.send_at)).where(Reminder.status == PLANNED, Reminder.send_at > after))
        retry = s.scalar(select(func.min(Message.next_attempt_at)).where(
            Message.status.in_((PENDING, RETRY)), Message.next_attempt_at > after))
    found = [t for t in (send, retry) if t is not None]
    return min(found) if found else None


def replay(worker, clock: SimulatedClock, first: date, last: date) -> ReplayReport:
    """Run rounds from `first` 00:00 to the end of `last` (office timezone) on `clock`."""
    tz = worker.settings.tz
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    report = ReplayReport(start, end)
    clock.set(start)
    worker.prepare()
    while not worker.stop.is_set():
        round_ = worker.tick()
        report.rounds += 1
        report.digests.add(round_.digests)
        report.dispatch.add(round_.dispatch)
        upcoming = next_event(worker.engine, clock.now())
        if upcoming is None or upcoming >= end:
            break
        clock.set(upcoming)
    with session_scope(worker.engine) as s:
        report.waiting = s.scalar(select(func.count()).select_from(Message)
                                  .where(Message.status.in_((PENDING, RETRY)))) or 0
    return report
