"""总览: each unit's light and counts (the figures of `status`) with its items nobody has
acknowledged (未签收), the 审核 queue's size, the next 14 days of reminders,
deliveries that need a person, the admin's notices, and milestones by unit on a timeline."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from heapq import merge
from itertools import islice

from flask import Blueprint, g, render_template, request
from sqlalchemy import func, select

from bot.answers import flows, reporting
from bot.plan.views import WEEKDAYS, Standing, channels_by_unit, lead_text, standings, status_rows
from bot.store.audit import recent
from bot.store.models import FAILED, OPEN_REMINDER, AdminNotice, Message, Milestone, Reminder, Task, Unit
from bot.web.approvals import not_acknowledged
from bot.web.charts import timeline

bp = Blueprint("dashboard", __name__)
AHEAD_DAYS = 14
SHOWN = 200  # reminders listed; the heading gives the full count


def upcoming(today: date, until: date) -> tuple[int, list[dict]]:
    """The open reminders to be sent from today to `until`: their count, and the first SHOWN of
    them in sending order (filtered in the database: a large list has tens of thousands)."""
    tz = g.settings.tz
    first, after = (datetime.combine(day, time(), tz) for day in (today, until + timedelta(days=1)))
    # send_at (the instant of send_on's sending time), so ix_reminders_status_send_at serves the range
    window = (Reminder.send_at >= first, Reminder.send_at < after, Milestone.removed_at.is_(None),
              Task.removed_at.is_(None))
    base = select(Reminder, Unit.name, Milestone, Task.title).join(Unit, Reminder.unit_id == Unit.id) \
        .join(Milestone, Reminder.milestone_id == Milestone.id).join(Task, Milestone.task_id == Task.id)
    count = g.db.scalar(select(func.count()).select_from(
        base.where(Reminder.status.in_(OPEN_REMINDER), *window).subquery()))
    # the first SHOWN of each open status in index order, merged: one `status IN (…)` query would
    # sort the whole window (18,000 rows for the 2,000-task bench) to keep 200
    firsts = [g.db.execute(base.where(Reminder.status == status, *window)
                           .order_by(Reminder.send_at, Reminder.id).limit(SHOWN)).all() for status in OPEN_REMINDER]
    channels, admin = channels_by_unit(g.db)
    rows = []
    for rem, unit, milestone, task in islice(merge(*firsts, key=lambda row: (row[0].send_at, row[0].id)), SHOWN):
        rows.append({"send_at": rem.send_at.astimezone(g.settings.tz).strftime("%Y-%m-%d %H:%M"),
                     "weekday": f"周{WEEKDAYS[rem.send_on.weekday()]}", "unit": unit,
                     "channel": channels.get(rem.unit_id) or f"兜底:{admin or g.settings.admin_name}",
                     "milestone_id": milestone.id, "milestone": milestone.expr or "年度任务（未写时限）",
                     "action": milestone.action or task, "due": rem.due.isoformat(), "lead": lead_text(rem.kind, rem.lead_days)})
    return count, rows


def light(row: dict) -> str:
    """红 overdue, 黄 due soon, 绿 otherwise: the same rule as `status`."""
    return "red" if row["overdue"] else "yellow" if row["due_soon"] else "green"


def unit_states(rows: list[Standing], today: date, soon: date) -> list[tuple[str, date, str, str]]:
    """(unit, due, state, label) for the timeline: every live unit of every live milestone."""
    return [(st.unit, st.due, "done" if st.done_at is not None else "overdue" if st.due < today
             else "due_soon" if st.due <= soon else "later", f"M{st.milestone_id} {st.expr or '年度任务'} {st.due.month:02d}-{st.due.day:02d}")
            for st in rows if st.due is not None]


@bp.get("/")
def index():
    today = g.now.astimezone(g.settings.tz).date()
    soon = today + timedelta(days=g.settings.due_soon_days)
    quiet, missing = not_acknowledged(), reporting.missing_per_unit(g.db, today, g.settings.tz)
    rows = standings(g.db, g.settings, today)
    units = [{**r, "light": light(r), "unacknowledged": quiet.get(r["unit"], 0),
              "reports_missing": missing.get(r["unit"], 0)}
             for r in status_rows(g.db, g.settings, g.now, rows)]
    upcoming_count, upcoming_rows = upcoming(today, today + timedelta(days=AHEAD_DAYS))
    failed = list(g.db.scalars(select(Message).where(Message.status == FAILED)
                               .order_by(Message.send_at.desc()).limit(50)))
    notices = list(g.db.scalars(select(AdminNotice).order_by(AdminNotice.created_at.desc()).limit(20)))
    items = unit_states(rows, today, soon)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    if items:
        year_start = min(year_start, min(due for _, due, *_ in items))
        year_end = max(year_end, max(due for _, due, *_ in items))
    chart = timeline(items, year_start, year_end, today=today)
    return render_template("dashboard.html", units=units, upcoming=upcoming_rows, upcoming_count=upcoming_count,
                           failed=failed, notices=notices, pending=len(flows.pending(g.db)),
                           chart=chart, today=today, ahead=AHEAD_DAYS)


@bp.get("/audit")
def audit():
    page = max(request.args.get("page", 1, type=int), 1)
    entries = recent(g.db, limit=100, offset=(page - 1) * 100)
    return render_template("audit.html", entries=entries, page=page)
