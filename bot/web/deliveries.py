"""发送记录: every send attempt, filtered by unit, status, channel and day; one message with all its
attempts; and resend of failed messages through `deliveries resend`'s own function (jobs.outbox).

Contacts are shown masked (jobs.channels.describe_contact), as in the CLI's table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from bot.cli.cmd_deliveries import STATUS_TEXT
from bot.store.audit import record
from bot.store.models import FAILED, Delivery, Message, MessageReminder, Reminder, Unit
from jobs.channels import contact_problem, describe_contact
from jobs.outbox import resend as requeue

bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")
PAGE = 100
MESSAGE_STATUS = {"pending": "待发送", "sending": "发送中", **STATUS_TEXT}


@dataclass
class Filters:
    unit: int | None = None
    status: str = ""
    channel: str = ""
    since: date | None = None
    until: date | None = None

    def query_args(self) -> dict:
        return {k: v for k, v in {"unit": self.unit, "status": self.status, "channel": self.channel,
                                  "since": self.since, "until": self.until}.items() if v}


def _day(name: str, errors: dict) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "日期应写成 2024-06-20 这样的格式。"
        return None


def _filters(errors: dict) -> Filters:
    args = request.args
    status = args.get("status", "")
    if status and status not in STATUS_TEXT:
        errors["status"] = "未知的结果，请从列表中选择。"
        status = ""
    f = Filters(args.get("unit", type=int), status, args.get("channel", "").strip(), _day("since", errors),
                _day("until", errors))
    if f.since and f.until and f.since > f.until:
        errors["until"] = "结束日期早于开始日期。"
    return f


def _instant(day: date) -> datetime:
    """The office's local midnight starting `day`, the edge of a day filter."""
    return datetime.combine(day, time(0), g.settings.tz)


def _within(query: Select, f: Filters, at) -> Select:
    if f.unit:
        query = query.where(Message.unit_id == f.unit)
    if f.since:
        query = query.where(at >= _instant(f.since))
    if f.until:
        query = query.where(at < _instant(f.until + timedelta(days=1)))
    return query


def _local(at: datetime | None) -> str:
    return at.astimezone(g.settings.tz).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def attempt_rows(f: Filters, page: int) -> list[dict]:
    query = (select(Delivery, Message).join(Message, Message.id == Delivery.message_id)
             .options(joinedload(Message.unit), joinedload(Message.contact)))
    query = _within(query, f, Delivery.at)
    if f.status:
        query = query.where(Delivery.status == f.status)
    if f.channel:
        query = query.where(Delivery.channel == f.channel)
    rows = g.db.execute(query.order_by(Delivery.at.desc(), Delivery.id.desc())
                        .offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return [{"at": _local(d.at), "message": m, "contact": describe_contact(m.contact), "attempt": d.attempt,
             "status": d.status, "error": d.error or "", "duration_ms": d.duration_ms, "worker": d.worker}
            for d, m in rows]


def failed_messages(f: Filters) -> list[dict]:
    query = select(Message).where(Message.status == FAILED).options(joinedload(Message.unit), joinedload(Message.contact))
    query = _within(query, f, Message.send_at)
    if f.channel:
        query = query.where(Message.channel == f.channel)
    return [{"message": m, "contact": describe_contact(m.contact), "at": _local(m.send_at)}
            for m in g.db.scalars(query.order_by(Message.id.desc()).limit(PAGE))]


@bp.get("/")
def index():
    errors: dict[str, str] = {}
    f = _filters(errors)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = attempt_rows(f, page)
    units = list(g.db.scalars(select(Unit).where(Unit.id.in_(select(Message.unit_id).distinct())).order_by(Unit.name)))
    channels = sorted(set(g.db.scalars(select(Delivery.channel).distinct())))
    return render_template("deliveries.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page, f=f,
                           failed=failed_messages(f), units=units, channels=channels, statuses=STATUS_TEXT,
                           message_status=MESSAGE_STATUS, errors=errors), 400 if errors else 200


@bp.get("/messages/<int:message_id>")
def message(message_id: int):
    m = g.db.get(Message, message_id) or abort(404)
    attempts = list(g.db.scalars(select(Delivery).where(Delivery.message_id == m.id)
                                 .order_by(Delivery.attempt, Delivery.id)))
    reminders = list(g.db.scalars(select(Reminder).join(MessageReminder, MessageReminder.reminder_id == Reminder.id)
                                  .where(MessageReminder.message_id == m.id).order_by(Reminder.id)))
    return render_template("deliveries_message.html", m=m, contact=describe_contact(m.contact), attempts=attempts,
                           reminders=reminders, local=_local, statuses=STATUS_TEXT, message_status=MESSAGE_STATUS,
                           problem=contact_problem(m.contact) if m.status == FAILED else None)


def _resend(ids: list[int] | None, unit_id: int | None = None, since: date | None = None, what: str = "") -> None:
    """`deliveries resend`, from the console: the messages go back to the queue, the admin is told why not."""
    done = requeue(g.db, g.now, f"控制台重新发送（{g.user.username}）", ids=ids, unit_id=unit_id, since=since)
    if done.queued:
        flash(f"已放回发送队列 {len(done.queued)} 条消息：" + "、".join(f"#{i}" for i in done.queued)
              + "。发送服务下一轮（约 30 秒内）发送。")
    for mid, why in done.skipped.items():
        flash(f"未重发消息 #{mid}：{why}")
    for mid in done.queued:
        problem = contact_problem(g.db.get(Message, mid).contact)
        if problem:
            flash(f"注意：消息 #{mid} 的联系方式在控制台的环境中仍无法使用（{problem}）；若发送服务的环境中已设置，可忽略。")
    if not done.queued and not done.skipped:
        flash("没有符合条件的发送失败的消息。")
    record(g.db, g.user.username, "重新发送", what, after={"queued": done.queued, "skipped": done.skipped}, at=g.now)


@bp.post("/messages/<int:message_id>/resend")
def resend_one(message_id: int):
    m = g.db.get(Message, message_id) or abort(404)
    _resend([m.id], what=f"消息 #{m.id}（{m.unit.name}）")
    return redirect(url_for("deliveries.message", message_id=m.id))


@bp.post("/resend")
def resend_failed():
    """Every failed message of the filter's unit and days (the CLI's --failed --unit --since)."""
    unit = request.form.get("unit", type=int)
    since_text = request.form.get("since", "").strip()
    try:
        since = date.fromisoformat(since_text) if since_text else None
    except ValueError:
        abort(400)
    name = g.db.get(Unit, unit).name if unit and g.db.get(Unit, unit) else "全部单位"
    _resend(None, unit_id=unit, since=since, what=f"全部失败消息（{name}{'，' + since_text + ' 起' if since else ''}）")
    return redirect(url_for("deliveries.index", **{k: v for k, v in {"unit": unit, "since": since_text}.items() if v}))
