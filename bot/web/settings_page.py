"""设置: every setting with the place it comes from; the office-level ones are edited here.

Edited here and stored in the database (the runtime truth, shared by every worker): the send
time, overdue escalation, the 签收 reminder, the implicit due date, 即将到期 days, the public
address, secrecy and the link expiry (table office_settings, bot/store/office_settings.py:
the database wins over settings.yaml, the environment over both), the lead times (default
and per milestone kind; per unit on the unit's page), the calendar overrides and the admin's
contacts (on the admin's unit page). A change that moves the plan replans at once. The
rest (time zone, catch-up, horizon, the admin's name) lives only in settings.yaml: shown
read-only, with the file and how to change it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.config.paths import SETTINGS, config_dir
from bot.config.settings import CALENDAR_NAME_MAX, KINDS, Settings, parse_settings
from bot.config.yamlfile import Where, load_yaml
from bot.errors import DubanError
from bot.plan.replan import load_lead_times, replan_all
from bot.store import office_settings as office
from bot.store.models import ADMIN, CalendarOverride, LeadTimeRule, Unit
from bot.web.units import KIND_LABELS, FormErrors, parse_lead_days, save_change, set_lead_rule, shown_contact

bp = Blueprint("settings_page", __name__, url_prefix="/settings")
FORM = Where("")  # errors sit next to their field: the parser's message without a place


@dataclass
class Setting:
    label: str
    value: str
    source: str


@dataclass(frozen=True)
class Field:
    """One input of the office settings form: settings.yaml `key` (`sub` inside its mapping)."""

    name: str
    key: str
    sub: str | None
    label: str
    hint: str
    kind: str = "int"  # int, text, optional (int or empty), choice (secrecy)


FIELDS = (
    Field("send_time", "send_time", None, "每日发送时间", "HH:MM，例如 09:00：每天此时生成提醒汇总并发送", "text"),
    Field("overdue_repeat", "overdue", "repeat_every_workdays", "逾期后每隔几个工作日催办一次", "1 到 60"),
    Field("overdue_copy", "overdue", "copy_admin_after_workdays", "逾期几个工作日起抄送管理员", "0 到 366"),
    Field("overdue_max", "overdue", "max_reminders", "逾期催办最多几次", "0 到 100"),
    *(Field(f"escalate_{k}", "escalate_after_days", k, f"{KIND_LABELS[k]}逾期几个工作日后告知单位领导",
            "1 到 366") for k in KINDS),
    Field("ack_reminder_after_days", "ack_reminder_after_days", None, "未签收几个工作日后提醒签收",
          "1 到 60；留空则不单独提醒签收", "optional"),
    Field("implicit_due", "implicit_due", None, "未写期限的任务默认截止日",
          "MM-DD，例如 12-31；已导入的默认截止日随之改变（人工改过的除外）", "text"),
    Field("due_soon_days", "due_soon_days", None, "“即将到期”的天数", "1 到 60：总览和 status 中的临期范围"),
    Field("public_url", "public_url", None, "控制台公开地址",
          "以 http:// 或 https:// 开头，用于各单位的答复链接；留空则提醒中不带链接", "text"),
    Field("secrecy", "secrecy", None, "保密模式", "开启后消息只含任务编号、简短标题、截止日期和链接", "choice"),
    Field("link_expiry_days", "link_expiry_days", None, "答复链接在截止日后的有效天数", "1 到 366"),
)


def _settings_path():
    return config_dir() / SETTINGS


def _file():
    """settings.yaml as written (read once per request): its keys and its settings without the environment."""
    if "settings_file" not in g:
        try:
            data, where = load_yaml(_settings_path())
            g.settings_file = (set(data), parse_settings(data, where))
        except DubanError:  # the file broke after start: `check-config` names the problem
            g.settings_file = (set(), Settings())
    return g.settings_file


def _source(key: str, env: str | None = None, stored: dict | None = None) -> str:
    return office.source_of(key, stored or {}, _file()[0], str(_settings_path()), env)


def file_settings() -> list[Setting]:
    s = g.settings
    return [
        Setting("时区", s.timezone, _source("timezone", "DUBAN_TIMEZONE")),
        Setting("错过发送后补发的时限", f"{s.catch_up_hours} 小时", _source("catch_up_hours")),
        Setting("长假后补充提醒（假期天数）", f"{s.long_holiday_days} 天及以上", _source("long_holiday_days")),
        Setting("提前生成计划的范围", f"{s.horizon_days} 天", _source("horizon_days")),
        Setting("管理员名称", s.admin_name, _source("admin")),
    ]


def configured(stored: dict) -> dict:
    """Each editable key's value as configured (YAML form): the store's, else the file's (the
    environment is not a configured value: it is shown as what wins)."""
    parsed = _file()[1]
    return {key: stored[key] if key in stored else office.yaml_form(parsed, key) for key in office.EDITABLE}


def _field_value(f: Field, values: dict):
    value = values[f.key]
    return value.get(f.sub) if f.sub else value


def _shown(f: Field, value) -> str:
    """A value as the form's input holds it."""
    if value is None or value == "":
        return ""
    if f.kind == "choice":
        return "1" if value else "0"
    return str(value)


def _in_force(f: Field) -> str:
    """The value the processes work with, in words (the viewer's table, and under an env override)."""
    value = _field_value(f, {f.key: office.yaml_form(g.settings, f.key)})
    if f.kind == "choice":
        return "开启" if value else "关闭"
    return "不单独提醒" if value is None else (str(value) or "未设置")


def office_rows(stored: dict, kept: dict | None) -> list[dict]:
    values = configured(stored)
    rows = []
    for f in FIELDS:
        env = office.ENV_OF.get(f.key)
        rows.append({"field": f, "value": kept.get(f.name, "") if kept is not None else _shown(f, _field_value(f, values)),
                     "in_force": _in_force(f), "source": _source(f.key, stored=stored),
                     "env": env if env and os.environ.get(env) else None})
    return rows


def _submitted(f: Field, text: str):
    """The form's text as the YAML value settings.yaml would hold, for the parser to judge."""
    text = text.strip()
    if f.kind == "choice":
        return {"1": True, "0": False}.get(text, text)
    if f.kind in ("int", "optional") and re.fullmatch(r"-?\d+", text):
        return int(text)
    if f.kind == "optional" and not text:
        return None
    return text


def _problem(error: DubanError) -> str:
    return str(error).split(": ", 1)[-1]


def parse_form(form) -> tuple[dict, FormErrors]:
    """{key: YAML form} of the whole form, each field checked by settings.yaml's own rule."""
    errors = FormErrors()
    wanted: dict = {}
    for f in FIELDS:
        value = _submitted(f, form.get(f.name, ""))
        try:
            if f.sub:
                office.parse_value(f.key, {f.sub: value}, FORM)
            else:
                value = office.normalized(f.key, value, FORM)
        except DubanError as problem:
            errors.by_field[f.name] = _problem(problem)
            continue
        if f.sub:
            wanted.setdefault(f.key, {})[f.sub] = value
        else:
            wanted[f.key] = value
    return wanted, errors


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
    rows = office_rows(office.stored(g.db), (kept or {}) if errors and "office" in errors else None)
    return render_template("settings.html", fixed=file_settings(), office=rows, path=_settings_path(),
                           leads=leads, lead_source=lead_source, kinds=KIND_LABELS, admin=admin,
                           admin_contacts=[shown_contact(c) for c in admin.contacts] if admin else [],
                           calendar=_calendar_rows(), errors=errors or {}, kept=kept or {},
                           env_leads=os.environ.get("DUBAN_LEAD_TIMES")), status


@bp.post("/office")
def office_form():
    wanted, errors = parse_form(request.form)
    if errors:
        return index(errors={"office": errors}, kept=dict(request.form), status=400)
    before = configured(office.stored(g.db))
    done = office.save(g.db, {k: (before[k], v) for k, v in wanted.items()}, g.user.username, g.now)
    if not done:
        flash("设置没有变化。")
        return redirect(url_for("settings_page.index") + "#office")
    g.settings = office.effective_settings(g.db, current_app.extensions["duban"]["settings"])
    said = "；".join(f"{k} {_words(b)} → {_words(a)}" for k, (b, a) in done.items())
    shadowed = [office.ENV_OF[k] for k in done if k in office.ENV_OF and os.environ.get(office.ENV_OF[k])]
    note = f"（环境变量 {'、'.join(shadowed)} 优先，删除该环境变量后才生效）" if shadowed else ""
    if office.PLAN_KEYS & set(done):
        moved = office.redate_implicit(g.db, g.settings.implicit_due) if "implicit_due" in done else 0
        stats = replan_all(g.db, g.settings, g.now, f"控制台：修改设置（{'、'.join(done)}）", g.user.username)
        flash(f"已保存：{said}{note}。" + (f"{moved} 个默认截止日已改为新日期。" if moved else "") + stats.summary())
    else:
        flash(f"已保存：{said}{note}。")
    return redirect(url_for("settings_page.index") + "#office")


def _words(value) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items())
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "开启" if value else "关闭"
    return str(value)


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
