"""总览: each unit's light and counts (the figures of `status`), the next 14 days of reminders,
deliveries that need a person, the admin's notices, and milestones by unit on a timeline."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, g, render_template, request
from sqlalchemy import select

from bot.plan.lookup import live_milestones
from bot.plan.views import PlanFilter, next_due, plan_rows, status_rows
from bot.store.audit import recent
from bot.store.models import FAILED, AdminNotice, Message
from bot.web.charts import timeline

bp = Blueprint("dashboard", __name__)
AHEAD_DAYS = 14


def light(row: dict) -> str:
    """红 overdue, 黄 due soon, 绿 otherwise: the same rule as `status`."""
    return "red" if row["overdue"] else "yellow" if row["due_soon"] else "green"


def unit_states(today: date, soon: date) -> list[tuple[str, date, str, str]]:
    """(unit, due, state, label) for every live unit of every live milestone."""
    items = []
    for m in live_milestones(g.db):
        due = next_due(m, g.settings, today)
        if due is None:
            continue
        for mu in m.units:
            if mu.removed_at is not None:
                continue
            state = ("done" if mu.done_at is not None else "overdue" if due < today
                     else "due_soon" if due <= soon else "later")
            items.append((mu.unit.name, due, state, f"M{m.id} {m.expr or '年度任务'} {due:%m-%d}"))
    return items


@bp.get("/")
def index():
    today = g.now.astimezone(g.settings.tz).date()
    soon = today + timedelta(days=g.settings.due_soon_days)
    units = [{**r, "light": light(r)} for r in status_rows(g.db, g.settings, g.now)]
    until = today + timedelta(days=AHEAD_DAYS)
    upcoming = [r for r in plan_rows(g.db, g.settings, PlanFilter(until=until))
                if r["send_on"] >= today.isoformat()]
    failed = list(g.db.scalars(select(Message).where(Message.status == FAILED)
                               .order_by(Message.send_at.desc()).limit(50)))
    notices = list(g.db.scalars(select(AdminNotice).order_by(AdminNotice.created_at.desc()).limit(20)))
    items = unit_states(today, soon)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    if items:
        year_start = min(year_start, min(due for _, due, *_ in items))
        year_end = max(year_end, max(due for _, due, *_ in items))
    chart = timeline(items, year_start, year_end, today=today)
    return render_template("dashboard.html", units=units, upcoming=upcoming, failed=failed, notices=notices,
                           chart=chart, today=today, ahead=AHEAD_DAYS)


@bp.get("/audit")
def audit():
    page = max(request.args.get("page", 1, type=int), 1)
    entries = recent(g.db, limit=100, offset=(page - 1) * 100)
    return render_template("audit.html", entries=entries, page=page)
