"""Keeping stored reminders in step with their milestones (the store side of the planner).

`replan` recomputes the plan of the given milestones and changes only the rows that differ (a
unit with an approved 延期, bot/answers/dues.py, is planned for its own date; the periods of a
reporting calendar a unit has reported, bot/answers/reporting.py, are no longer planned for it):
new sends are inserted (their `reason` and `updated_at` say why and when), moved ones updated
in place, unwanted ones cancelled (never deleted); every later change goes through
bot.plan.transitions (checked against the state table, a reminder_events row each).

What is left alone: rows already sent (unless the deadline moved and the new send is still
ahead: then the reminder is due again), rows of a unit marked done (they stay done), closed
rows (expired, cancelled) the plan does not want again, and past sends not yet delivered when
the deadline did not move (the catch-up rules of bot/plan/due.py own those).

`replan_all` is the one entry for every path that changes the plan's inputs (config apply,
contacts, lead times, calendar, done/undo, the console): the whole plan at the real now,
then the catch-up rules at that same now, so nothing long past is planned again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import AbstractSet, Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.answers import reporting
from bot.answers.dues import extended_dues, held_units
from bot.config.settings import LeadTimes, Settings
from bot.plan.calendar import WorkCalendar
from bot.plan.due import settle_due
from bot.plan.lookup import live_milestones
from bot.plan.planner import PlanPolicy, Planned, Target, plan_milestone
from bot.plan.states import CANCELLED, DONE, EXPIRED, OPEN_REMINDER, PLANNED, QUEUED, SENT
from bot.plan.transitions import EventLog, transition
from bot.store.models import CalendarOverride, LeadTimeRule, Milestone, Reminder, utcnow

CHUNK = 500
_FIELDS = ("due", "send_on", "send_at", "not_after", "unverified", "copy_admin", "note")


@dataclass(frozen=True)
class PlanContext:
    """Everything a replan needs besides the milestones: policy, calendar, the instant and who acts."""

    policy: PlanPolicy
    calendar: WorkCalendar
    as_of: datetime
    actor: str = "system"


def load_lead_times(session: Session, settings: Settings) -> LeadTimes:
    """The store's lead-time rules (runtime truth), falling back to settings.yaml before `config apply`."""
    rules = {r.scope: tuple(r.lead_days) for r in session.scalars(select(LeadTimeRule))}
    if not rules:
        return settings.lead_times
    return LeadTimes(
        default=rules.get("default", settings.lead_times.default),
        by_unit={k[5:]: v for k, v in rules.items() if k.startswith("unit:")},
        by_kind={k[5:]: v for k, v in rules.items() if k.startswith("kind:")},
    )


def load_calendar(session: Session, settings: Settings) -> WorkCalendar:
    overrides = {c.day: (c.is_workday, c.name) for c in settings.calendar}
    overrides.update({c.day: (c.is_workday, c.name) for c in session.scalars(select(CalendarOverride))})
    return WorkCalendar(overrides)


def plan_context(session: Session, settings: Settings, as_of: datetime, actor: str = "system") -> PlanContext:
    policy = PlanPolicy.from_settings(settings, load_lead_times(session, settings))
    return PlanContext(policy, load_calendar(session, settings), as_of, actor)


def target_of(row: Milestone) -> Target:
    return Target(row.due, row.kind, row.rule, row.past, row.planned_from)


def desired_rows(row: Milestone, ctx: PlanContext, extended: Mapping[int, date] | None = None,
                 held: AbstractSet[int] = frozenset(), reported: Mapping[int, set[int]] | None = None) -> list[Planned]:
    """The plan of one stored milestone for its live units not yet done; a unit in `extended`
    (unit_id → due, an approved 延期) is planned for its own date, a unit in `held` (its 办结
    waits for the admin's review) for nothing until the admin returns it, and the occurrences in
    `reported` (unit_id → periods of a reporting calendar it has reported) not at all."""
    if row.removed_at is not None or row.task.removed_at is not None:
        return []
    extended = extended or {}
    todo = [mu for mu in row.units if mu.removed_at is None and mu.done_at is None and mu.unit_id not in held]
    target = target_of(row)
    planned = plan_milestone(target, [mu.unit.name for mu in todo if mu.unit_id not in extended],
                             ctx.policy, ctx.calendar, ctx.as_of)
    for mu in todo:
        if mu.unit_id in extended:
            moved = replace(target, due=extended[mu.unit_id], past=False)
            planned += plan_milestone(moved, [mu.unit.name], ctx.policy, ctx.calendar, ctx.as_of)
    if reported:
        closed = {mu.unit.name: reported.get(mu.unit_id, set()) for mu in todo}
        planned = [p for p in planned if p.occurrence not in closed[p.unit]]
    return planned


@dataclass
class ReplanStats:
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    reopened: int = 0
    done: int = 0
    expired: int = 0
    unchanged: int = 0

    def add(self, other: "ReplanStats") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def touched(self) -> int:
        return self.created + self.moved + self.cancelled + self.reopened + self.done + self.expired

    def summary(self) -> str:
        return (f"提醒：新增 {self.created}，改期 {self.moved}，取消 {self.cancelled}，"
                f"恢复 {self.reopened}，标记完成 {self.done}，未变 {self.unchanged}"
                + (f"；已过发送时间、记为过期 {self.expired}" if self.expired else ""))


def _values(p: Planned) -> dict:
    return {k: getattr(p, k) for k in _FIELDS}


def _merge(row: Milestone, desired: list[Planned], existing: list[Reminder], ctx: PlanContext, reason: str,
           log: EventLog, inserts: list[dict], stats: ReplanStats, held: AbstractSet[int] = frozenset(),
           reported: Mapping[int, set[int]] | None = None) -> None:
    unit_ids = {mu.unit.name: mu.unit_id for mu in row.units}
    done_units = {mu.unit_id for mu in row.units if mu.removed_at is None and mu.done_at is not None}
    by_key = {(r.unit_id, r.occurrence, r.kind, r.lead_days): r for r in existing}

    for p in desired:
        key = (unit_ids[p.unit], p.occurrence, p.kind, p.lead_days)
        rem = by_key.pop(key, None)
        values = _values(p)
        if rem is None:
            inserts.append(dict(milestone_id=row.id, unit_id=key[0], occurrence=p.occurrence, kind=p.kind,
                                lead_days=p.lead_days, status=p.status, reason=reason, updated_at=log.at, **values))
            stats.created += 1
            continue
        moved = rem.due != p.due
        if rem.status in (SENT, QUEUED):
            if moved and p.status == PLANNED:
                transition(log, rem, PLANNED, f"截止日期由 {rem.due} 改为 {p.due}，按新日期再次提醒", values)
                stats.reopened += 1
            else:
                stats.unchanged += 1
        elif rem.status == DONE:
            transition(log, rem, p.status, "撤销完成标记，恢复提醒" if p.status == PLANNED
                       else "撤销完成标记，发送时间已过", values)
            if p.status == PLANNED:
                stats.reopened += 1
            else:
                stats.expired += 1
        elif rem.status == PLANNED and rem.send_at < ctx.as_of and not moved:
            stats.unchanged += 1  # a missed send: the catch-up rules decide (bot/plan/due.py)
        elif rem.status not in OPEN_REMINDER and p.status != PLANNED:
            stats.unchanged += 1  # closed and not wanted again: its history stays as it was
        elif rem.status != p.status or any(getattr(rem, k) != v for k, v in values.items()):
            if moved:
                why = f"截止日期由 {rem.due} 改为 {p.due}"
            elif rem.status in (CANCELLED, EXPIRED):
                why = reason
            else:
                why = f"计划调整（{p.note or reason}）"
            was_open = rem.status in OPEN_REMINDER
            transition(log, rem, p.status, why, values)
            if p.status == EXPIRED:
                stats.expired += 1
            elif was_open:
                stats.moved += 1
            else:
                stats.reopened += 1
        else:
            stats.unchanged += 1
    for rem in by_key.values():
        if rem.status not in OPEN_REMINDER:
            continue
        if rem.unit_id in done_units:
            transition(log, rem, DONE, "该单位已标记完成")
            stats.done += 1
        elif rem.occurrence in (reported or {}).get(rem.unit_id, ()):
            transition(log, rem, DONE, reporting.CLOSED_REASON)
            stats.done += 1
        else:
            transition(log, rem, CANCELLED, _cancel_reason(row, rem, held))
            stats.cancelled += 1


def _cancel_reason(row: Milestone, rem: Reminder, held: AbstractSet[int]) -> str:
    if rem.unit_id in held:
        return "该单位已报办结、等待审核，审核期间暂停提醒"
    if row.task.removed_at is not None:
        return "任务已从清单中删除"
    if row.removed_at is not None:
        return "时间节点已从清单中删除"
    if not any(mu.unit_id == rem.unit_id and mu.removed_at is None for mu in row.units):
        return "该单位已不再是责任单位"
    return "计划调整后不再需要（提前量变更或与同日提醒合并）"


def replan(session: Session, milestones: list[Milestone], ctx: PlanContext, reason: str) -> ReplanStats:
    """Bring the stored reminders of `milestones` in line with their plan at `ctx.as_of`."""
    stats = ReplanStats()
    log = EventLog(utcnow(), ctx.actor)
    for start in range(0, len(milestones), CHUNK):
        chunk = milestones[start:start + CHUNK]
        ids = [m.id for m in chunk]
        existing: dict[int, list[Reminder]] = {i: [] for i in ids}
        for rem in session.scalars(select(Reminder).where(Reminder.milestone_id.in_(ids))):
            existing[rem.milestone_id].append(rem)
        inserts: list[dict] = []
        extended, held = extended_dues(session, ids), held_units(session, ids)
        done_periods = reporting.reported(session, chunk, ctx.policy.tz)
        for row in chunk:
            waiting, periods = held.get(row.id, frozenset()), done_periods.get(row.id)
            _merge(row, desired_rows(row, ctx, extended.get(row.id), waiting, periods), existing[row.id], ctx, reason,
                   log, inserts, stats, waiting, periods)
        session.flush()
        if inserts:  # a new row's reason and updated_at say why and when it was planned
            session.execute(insert(Reminder.__table__), inserts)
        log.save(session)
    return stats


def replan_at(session: Session, ctx: PlanContext, reason: str,
              milestones: list[Milestone] | None = None) -> ReplanStats:
    """Replan `milestones` (default: every live one) at `ctx.as_of`, then apply the catch-up rules
    at that same instant, as the next digest would: missed sends expire or merge, none comes back."""
    rows = live_milestones(session) if milestones is None else milestones
    stats = replan(session, rows, ctx, reason)
    log = EventLog(utcnow(), ctx.actor)
    settled = settle_due(session, ctx.as_of, log)
    log.save(session)
    stats.expired += settled.expired + settled.merged
    return stats


def replan_all(session: Session, settings: Settings, now: datetime, reason: str, actor: str) -> ReplanStats:
    """The entry for every path that changes the plan's inputs (config apply, contacts, lead times,
    calendar, the console): every live milestone at `now` (the real now outside tests and replays),
    with the catch-up rules. The caller's transaction commits."""
    return replan_at(session, plan_context(session, settings, now, actor), reason)
