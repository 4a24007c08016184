"""The reminder plan as pure functions: milestone × units × lead times → reminder rows.

Nothing here reads the clock or the database: `as_of` (an aware instant) is passed in, so
the same inputs always give the same plan and tests (and `--as-of`) can move time freely.

Rules, per unit and per occurrence of a milestone due on D:
- lead reminders at D − n for each lead time n, moved to the previous working day; when that
  moves one back by more than `long_holiday_days`, a second reminder goes out on the first
  working day after the break (if that is still on or before D);
- two lead reminders that land on the same day are one reminder (the one closest to D);
- overdue escalations every N working days after D (lead_days = −working days overdue),
  copying the admin from M working days on (or from `escalate_after_days` of the milestone's
  kind, when the unit's leader is told too), at most `max_reminders` of them;
- with `ack_reminder_after_days` N, one reminder to 签收 N working days after the first
  lead send still ahead, if that is before D (the digest drops it once the unit acknowledged;
  on a day shared with a lead send it is planned after it, so it is the one kept);
- sends that were already due before `as_of` (lead times before the import, or a replan
  long after it) are not sent late one by one: the latest of them goes out once at the
  first send time after `as_of` if it is still valid then or the overdue escalation is
  still running (the dispatcher's catch-up rule, bot/plan/due.py); the others, and a
  latest one that is neither, are recorded as expired. So a replan of last year's list
  today plans nothing for last year.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.config.settings import LeadTimes, OverduePolicy, Settings
from bot.plan.calendar import WorkCalendar
from bot.plan.states import AFTER_HOLIDAY, EXPIRED, LEAD, OVERDUE, PLANNED, UNACKNOWLEDGED

MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class PlanPolicy:
    tz: ZoneInfo
    send_time: time
    lead_times: LeadTimes
    overdue: OverduePolicy
    long_holiday_days: int = 3
    catch_up_hours: int = 48
    horizon_days: int = 400
    escalate_after: dict[str, int] = field(default_factory=dict)  # kind → working days overdue
    ack_after: int | None = None  # working days after the first reminder without 签收

    @classmethod
    def from_settings(cls, settings: Settings, lead_times: LeadTimes | None = None) -> "PlanPolicy":
        return cls(
            tz=settings.tz,
            send_time=settings.send_time,
            lead_times=lead_times or settings.lead_times,
            overdue=settings.overdue,
            long_holiday_days=settings.long_holiday_days,
            catch_up_hours=settings.catch_up_hours,
            horizon_days=settings.horizon_days,
            escalate_after=dict(settings.escalate_after_days),
            ack_after=settings.ack_reminder_after_days,
        )

    def escalates(self, kind: str, workdays_overdue: int) -> bool:
        after = self.escalate_after.get(kind)
        return after is not None and workdays_overdue >= after

    def send_instant(self, day: date) -> datetime:
        return datetime.combine(day, self.send_time, self.tz).astimezone(timezone.utc)

    def day_end(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time(0), self.tz).astimezone(timezone.utc)


@dataclass(frozen=True)
class Target:
    """What the planner needs of a milestone."""

    due: date
    kind: str = "once"
    rule: str | None = None
    past: bool = False
    planned_from: date | None = None  # occurrences of a recurring milestone before this are not chased


@dataclass(frozen=True)
class Planned:
    """One planned send; (unit, occurrence, kind, lead_days) is its identity within a milestone."""

    unit: str
    occurrence: int
    kind: str
    lead_days: int
    due: date
    send_on: date
    send_at: datetime
    not_after: datetime
    status: str = PLANNED
    unverified: bool = False
    copy_admin: bool = False
    note: str = ""

    @property
    def key(self) -> tuple[str, int, str, int]:
        return (self.unit, self.occurrence, self.kind, self.lead_days)


def occurrences(target: Target, as_of: date, horizon_days: int) -> list[tuple[int, date]]:
    """(index, due) pairs: (0, due) for a one-off milestone; 1.. for a recurring one, within the horizon."""
    if target.past:
        return []
    if not target.rule:
        return [(0, target.due)]
    since = target.planned_from or as_of
    until = as_of + timedelta(days=horizon_days)
    rule = rrulestr(target.rule, dtstart=datetime.combine(target.due, time(0)))
    out = []
    for index, when in enumerate(rule, start=1):
        if when.date() > until or index > MAX_OCCURRENCES:
            break
        if when.date() >= since:
            out.append((index, when.date()))
    return out


def current_due(target: Target, today: date, horizon_days: int = 3660) -> date | None:
    """The due date that counts on `today`: a one-off's own; a recurring one's first occurrence
    on or after today (its last once the series is over); None when nothing is chased (past)."""
    occ = occurrences(target, today, horizon_days)
    if not occ:
        return None
    upcoming = [d for _, d in occ if d >= today]
    return upcoming[0] if upcoming else occ[-1][1]


def first_send_after(as_of: datetime, policy: PlanPolicy, calendar: WorkCalendar) -> date:
    """The working day of the first send time at or after `as_of`."""
    day = as_of.astimezone(policy.tz).date()
    if not calendar.is_workday(day) or policy.send_instant(day) < as_of:
        day = calendar.next_workday(day + timedelta(days=1))
    return day


def _lead_rows(unit: str, occurrence: int, due: date, leads: tuple[int, ...], policy: PlanPolicy,
               calendar: WorkCalendar) -> list[Planned]:
    by_day: dict[date, Planned] = {}
    for lead in sorted(leads, reverse=True):
        nominal = due - timedelta(days=lead)
        send_on = calendar.previous_workday(nominal)
        shift = (nominal - send_on).days
        unverified = not (calendar.verified(nominal) and calendar.verified(send_on))
        note = f"{nominal:%m-%d} 是{calendar.day_name(nominal)}，提前到 {send_on:%m-%d}" if shift else ""
        candidates = [(LEAD, send_on, note)]
        if shift > policy.long_holiday_days:
            after = calendar.next_workday(nominal)
            if after <= due:
                candidates.append((AFTER_HOLIDAY, after, f"{calendar.day_name(nominal)}假期后再提醒一次"))
        for kind, day, why in candidates:
            # the latest lead time wins a shared day: its countdown is the one that is true then
            by_day[day] = Planned(unit, occurrence, kind, lead, due, day, policy.send_instant(day),
                                  policy.day_end(due), unverified=unverified, note=why)
    return list(by_day.values())


def _overdue_rows(unit: str, occurrence: int, due: date, kind: str, policy: PlanPolicy,
                  calendar: WorkCalendar) -> list[Planned]:
    rows, od = [], policy.overdue
    day = due
    for step in range(1, od.max_reminders + 1):
        workdays = step * od.repeat_every_workdays
        day = calendar.add_workdays(day, od.repeat_every_workdays)
        at = policy.send_instant(day)
        escalates = policy.escalates(kind, workdays)
        rows.append(Planned(unit, occurrence, OVERDUE, -workdays, due, day, at,
                            at + timedelta(hours=policy.catch_up_hours),
                            unverified=not calendar.verified(day),
                            copy_admin=workdays >= od.copy_admin_after_workdays or escalates,
                            note=f"已逾期 {workdays} 个工作日" + ("，升级催办（单位领导、管理员）" if escalates else "")))
    return rows


def _catch_up(rows: list[Planned], due: date, as_of: datetime, policy: PlanPolicy,
              calendar: WorkCalendar) -> list[Planned]:
    """Sends already due before `as_of` collapse into one send at the first send time after it."""
    past = sorted((r for r in rows if r.send_at < as_of), key=lambda r: r.send_at)
    if not past:
        return rows
    future = [r for r in rows if r.send_at >= as_of]
    day = first_send_after(as_of, policy, calendar)
    at = policy.send_instant(day)
    latest = past[-1]
    escalating = any(r.kind == OVERDUE for r in future)
    relevant = latest.not_after > at or escalating
    covered = any(r.send_on == day for r in future)
    out = [replace(r, status=EXPIRED, note="导入时已过发送时间") for r in past[:-1]]
    if relevant and not covered:
        still_valid = latest.kind != OVERDUE and latest.not_after > at
        not_after = latest.not_after if still_valid else at + timedelta(hours=policy.catch_up_hours)
        out.append(replace(latest, send_on=day, send_at=at, not_after=not_after,
                           unverified=latest.unverified or not calendar.verified(day),
                           note=f"原定 {latest.send_on:%m-%d} 发送，导入时已过，补发一次"))
    else:
        out.append(replace(latest, status=EXPIRED, note="导入时已过发送时间"))
    return out + future


def _ack_row(unit: str, occurrence: int, due: date, leads: list[Planned], start: date, policy: PlanPolicy,
             calendar: WorkCalendar, as_of: datetime) -> list[Planned]:
    """The reminder to 签收: N working days after the first lead send on or after `start` (the
    import day), if before the due date. Fixed by the plan's inputs, so a replan leaves it where it is."""
    if not policy.ack_after or not leads:
        return []
    firsts = [r.send_on for r in leads if r.send_on >= start]
    day = calendar.add_workdays(min(firsts) if firsts else start, policy.ack_after)
    if day >= due:
        return []
    at = policy.send_instant(day)
    return [Planned(unit, occurrence, UNACKNOWLEDGED, policy.ack_after, due, day, at,
                    at + timedelta(hours=policy.catch_up_hours), unverified=not calendar.verified(day),
                    status=PLANNED if at >= as_of else EXPIRED,
                    note=f"首次提醒后 {policy.ack_after} 个工作日仍未签收时提醒签收")]


def plan_unit(target: Target, unit: str, policy: PlanPolicy, calendar: WorkCalendar,
              as_of: datetime) -> list[Planned]:
    leads = policy.lead_times.for_(unit, target.kind)
    rows: list[Planned] = []
    for occurrence, due in occurrences(target, as_of.astimezone(policy.tz).date(), policy.horizon_days):
        lead_rows = _lead_rows(unit, occurrence, due, leads, policy, calendar)
        plain = lead_rows + _overdue_rows(unit, occurrence, due, target.kind, policy, calendar)
        rows += _catch_up(plain, due, as_of, policy, calendar)
        # last: on a shared send time the newest row (this one) is kept, the lead merged into it
        rows += _ack_row(unit, occurrence, due, lead_rows, target.planned_from or as_of.astimezone(policy.tz).date(),
                         policy, calendar, as_of)
    return rows


def plan_milestone(target: Target, units: list[str], policy: PlanPolicy, calendar: WorkCalendar,
                   as_of: datetime) -> list[Planned]:
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    return [row for unit in units for row in plan_unit(target, unit, policy, calendar, as_of)]
