"""Reporting calendars (报送进展周期): a task's recurring milestone whose action is a progress report.

Each occurrence k of such a milestone (due D_k, the planner's occurrence index) is one period,
(D_{k-1}, D_k]. A unit's progress report counts for period k when it was made through that
period's 反馈进展 link (progress_reports.occurrence = k: a late report for a missed period),
or, made anywhere else (the unit page), when its local date falls within the period. A
counted period is 已报: that unit's reminders for occurrence k stop (`close_reported` at send
time; the replan leaves them out), the other units go on. A period past its date without a
report is 未报 and is reminded like any overdue occurrence (the planner's escalation rows).

Where a calendar comes from:
- the document: a recurring milestone whose action is a progress report (RULES: each rule
  carries the examples that are its tests), read from what the import stored (rule, action);
- the admin (bot/web/reporting.py), as corrections, so both survive re-import:
  `task.reporting` adds a calendar of its own to a task (a recurring milestone, key c<id>),
  `milestone.reporting` {"reporting": true|false, "milestone_id": stored id} turns one
  recurring milestone into a calendar or back into a plain recurring deadline.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.planner import MAX_OCCURRENCES
from bot.plan.states import DONE, PLANNED
from bot.plan.transitions import EventLog, transition
from bot.store.answer_models import ProgressReport, UnitItem
from bot.store.console_models import CorrectionRow
from bot.store.models import Milestone, MilestoneUnit, Reminder, Task, Unit

TASK_KIND, MILESTONE_KIND = "task.reporting", "milestone.reporting"
REPORTED, MISSING, OPEN = "reported", "missing", "open"
LABELS = {REPORTED: "已报", MISSING: "未报", OPEN: "待报"}
CLOSED_REASON = "该单位本期进展已报送"

_VERB = "(?:报送|报告|上报|汇报|报|提交|反馈)"
_OBJECT = "(?:进展|进度|工作情况|落实情况|推进情况|完成情况|实施情况|执行情况|办理情况)"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    examples: tuple[tuple[str, bool], ...]


RULES = (
    Rule("<report> … <progress>", re.compile(f"{_VERB}[^，。；,;]{{0,12}}?{_OBJECT}"), (
        ("每月25日前报送工作进展", True), ("向省局报告工作推进情况", True), ("按季度上报落实情况", True),
        ("汇报任务进度", True), ("报送统计数据", False), ("组织开展专项检查", False), ("进展顺利", False),
    )),
    Rule("<progress> … <report>", re.compile(f"{_OBJECT}(?:情况)?(?:报告|报表|材料)?{_VERB}"), (
        ("工作进展情况报送省局", True), ("进度报表报送", True), ("落实情况上报", True), ("进度安排", False),
    )),
)


def is_progress_report(action: str) -> bool:
    """Does this action ask for a progress report (报送…进展/进度/落实情况 …)?"""
    return any(r.pattern.search(action or "") for r in RULES)


@dataclass(frozen=True)
class Period:
    occurrence: int
    start: date | None  # the day after the previous occurrence (None: the first one)
    due: date


@dataclass(frozen=True)
class PeriodState:
    period: Period
    state: str
    report: ProgressReport | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


def overrides(session: Session) -> dict[int, bool]:
    """Stored milestone id → what the admin said (milestone.reporting), the latest wins. The
    correction names the stored row too: a task's reading key is not its stored key."""
    rows = session.scalars(select(CorrectionRow).where(
        CorrectionRow.kind == MILESTONE_KIND, CorrectionRow.revoked_at.is_(None)).order_by(CorrectionRow.id))
    return {int(r.value["milestone_id"]): bool(r.value.get("reporting")) for r in rows}


def calendar_ids(session: Session, milestones: list[Milestone]) -> set[int]:
    """The ids of the milestones that are reporting calendars: recurring, and recognised by
    RULES unless the admin said otherwise (milestone.reporting)."""
    recurring = [m for m in milestones if m.rule]
    said = overrides(session) if recurring else {}
    return {m.id for m in recurring if said.get(m.id, is_progress_report(m.action))}


def is_calendar(session: Session, milestone: Milestone) -> bool:
    return milestone.id in calendar_ids(session, [milestone])


def periods(milestone: Milestone, until: date) -> list[Period]:
    """The periods the planner chases (due on or after the import day), up to the first due on
    or after `until` (the current period)."""
    rule = rrulestr(milestone.rule, dtstart=datetime.combine(milestone.due, time(0)))
    out, previous = [], None
    for index, when in enumerate(rule, start=1):
        due = when.date()
        if index > MAX_OCCURRENCES:
            break
        if due >= milestone.planned_from:
            out.append(Period(index, previous + timedelta(days=1) if previous else None, due))
        previous = due
        if due >= until:
            break
    return out


def period_of(milestone: Milestone, occurrence: int) -> Period | None:
    rule = rrulestr(milestone.rule, dtstart=datetime.combine(milestone.due, time(0)))
    previous = None
    for index, when in enumerate(rule, start=1):
        if index == occurrence:
            return Period(index, previous + timedelta(days=1) if previous else None, when.date())
        if index > min(occurrence, MAX_OCCURRENCES):
            break
        previous = when.date()
    return None


def _counts_for(report: ProgressReport, period: Period, tz: ZoneInfo) -> bool:
    if report.occurrence is not None:
        return report.occurrence == period.occurrence
    day = report.at.astimezone(tz).date()
    return (period.start is None or period.start <= day) and day <= period.due


def _reports(session: Session, mu_ids: list[int], as_of: datetime | None = None) -> dict[int, list[ProgressReport]]:
    """milestone_unit id → its progress reports (made by `as_of`, if given), oldest first."""
    out: dict[int, list[ProgressReport]] = defaultdict(list)
    if mu_ids:
        query = (select(UnitItem.milestone_unit_id, ProgressReport)
                 .join(UnitItem, UnitItem.id == ProgressReport.unit_item_id)
                 .where(UnitItem.milestone_unit_id.in_(mu_ids)).order_by(ProgressReport.at, ProgressReport.id))
        if as_of is not None:
            query = query.where(ProgressReport.at <= as_of)
        for mu_id, report in session.execute(query):
            out[mu_id].append(report)
    return out


def _states(items: list[Period], reports: list[ProgressReport], today: date, tz: ZoneInfo) -> list[PeriodState]:
    out = []
    for period in items:
        found = next((r for r in reversed(reports) if _counts_for(r, period, tz)), None)
        state = REPORTED if found else MISSING if period.due < today else OPEN
        out.append(PeriodState(period, state, found))
    return out


def unit_periods(session: Session, mu: MilestoneUnit, today: date, tz: ZoneInfo) -> list[PeriodState]:
    """Each period of the unit's calendar up to the current one, with 已报 / 未报 / 待报."""
    return _states(periods(mu.milestone, today), _reports(session, [mu.id])[mu.id], today, tz)


def missing_by_unit(session: Session, milestones: list[Milestone], today: date, tz: ZoneInfo,
                    as_of: datetime | None = None) -> dict[tuple[int, int], int]:
    """(milestone id, unit id) → its 未报 periods on `today` (reports made by `as_of`), for every
    live unit of the calendars among `milestones`."""
    chosen = calendar_ids(session, milestones)
    pairs = [(m, mu.id, (mu.milestone_id, mu.unit_id)) for m in milestones if m.id in chosen
             for mu in m.units if mu.removed_at is None]
    return _missing(session, pairs, today, tz, as_of)


class _Schedule(NamedTuple):
    """What periods() and calendar_ids() read of a milestone, from one narrow row."""

    id: int
    rule: str
    due: date
    planned_from: date
    action: str


def missing_per_unit(session: Session, today: date, tz: ZoneInfo) -> dict[str, int]:
    """unit name → its 未报 periods over every live calendar (the dashboard's column), read as
    narrow rows: a 2,000-task list has hundreds of recurring milestones, too many to load whole."""
    rows = session.execute(
        select(Milestone.id, Milestone.rule, Milestone.due, Milestone.planned_from, Milestone.action,
               MilestoneUnit.id, Unit.name)
        .join(Task, Milestone.task_id == Task.id).join(MilestoneUnit, MilestoneUnit.milestone_id == Milestone.id)
        .join(Unit, Unit.id == MilestoneUnit.unit_id)
        .where(Milestone.rule.is_not(None), Milestone.removed_at.is_(None), Task.removed_at.is_(None),
               MilestoneUnit.removed_at.is_(None))).all()
    schedules = {r[0]: _Schedule(*r[:5]) for r in rows}
    chosen = calendar_ids(session, list(schedules.values()))
    out: dict[str, int] = defaultdict(int)
    for name, count in _missing(session, [(schedules[r[0]], r[5], r[6]) for r in rows if r[0] in chosen],
                                today, tz).items():
        out[name] += count
    return dict(out)


def _missing(session: Session, pairs: list[tuple], today: date, tz: ZoneInfo,
             as_of: datetime | None = None) -> dict:
    """(schedule, milestone_unit id, key) → {key: 未报 periods}; keys repeat to be summed by the caller."""
    reports = _reports(session, [mu_id for _, mu_id, _ in pairs], as_of)
    # the periods once per schedule, not per unit: a 2,000-task list shares a handful of calendars
    spans: dict[tuple, list[Period]] = {}
    out: dict = defaultdict(int)
    for m, mu_id, key in pairs:
        span = spans.get(schedule := (m.rule, m.due, m.planned_from))
        if span is None:
            span = spans[schedule] = periods(m, today)
        out[key] += sum(s.state == MISSING for s in _states(span, reports[mu_id], today, tz))
    return dict(out)


def _period_at(milestone: Milestone, day: date) -> Period | None:
    """The period a report made on `day` counts for (None: after the calendar's last period)."""
    items = periods(milestone, day)
    return items[-1] if items and items[-1].due >= day else None


def reported(session: Session, milestones: list[Milestone], tz: ZoneInfo) -> dict[int, dict[int, set[int]]]:
    """{milestone id: {unit id: the occurrences reported}} for the calendars among `milestones`."""
    chosen = calendar_ids(session, milestones)
    mus = [mu for m in milestones if m.id in chosen for mu in m.units if mu.removed_at is None]
    out: dict[int, dict[int, set[int]]] = {}
    for mu_id, found in _reports(session, [mu.id for mu in mus]).items():
        mu = next(mu for mu in mus if mu.id == mu_id)
        done = set()
        for report in found:
            period = (period_of(mu.milestone, report.occurrence) if report.occurrence
                      else _period_at(mu.milestone, report.at.astimezone(tz).date()))
            if period is not None:
                done.add(period.occurrence)
        out.setdefault(mu.milestone_id, {})[mu.unit_id] = done
    return out


def close_reported(session: Session, now: datetime, tz: ZoneInfo, log: EventLog) -> int:
    """Close the due reminders of periods their unit has reported (the digest calls it before it
    sends): a report made after the plan was last computed stops that period's reminders."""
    due = list(session.scalars(select(Reminder).where(Reminder.status == PLANNED, Reminder.occurrence > 0,
                                                      Reminder.send_at <= now)))
    if not due:
        return 0
    ids = {r.milestone_id for r in due}
    milestones = list(session.scalars(select(Milestone).join(Task).where(Milestone.id.in_(ids))))
    done = reported(session, milestones, tz)
    count = 0
    for rem in due:
        if rem.occurrence in done.get(rem.milestone_id, {}).get(rem.unit_id, ()):
            transition(log, rem, DONE, CLOSED_REASON)
            count += 1
    return count
