"""iCalendar output: a unit's milestones with alarms at its lead times, and plan rows as events.

UIDs are derived from stored ids, so re-exporting updates the events a unit already
imported instead of duplicating them.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event, vRecur

from bot.config.settings import Settings
from bot.store.models import Milestone

PRODID = "-//Duban 督办提醒//CN"
UID_DOMAIN = "duban.local"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


def _alarm(trigger: timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def unit_calendar(unit: str, milestones: list[Milestone], lead_days: dict[int, tuple[int, ...]],
                  settings: Settings, stamp: datetime, extended: dict[int, date] | None = None) -> bytes:
    """All-day events on each due date; alarms at the send time of day, `lead` days before.

    `extended` holds the unit's approved extensions (milestone id → its own due date): the
    event sits on that date, not on the milestone's, and no longer repeats.
    """
    cal = _calendar(f"督办提醒 · {unit}")
    send = timedelta(hours=settings.send_time.hour, minutes=settings.send_time.minute)
    for m in milestones:
        due = (extended or {}).get(m.id, m.due)
        moved = f"（已批准延期，原定 {m.due}）" if due != m.due else ""
        event = Event()
        event.add("uid", f"duban-m{m.id}-{_uid_part(unit)}@{UID_DOMAIN}")
        event.add("dtstamp", stamp.astimezone(timezone.utc))
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"【督办】{m.task.no or ''} {m.action or m.task.title}".strip())
        event.add("description", f"任务: {m.task.title}\n时限: {m.expr or '年度任务'}（{due}）{moved}\n"
                                 f"来源: 《{m.task.document.title}》\n"
                                 "签收、报送进展、办结和申请延期：请用提醒消息中的链接或本单位的督办事项页面。")
        if m.rule and not moved:
            event.add("rrule", vRecur.from_ical(m.rule))
        for lead in lead_days[m.id]:
            event.add_component(_alarm(send - timedelta(days=lead), f"{m.expr or '年度任务'}：还有 {lead} 天" if lead else "今天到期"))
        cal.add_component(event)
    return cal.to_ical()


def plan_calendar(rows: list[dict], stamp: datetime) -> bytes:
    """Each planned send as a 15-minute event at its send time (for `plan --format ics`)."""
    cal = _calendar("督办提醒 · 发送计划")
    for row in rows:
        start = datetime.fromisoformat(row["send_at"]).astimezone(timezone.utc)
        event = Event()
        event.add("uid", f"duban-plan-m{row['milestone_id']}-{_uid_part(row['unit'])}-{row['kind']}{row['lead_days']}"
                         f"-{row['due']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp.astimezone(timezone.utc))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=15))
        event.add("summary", f"提醒 {row['unit']}: {row['milestone']}（{row['lead']}）")
        event.add("description", f"任务: {row['task']}\n截止: {row['due']}\n渠道: {row['channel']}")
        cal.add_component(event)
    return cal.to_ical()


def _uid_part(unit: str) -> str:
    return hashlib.sha1(unit.encode("utf-8")).hexdigest()[:12]
