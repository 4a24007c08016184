"""The catch-up rules at an instant: which planned reminders whose send time has come still go out.

Run by every digest and by every replan (`bot.plan.replan.replan_all`), so a path that
changes the plan after downtime applies the same expiry as the dispatcher, at the same now:
1. those past `not_after` are expired (the send is pointless now);
2. of one milestone occurrence for one unit, only the newest due reminder is kept (the
   missed ones are merged into it, not sent one per missed tick);
3. when a unit missed every lead reminder of a milestone whose deadline has since passed,
   and its overdue escalation is still running, the newest missed one is kept, as an
   overdue notice (the digest shows it as 已逾期 N 天); the others expire.
What is kept stays `planned`: the digest queues it, a replan leaves it for the digest.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.plan.states import EXPIRED, OVERDUE, PLANNED
from bot.plan.transitions import EventLog, transition
from bot.store.models import Milestone, Reminder, Task

GroupKey = tuple[int, int, int]  # (milestone_id, unit_id, occurrence)


@dataclass
class Settled:
    chosen: list[Reminder] = field(default_factory=list)
    expired: int = 0
    merged: int = 0
    overdue_notices: int = 0


def _group(rem: Reminder) -> GroupKey:
    return (rem.milestone_id, rem.unit_id, rem.occurrence)


def _newest(rems: list[Reminder]) -> Reminder:
    return max(rems, key=lambda r: (r.send_at, r.id))


def _escalating(session: Session, keys: set[GroupKey], now: datetime) -> set[GroupKey]:
    """Groups whose overdue escalation still has a send ahead."""
    if not keys:
        return set()
    rows = session.execute(select(Reminder.milestone_id, Reminder.unit_id, Reminder.occurrence).where(
        Reminder.status == PLANNED, Reminder.kind == OVERDUE, Reminder.send_at > now,
        Reminder.milestone_id.in_({k[0] for k in keys})))
    return {tuple(r) for r in rows} & keys


def settle_due(session: Session, now: datetime, log: EventLog) -> Settled:
    """Apply rules 1–3 to the planned reminders due at `now`; the kept ones (still planned) are returned."""
    rows = list(session.scalars(
        select(Reminder).where(Reminder.status == PLANNED, Reminder.send_at <= now)
        .order_by(Reminder.send_at, Reminder.id).with_for_update(of=Reminder)
        .options(selectinload(Reminder.unit),
                 selectinload(Reminder.milestone).selectinload(Milestone.task).selectinload(Task.document))))
    out = Settled()
    due: dict[GroupKey, list[Reminder]] = defaultdict(list)
    stale: dict[GroupKey, list[Reminder]] = defaultdict(list)
    for rem in rows:
        (due if rem.not_after > now else stale)[_group(rem)].append(rem)
    for rems in due.values():
        keep = _newest(rems)
        out.chosen.append(keep)
        for rem in rems:
            if rem is not keep:
                transition(log, rem, EXPIRED, f"已并入 {keep.send_on} 的同一时间节点提醒，只发一次")
                out.merged += 1
    missed = {k for k in stale if any(r.kind != OVERDUE for r in stale[k])} - set(due)
    notify = _escalating(session, missed, now)
    for key, rems in stale.items():
        leads = [r for r in rems if r.kind != OVERDUE]
        notice = _newest(leads) if key in notify else None
        for rem in rems:
            if rem is not notice:
                transition(log, rem, EXPIRED, f"已超过有效期（{rem.not_after.isoformat(timespec='minutes')}），不再补发")
                out.expired += 1
        if notice is not None:
            out.chosen.append(notice)
            out.overdue_notices += 1
    return out
