"""The units' public pages: opened from a reminder's link, no account, no login.

GET only shows (chat previews and mail scanners fetch every URL); every answer is a POST
from the page, with the console's CSRF token. A link is bound to one unit: an item link to
one milestone and one action, the page link to the unit's own items. Whatever is wrong with
a token (malformed, unknown, altered, expired, revoked, used), the answer is the same plain
page, so a prober learns nothing. Each client's requests are counted in the database
(answer_hits) and refused above RATE_LIMIT per RATE_WINDOW, whichever process serves them.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Response, g, render_template, request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.answers import attachments, flows, reporting, tokens
from bot.answers.dues import unit_dues
from bot.answers.links import CALENDAR, ITEM_ACTIONS, PAGE, calendar_link, effective_due, url
from bot.plan.ics import unit_calendar
from bot.plan.replan import load_lead_times
from bot.store.answer_models import AnswerHit, AnswerToken, ProgressReport
from bot.store.models import Milestone, MilestoneUnit, Task

bp = Blueprint("answers", __name__, url_prefix="/u")
RATE_LIMIT, RATE_WINDOW = 60, timedelta(minutes=10)



class Refused(Exception):
    """Any bad token: answered by the one plain page."""


@dataclass
class Item:
    mu: MilestoneUnit
    state: str
    due: date
    original_due: date
    acknowledged: str
    progress: list[ProgressReport]
    periods: list[reporting.PeriodState]  # a reporting calendar's periods (已报/未报/待报), else empty

    @property
    def label(self) -> str:
        return flows.LABELS[self.state]

    @property
    def open(self) -> bool:
        return self.state != flows.DONE


def _client() -> str:
    return hashlib.sha256((request.remote_addr or "?").encode()).hexdigest()[:32]


def _count_hit() -> bool:
    """Record this request; False when the client is over the limit."""
    client, since = _client(), g.now - RATE_WINDOW
    g.db.execute(delete(AnswerHit).where(AnswerHit.client == client, AnswerHit.at < since))
    count = g.db.scalar(select(func.count()).select_from(AnswerHit).where(AnswerHit.client == client))
    g.db.add(AnswerHit(client=client, at=g.now))
    g.db.commit()
    return count < RATE_LIMIT


def _token(token: str, *actions: str) -> AnswerToken:
    row = tokens.resolve(g.db, token, g.now)
    if row is None or row.action not in actions:
        raise Refused
    return row


@bp.before_request
def limit():
    if not _count_hit():
        return render_template("answer_refused.html", title="访问过于频繁",
                               message="访问过于频繁，请 10 分钟后再试。"), 429
    return None


@bp.errorhandler(Refused)
def refused(_error):
    return render_template("answer_refused.html", title="链接无效",
                           message="该链接无效或已失效。请使用最近一次提醒中的链接，或联系督办部门。"), 404


def _today() -> date:
    return g.now.astimezone(g.settings.tz).date()


def _unit_items(session: Session, unit_id: int) -> list[MilestoneUnit]:
    return list(session.scalars(
        select(MilestoneUnit).join(Milestone, Milestone.id == MilestoneUnit.milestone_id).join(Milestone.task)
        .where(MilestoneUnit.unit_id == unit_id, MilestoneUnit.removed_at.is_(None),
               Milestone.removed_at.is_(None), Task.removed_at.is_(None))
        .order_by(Milestone.due, Milestone.id)))


def _item(mu: MilestoneUnit) -> Item:
    found = flows.item_of(g.db, mu)
    progress = [] if found is None else list(g.db.scalars(
        select(ProgressReport).where(ProgressReport.unit_item_id == found.id).order_by(ProgressReport.at.desc())))
    return Item(mu, flows.state_of(g.db, mu, _today()), effective_due(g.db, mu, _today()),
                found.original_due if found else mu.milestone.due,
                f"{found.acknowledged_by}（{found.acknowledged_at.astimezone(g.settings.tz):%Y-%m-%d %H:%M}）"
                if found and found.acknowledged_at else "", progress,
                reporting.unit_periods(g.db, mu, _today(), g.settings.tz) if reporting.is_calendar(g.db, mu.milestone)
                else [])


def _bound(row: AnswerToken, milestone_id: int) -> MilestoneUnit:
    """The unit's item of `milestone_id`: a token never reaches another unit's item."""
    mu = g.db.scalar(select(MilestoneUnit).where(MilestoneUnit.unit_id == row.unit_id,
                                                 MilestoneUnit.milestone_id == milestone_id))
    if mu is None:
        raise Refused
    return mu


def _page_url(row: AnswerToken) -> str | None:
    standing = tokens.standing(g.db, row.unit_id, None, PAGE, g.now)
    return url(request.script_root or "", standing) if standing else None


def _item_page(row: AnswerToken, mu: MilestoneUnit, action: str, *, error: str | None = None,
               done: str | None = None, status: int = 200):
    period = reporting.period_of(mu.milestone, row.occurrence) if row.occurrence else None
    return render_template("answer_item.html", item=_item(mu), action=action, label=ITEM_ACTIONS[action],
                           error=error, done=done, unit=row.unit, page_url=_page_url(row), today=_today(),
                           period=period), status


@bp.get("/<token>")
def show(token: str):
    row = _token(token, PAGE, *ITEM_ACTIONS)
    if row.action != PAGE:
        return _item_page(row, _bound(row, row.milestone_id), row.action)
    return _unit_page(row)


def _unit_page(row: AnswerToken, note: str | None = None):
    items = [_item(mu) for mu in _unit_items(g.db, row.unit_id)]
    feed = tokens.standing(g.db, row.unit_id, None, CALENDAR, g.now)
    return render_template("answer_page.html", unit=row.unit, token=request.view_args["token"],
                           open_items=[i for i in items if i.open], closed=[i for i in items if not i.open],
                           history=flows.history(g.db, row.unit_id)[:100], labels=flows.LABELS, actions=ITEM_ACTIONS,
                           feed=f"{request.host_url.rstrip('/')}/u/{feed}/calendar.ics" if feed else None, note=note)


@bp.post("/<token>")
def act(token: str):
    row = _token(token, *ITEM_ACTIONS)
    mu = _bound(row, row.milestone_id)
    return _perform(row, mu, row.action, once=row.action == "done")


@bp.get("/<token>/m/<int:milestone_id>/<action>")
def item(token: str, milestone_id: int, action: str):
    row = _token(token, PAGE)
    if action not in ITEM_ACTIONS:
        raise Refused
    return _item_page(row, _bound(row, milestone_id), action)


@bp.post("/<token>/m/<int:milestone_id>/<action>")
def item_act(token: str, milestone_id: int, action: str):
    row = _token(token, PAGE)
    if action not in ITEM_ACTIONS:
        raise Refused
    return _perform(row, _bound(row, milestone_id), action, once=False)


def _upload():
    sent = request.files.get("attachment")
    if sent is None or not sent.filename:
        return None
    data = sent.stream.read(attachments.limit_bytes(g.settings) + 1)
    return attachments.store(g.db, g.settings, sent.filename, data, g.now)


def _percent(value: str | None) -> int | None:
    text = (value or "").strip().rstrip("%")
    if not text:
        return None
    if not text.isdigit():
        raise flows.AnswerRefused("完成进度应填写 0 到 100 之间的整数。")
    return int(text)


def _date(value: str | None) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise flows.AnswerRefused(f"日期「{text[:20]}」无法识别，请写成 2024-07-31 的形式。") from exc


def _perform(row: AnswerToken, mu: MilestoneUnit, action: str, *, once: bool):
    form = request.form
    name = form.get("name", "")
    try:
        if action == "ack":
            flows.acknowledge(g.db, mu, name, g.now)
            done = "已签收。"
        elif action == "progress":
            percent = _percent(form.get("percent"))
            flows.report_progress(g.db, mu, name, form.get("text", ""), percent, _upload(), g.now, row.occurrence)
            done = "进展已报送，督办部门可以看到。"
        elif action == "done":
            flows.submit_done(g.db, mu, name, form.get("note", ""), _upload(), g.now, g.settings)
            done = "办结情况已提交，等待督办部门审核；审核结果会通知本单位。"
        else:
            flows.request_extension(g.db, mu, name, _date(form.get("new_due")), form.get("reason", ""), g.now,
                                    _today())
            done = "延期申请已提交，等待督办部门审批。"
    except flows.AnswerRefused as error:
        g.db.rollback()
        return _item_page(row, mu, action, error=error.message, status=400)
    if once:
        row.used_at = g.now
    return _item_page(row, mu, action, done=done)


@bp.get("/<token>/calendar.ics")
def calendar(token: str):
    row = _token(token, CALENDAR)
    milestones = [mu.milestone for mu in _unit_items(g.db, row.unit_id) if mu.done_at is None]
    leads = load_lead_times(g.db, g.settings)
    body = unit_calendar(row.unit.name, milestones, {m.id: leads.for_(row.unit.name, m.kind) for m in milestones},
                         g.settings, g.now, unit_dues(g.db, row.unit_id, [m.id for m in milestones]))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=duban.ics"})


@bp.post("/<token>/calendar")
def calendar_renew(token: str):
    """A new calendar address for the unit; the old one stops working."""
    row = _token(token, PAGE)
    tokens.revoke(g.db, row.unit_id, f"{row.unit.name}（单位页面）", g.now, action=CALENDAR)
    calendar_link(g.db, row.unit_id, base_url=request.host_url, now=g.now)
    return _unit_page(row, note="已生成新的日历订阅地址，旧地址已失效。")
