"""设置: every setting with the place it comes from; the ones the store holds are edited here.

What the store holds (the runtime truth, shared by every worker) is editable: the lead times
(default and per milestone kind; per unit on the unit's page), the calendar overrides and the
admin's contacts (on the admin's unit page). The rest lives only in settings.yaml (send time,
time zone, overdue escalation, the implicit due date …) or in the environment, which the
scheduler reads at start: shown read-only, with the file and how to change it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.config.paths import SETTINGS, config_dir
from bot.config.settings import CALENDAR_NAME_MAX, KINDS
from bot.config.yamlfile import load_yaml
from bot.errors import DubanError
from bot.plan.replan import load_lead_times
from bot.store.models import ADMIN, CalendarOverride, LeadTimeRule, Unit
from bot.web.units import KIND_LABELS, FormErrors, parse_lead_days, save_change, set_lead_rule, shown_contact

bp = Blueprint("settings_page", __name__, url_prefix="/settings")
PUBLIC_URL_ENV = "DUBAN_PUBLIC_URL"


@dataclass
class Setting:
    label: str
    value: str
    source: str


def _settings_path():
    return config_dir() / SETTINGS


def _written_keys() -> set[str]:
    """The top-level keys settings.yaml sets (read once per request)."""
    if "settings_keys" not in g:
        path = _settings_path()
        data = load_yaml(path)[0] if path.is_file() else None
        g.settings_keys = set(data) if isinstance(data, dict) else set()
    return g.settings_keys


def _source(key: str, env: str | None = None) -> str:
    """Where the value in force comes from: the environment wins over settings.yaml over the default."""
    if env and os.environ.get(env):
        return f"环境变量 {env}"
    return f"{_settings_path()}（{key}）" if key in _written_keys() else "默认值"


def public_url() -> Setting:
    """The console's public address (the units' answer links): DUBAN_PUBLIC_URL wins over `public_url`."""
    if os.environ.get(PUBLIC_URL_ENV):
        return Setting("控制台公开地址", os.environ[PUBLIC_URL_ENV], f"环境变量 {PUBLIC_URL_ENV}")
    written = getattr(g.settings, "public_url", "") or ""
    return Setting("控制台公开地址", written or "未设置", _source("public_url") if written else "未设置")


def file_settings() -> list[Setting]:
    s = g.settings
    od = s.overdue
    return [
        Setting("每日发送时间", s.send_time.strftime("%H:%M"), _source("send_time", "DUBAN_SEND_TIME")),
        Setting("时区", s.timezone, _source("timezone", "DUBAN_TIMEZONE")),
        Setting("逾期催办", f"逾期后每 {od.repeat_every_workdays} 个工作日提醒一次，最多 {od.max_reminders} 次；"
                f"逾期 {od.copy_admin_after_workdays} 个工作日起抄送管理员", _source("overdue")),
        Setting("未写期限的任务默认截止日", f"每年 {s.implicit_due[0]} 月 {s.implicit_due[1]} 日", _source("implicit_due")),
        Setting("“即将到期”的天数", f"{s.due_soon_days} 天", _source("due_soon_days")),
        Setting("错过发送后补发的时限", f"{s.catch_up_hours} 小时", _source("catch_up_hours")),
        Setting("长假后补充提醒（假期天数）", f"{s.long_holiday_days} 天及以上", _source("long_holiday_days")),
        Setting("提前生成计划的范围", f"{s.horizon_days} 天", _source("horizon_days")),
        Setting("管理员名称", s.admin_name, _source("admin")),
    ]


def _calendar_rows() -> list[dict]:
    stored = {c.day: c for c in g.db.scalars(select(CalendarOverride).order_by(CalendarOverride.day))}
    rows = [{"day": c.day, "workday": c.is_workday, "name": c.name, "stored": True} for c in stored.values()]
    rows += [{"day": c.day, "workday": c.is_workday, "name": c.name, "stored": False}
             for c in g.settings.calendar if c.day not in stored]
    return sorted(rows, key=lambda r: r["day"])


@bp.get("/")
def index(errors: dict[str, FormErrors] | None = None, kept: dict | None = None, status: int = 200):
    stored = {r.scope: list(r.lead_days) for r in g.db.scalars(select(LeadTimeRule))}
    leads = load_lead_times(g.db, g.settings)
    admin = g.db.scalars(select(Unit).where(Unit.kind == ADMIN)).first()
    lead_source = ("数据库（控制台或 config apply 写入）" if stored
                   else _source("lead_times", "DUBAN_LEAD_TIMES") + "（第一次在此修改后保存到数据库）")
    return render_template("settings.html", fixed=file_settings(), public=public_url(), path=_settings_path(),
                           leads=leads, lead_source=lead_source, kinds=KIND_LABELS, admin=admin,
                           admin_contacts=[shown_contact(c) for c in admin.contacts] if admin else [],
                           calendar=_calendar_rows(), errors=errors or {}, kept=kept or {},
                           env_leads=os.environ.get("DUBAN_LEAD_TIMES")), status


@bp.post("/lead-times")
def lead_times():
    form = request.form
    wanted: dict[str, list[int] | None] = {}
    errors = FormErrors()
    for scope, name in [("default", "default")] + [(f"kind:{k}", f"kind_{k}") for k in KINDS]:
        text = form.get(name, "").strip()
        if not text and scope == "default":
            errors.by_field[name] = "默认提前量不能为空，例如 30,14,7,3,1,0。"
            continue
        try:
            wanted[scope] = parse_lead_days(text) if text else None
        except DubanError as problem:
            errors.by_field[name] = str(problem)
    if errors:
        return index(errors={"lead": errors}, kept=dict(form), status=400)
    before, after = {}, {}
    for scope, days in wanted.items():
        old, new = set_lead_rule(scope, days)
        if old != new:
            before[scope], after[scope] = old, new
    if not after:
        flash("提前量没有变化。")
    else:
        save_change("修改提前量", "、".join(after), before, after, "已保存提前量")
    return redirect(url_for("settings_page.index") + "#lead")


@bp.post("/calendar")
def add_day():
    form = request.form
    errors = FormErrors()
    try:
        day = date.fromisoformat(form.get("day", "").strip())
    except ValueError:
        errors.by_field["day"] = "日期应写成 2024-10-01 这样的格式。"
    workday = form.get("workday", "")
    if workday not in ("0", "1"):
        errors.by_field["workday"] = "请选择“放假”或“调休上班”。"
    name = form.get("name", "").strip()
    if len(name) > CALENDAR_NAME_MAX:
        errors.by_field["name"] = f"名称不能超过 {CALENDAR_NAME_MAX} 个字，例如 国庆节。"
    if errors:
        return index(errors={"calendar": errors}, kept=dict(form), status=400)
    row = g.db.get(CalendarOverride, day)
    before = {"workday": row.is_workday, "name": row.name} if row else None
    if row is None:
        row = CalendarOverride(day=day, is_workday=workday == "1", name=name)
        g.db.add(row)
    else:
        row.is_workday, row.name = workday == "1", name
    g.db.flush()
    after = {"workday": row.is_workday, "name": row.name}
    save_change("修改日历调整" if before else "新增日历调整", day.isoformat(), before, after,
                f"已保存 {day}：{'调休上班' if row.is_workday else '放假'} {name}".rstrip())
    return redirect(url_for("settings_page.index") + "#calendar")


@bp.post("/calendar/<day>/remove")
def remove_day(day: str):
    try:
        row = g.db.get(CalendarOverride, date.fromisoformat(day))
    except ValueError:
        row = None
    if row is None:
        abort(404)
    before = {"workday": row.is_workday, "name": row.name}
    g.db.delete(row)
    g.db.flush()
    save_change("删除日历调整", day, before, None, f"已删除 {day} 的日历调整")
    return redirect(url_for("settings_page.index") + "#calendar")
