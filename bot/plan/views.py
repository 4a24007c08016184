"""What `plan` and `status` show: reminder rows with their reasons, and per-unit standing.

`plan` reads the stored reminders (the runtime truth) unless an `as_of` is given; then the
plan is recomputed in memory as if that instant were now, which is how the 2024 seed can
be replayed and how tests move time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.dues import extended_dues
from bot.config.settings import Settings
from bot.plan.lookup import live_milestones
from bot.plan.planner import Target, current_due
from bot.plan.replan import desired_rows, load_calendar, plan_context, target_of
from bot.store.models import (
    ADMIN, OPEN_REMINDER, OVERDUE, PLANNED, Contact, Milestone, MilestoneUnit, Reminder, Task, Unit,
)

WEEKDAYS = "一二三四五六日"


def lead_text(kind: str, lead_days: int) -> str:
    if kind == OVERDUE:
        return f"逾期{-lead_days}个工作日"
    if kind == "ack":
        return f"未签收提醒（首次提醒后{lead_days}个工作日）"
    suffix = "（假期后）" if kind == "after_holiday" else ""
    return ("当天" if lead_days == 0 else f"提前{lead_days}天") + suffix


def channels_by_unit(session: Session) -> tuple[dict[int, str], str]:
    """unit id → "wecom+email"; units missing here have no enabled contact and fall back to the admin."""
    kinds: dict[int, list[str]] = {}
    admin = ""
    for contact, unit in session.execute(select(Contact, Unit).join(Contact.unit).where(Contact.enabled.is_(True))
                                         .order_by(Contact.id)):
        if contact.kind not in kinds.setdefault(unit.id, []):
            kinds[unit.id].append(contact.kind)
        if unit.kind == ADMIN:
            admin = unit.name
    return {uid: "+".join(k) for uid, k in kinds.items()}, admin


@dataclass
class PlanFilter:
    as_of: datetime | None = None
    until: date | None = None
    unit: str | None = None


def plan_rows(session: Session, settings: Settings, flt: PlanFilter) -> list[dict]:
    tz = settings.tz
    channels, admin = channels_by_unit(session)
    units = {u.name: u for u in session.scalars(select(Unit))}
    milestones = live_milestones(session)
    if flt.as_of is None:
        by_id = {m.id: m for m in milestones}
        pairs = [(by_id[r.milestone_id], r.unit.name, r) for r in session.scalars(
            select(Reminder).where(Reminder.status.in_(OPEN_REMINDER)).order_by(Reminder.send_at, Reminder.id))
            if r.milestone_id in by_id]
    else:
        ctx = plan_context(session, settings, flt.as_of)
        pairs = [(m, p.unit, p) for m in milestones for p in desired_rows(m, ctx)
                 if p.status == PLANNED and p.send_at >= flt.as_of]
    rows = []
    for m, unit_name, r in pairs:
        if flt.unit and unit_name != flt.unit:
            continue
        if flt.until and r.send_on > flt.until:
            continue
        unit = units[unit_name]
        channel = channels.get(unit.id) or (f"兜底:{admin or settings.admin_name}")
        local = r.send_at.astimezone(tz)
        rows.append({
            "send_at": local.isoformat(),
            "send_on": r.send_on.isoformat(),
            "weekday": f"周{WEEKDAYS[r.send_on.weekday()]}",
            "unit": unit_name,
            "channel": channel,
            "milestone_id": m.id,
            "milestone": m.expr or "年度任务（未写时限）",
            "action": m.action,
            "task_no": m.task.no,
            "task": m.task.title,
            "document": m.task.document.title,
            "due": r.due.isoformat(),
            "kind": r.kind,
            "lead_days": r.lead_days,
            "lead": lead_text(r.kind, r.lead_days),
            "status": r.status,
            "unverified": r.unverified,
            "copy_admin": r.copy_admin,
            "note": r.note,
        })
    rows.sort(key=lambda x: (x["send_at"], x["unit"], x["milestone_id"]))
    return rows


def done_mark(row: Milestone, mu, tz) -> dict:
    """One unit's done mark on a milestone: who, when and the note, as `status` and `plan` show it."""
    return {"milestone_id": row.id, "milestone": f"M{row.id}", "expr": row.expr or "年度任务（未写时限）",
            "task_no": row.task.no, "task": row.task.title, "unit": mu.unit.name,
            "done_at": mu.done_at.astimezone(tz).isoformat(timespec="minutes"), "done_by": mu.done_by or "",
            "note": mu.done_note or ""}


def done_marks(session: Session, settings: Settings, unit: str | None = None) -> list[dict]:
    """Every standing done mark of a live milestone (one unit, or all), in milestone order."""
    return [done_mark(m, mu, settings.tz) for m in live_milestones(session) for mu in m.units
            if mu.removed_at is None and mu.done_at is not None and (unit is None or mu.unit.name == unit)]


def mark_text(mark: dict) -> str:
    """M8 张三 09-20「已报送盘点结果」: a done mark in one table cell."""
    note = f"「{mark['note']}」" if mark["note"] else ""
    return f"{mark['milestone']} {mark['done_by']} {mark['done_at'][5:10]}{note}"


def next_due(row: Milestone, settings: Settings, today: date) -> date | None:
    """The due date that counts today: the milestone's, or a recurring one's current occurrence."""
    return due_of(target_of(row), settings, today)


def due_of(target: Target, settings: Settings, today: date) -> date | None:
    return current_due(target, today, settings.horizon_days)


class Standing(NamedTuple):
    """One live unit of one live milestone, with the due date that counts for it today
    (its approved extension, else the milestone's current occurrence). A named tuple: the
    dashboard makes 12,000 of them per visit for a 2,000-task list."""

    milestone_id: int
    expr: str
    task_no: int | None
    task: str
    unit_id: int
    unit: str
    due: date | None
    done_at: datetime | None
    done_by: str | None
    done_note: str | None

    def mark(self, tz) -> dict:
        """Its done mark as `status` and `plan` show it (the same fields as `done_mark`)."""
        return {"milestone_id": self.milestone_id, "milestone": f"M{self.milestone_id}",
                "expr": self.expr or "年度任务（未写时限）", "task_no": self.task_no, "task": self.task,
                "unit": self.unit, "done_at": self.done_at.astimezone(tz).isoformat(timespec="minutes"),
                "done_by": self.done_by or "", "note": self.done_note or ""}


def standings(session: Session, settings: Settings, today: date) -> list[Standing]:
    """Every live unit × live milestone, in milestone order, from plain rows (not the ORM graph:
    a 2,000-task list has 12,000 of them, and the dashboard reads them on every visit): the
    milestones once, their units in a narrow second query, each distinct schedule's due once."""
    live = (Milestone.removed_at.is_(None), Task.removed_at.is_(None))
    # a due date once per distinct schedule: thousands of milestones share a handful ("6月底前", 每季度末 …)
    planned: dict[tuple, date | None] = {}
    milestones: dict[int, tuple] = {}
    for mid, expr, *schedule, no, title in session.execute(
            select(Milestone.id, Milestone.expr, Milestone.due, Milestone.kind, Milestone.rule, Milestone.past,
                   Milestone.planned_from, Task.no, Task.title).join(Task, Milestone.task_id == Task.id).where(*live)):
        key = tuple(schedule)
        if key not in planned:
            planned[key] = due_of(Target(*key), settings, today)
        milestones[mid] = (expr, no, title, planned[key])
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    extended = extended_dues(session, sorted(milestones))
    out = []
    for mid, unit_id, done_at, done_by, note in session.execute(
            select(MilestoneUnit.milestone_id, MilestoneUnit.unit_id, MilestoneUnit.done_at, MilestoneUnit.done_by,
                   MilestoneUnit.done_note)
            .join(Milestone, MilestoneUnit.milestone_id == Milestone.id).join(Task, Milestone.task_id == Task.id)
            .where(MilestoneUnit.removed_at.is_(None), *live)
            .order_by(MilestoneUnit.milestone_id, MilestoneUnit.position)):
        expr, no, title, due = milestones[mid]
        if mid in extended:
            due = extended[mid].get(unit_id, due)
        out.append(Standing(mid, expr, no, title, unit_id, names[unit_id], due, done_at, done_by, note))
    return out


def light(row: dict) -> str:
    """A `status_rows` row's light: 红 with an overdue item, else 黄 with one due soon, else 绿."""
    return "红" if row["overdue"] else "黄" if row["due_soon"] else "绿"


def status_rows(session: Session, settings: Settings, as_of: datetime,
                rows: list[Standing] | None = None) -> list[dict]:
    """Per unit: done, due soon (黄), overdue (红) and later, from `standings` (given, or read)."""
    today = as_of.astimezone(settings.tz).date()
    soon = today + timedelta(days=settings.due_soon_days)
    channels, _ = channels_by_unit(session)
    calendar = load_calendar(session, settings)
    stats: dict[str, dict] = {}
    for st in standings(session, settings, today) if rows is None else rows:
        due = st.due
        s = stats.setdefault(st.unit, {
            "unit": st.unit, "total": 0, "done": 0, "due_soon": 0, "overdue": 0, "later": 0,
            "unverified": 0, "next_due": None, "overdue_items": [], "done_items": [],
            "channel": channels.get(st.unit_id, "")})
        s["total"] += 1
        done = st.done_at is not None and st.done_at <= as_of  # a mark made after as_of did not count then
        if done:
            s["done"] += 1
            s["done_items"].append(st.mark(settings.tz))
        elif due is None:
            s["later"] += 1
        elif due < today:
            s["overdue"] += 1
            s["overdue_items"].append(f"M{st.milestone_id}")
        elif due <= soon:
            s["due_soon"] += 1
        else:
            s["later"] += 1
        if not done and due is not None and due >= today:
            s["next_due"] = min(filter(None, [s["next_due"], due.isoformat()]))
            if not calendar.verified(due):
                s["unverified"] += 1
    return sorted(stats.values(), key=lambda s: (-s["overdue"], -s["due_soon"], s["unit"]))
