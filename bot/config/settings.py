"""config/settings.yaml: the settings that are not per unit, overridable by environment variables.

This is the parsing leaf: it imports nothing of the store, the units or the planner, so
every layer can take a Settings without pulling the others in.

Environment (wins over the file):
  DUBAN_CONFIG_DIR     where settings.yaml, contacts.yaml and units.yaml live (bot.config.paths)
  DUBAN_DATABASE_URL   any SQLAlchemy URL (default sqlite:///data/duban.sqlite3, relative to the cwd)
  DUBAN_TIMEZONE       IANA zone of the office (default Asia/Shanghai, whatever the server's clock)
  DUBAN_SEND_TIME      HH:MM of the daily send (default 09:00)
  DUBAN_LEAD_TIMES     default lead days, comma separated (e.g. "30,14,7,3,1,0")
  DUBAN_PUBLIC_URL     the console's public address for the answer links in reminders
                       (read where the links are built, bot.answers.links.public_base_url)
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.contacts import ContactSpec, parse_contact_list
from bot.config.paths import SETTINGS, config_dir
from bot.config.yamlfile import Where, YDict, YList, load_yaml

DEFAULT_LEADS = (30, 14, 7, 3, 1, 0)
MAX_LEAD_DAYS = 366
KINDS = ("once", "recurring", "implicit")
NAME_MAX = 200  # the store's widths for unit names and calendar day names
CALENDAR_NAME_MAX = 100
URL_MAX = 200
ESCALATE_AFTER = 5      # working days overdue before the unit's leader and the admin are told
LINK_EXPIRY_DAYS = 30   # an answer link works this many days after the due date
ATTACHMENT_LIMIT_MB = 10  # the largest file a unit may send with 进展 or 办结


@dataclass(frozen=True)
class LeadTimes:
    """Lead days before a due date; a unit's own list wins over its milestone kind's, then the default."""

    default: tuple[int, ...] = DEFAULT_LEADS
    by_unit: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_kind: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def for_(self, unit: str, kind: str) -> tuple[int, ...]:
        return self.by_unit.get(unit) or self.by_kind.get(kind) or self.default


@dataclass(frozen=True)
class OverduePolicy:
    """Escalation after the due date: a reminder every N working days, the admin copied from M on."""

    repeat_every_workdays: int = 3
    copy_admin_after_workdays: int = 5
    max_reminders: int = 5


@dataclass(frozen=True)
class CalendarDay:
    day: date
    is_workday: bool
    name: str = ""


REPORT_PERIODS = ("week", "month", "quarter")
REPORT_FORMATS = ("docx", "xlsx")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MONTH_DAY_MAX = 28  # a day every month has: the 29th–31st would skip February


@dataclass(frozen=True)
class ReportSchedule:
    """The scheduled 督办通报: at `time` on `day` of each period, the previous period's report goes out.

    `day` is 1–7 (周一 = 1) for a week, the day of the month for a month, and the day of the
    quarter's first month (1月/4月/7月/10月) for a quarter. `recipients` are unit names of the
    directory (the admin by its name) — each unit's enabled contacts receive it — or email
    addresses, which must be a unit's email contact in contacts.yaml.
    """

    period: str
    day: int
    time: time
    formats: tuple[str, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    timezone: str = "Asia/Shanghai"
    send_time: time = time(9, 0)
    database_url: str | None = None
    lead_times: LeadTimes = field(default_factory=LeadTimes)
    overdue: OverduePolicy = field(default_factory=OverduePolicy)
    admin_name: str = "督办管理员"
    admin_contacts: tuple[ContactSpec, ...] = ()
    implicit_due: tuple[int, int] = (12, 31)
    catch_up_hours: int = 48
    long_holiday_days: int = 3
    horizon_days: int = 400
    due_soon_days: int = 7
    calendar: tuple[CalendarDay, ...] = ()
    public_url: str = ""  # the console's address for the answer links; DUBAN_PUBLIC_URL wins
    secrecy: bool = False  # messages carry only task number, short title, due date and links
    escalate_after_days: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, ESCALATE_AFTER))
    ack_reminder_after_days: int | None = None  # working days without 签收 before its own reminder
    link_expiry_days: int = LINK_EXPIRY_DAYS
    report_office: str = ""  # the office the 督办通报 is issued by; empty: the admin's name
    report_title: str = "督办通报"
    report_schedule: ReportSchedule | None = None  # None: no scheduled 督办通报
    attachments_dir: str = ""   # where units' files are kept; DUBAN_ATTACHMENTS_DIR wins, default data/attachments
    attachment_limit_mb: int = ATTACHMENT_LIMIT_MB

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def answer_link_days(self) -> int:
        """The name bot.answers.links reads the link expiry by."""
        return self.link_expiry_days

    def escalate_after(self, kind: str) -> int:
        return self.escalate_after_days.get(kind, ESCALATE_AFTER)


def _int(value, where: Where, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise where.error(f"应为 {low} 到 {high} 之间的整数，实际为 {_shown(value)}。")
    return value


def _leads(value, where: Where) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise where.error("应为提前天数列表，例如 [30, 14, 7, 3, 1, 0]。")
    days = [_int(v, where.child(value, i), 0, MAX_LEAD_DAYS) for i, v in enumerate(value)]
    return tuple(sorted(set(days), reverse=True))


def _time(value, where: Where) -> time:
    if not isinstance(value, str):
        raise where.error(f"发送时间应写成带引号的 \"HH:MM\"（例如 \"09:00\"），实际为 {_shown(value)}：不带冒号的数字不是时刻。")
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not m:
        raise where.error(f"发送时间应写成 \"HH:MM\"（例如 \"09:00\"），实际为 {_shown(value)}。")
    return time(int(m.group(1)), int(m.group(2)))


def _shown(value) -> str:
    """A value quoted in an error, kept short whatever the admin wrote."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _zone(value, where: Where) -> str:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise where.error(f"未知时区 {_shown(value)}，请使用 IANA 名称，例如 Asia/Shanghai。") from exc
    return value


def _mapping(value, where: Where, known: tuple[str, ...]) -> YDict:
    if not isinstance(value, dict):
        raise where.error("应为键值映射。")
    for key in value:
        if key not in known:
            raise where.child(value, key).error(f"未知配置项，可用的有: {', '.join(known)}。")
    return value


def _unit_leads(value, where: Where) -> dict[str, tuple[int, ...]]:
    value = value or YDict()
    if not isinstance(value, dict):
        raise where.error("应为 单位名: [提前天数…] 的映射。")
    return {str(k): _leads(v, where.child(value, k)) for k, v in value.items()}


def _calendar(value, where: Where) -> tuple[CalendarDay, ...]:
    value = value or YList()
    if not isinstance(value, list):
        raise where.error("应为列表，每项形如 {date: 2027-01-01, workday: false, name: 元旦}。")
    days = []
    for i, item in enumerate(value):
        at = where.child(value, i)
        item = _mapping(item, at, ("date", "workday", "name"))
        if not isinstance(item.get("date"), date):
            raise at.error("缺少 date 或格式不对，应写成 2027-01-01。")
        if not isinstance(item.get("workday"), bool):
            raise at.error("缺少 workday: true（调休上班）或 workday: false（放假）。")
        name = item.get("name") or ""
        if not isinstance(name, str) or len(name) > CALENDAR_NAME_MAX:
            raise at.child(item, "name").error(f"名称应为不超过 {CALENDAR_NAME_MAX} 个字的文字，例如 元旦。")
        days.append(CalendarDay(item["date"], item["workday"], name))
    return tuple(days)


def public_url(value, where: Where) -> str:
    """An http(s) address without spaces, quotes or brackets: it is pasted into markdown links."""
    text = value.strip().rstrip("/") if isinstance(value, str) else None
    if not text:
        return ""
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment
            or len(text) > URL_MAX or re.search(r"[\s<>\"'()\[\]`\\]", text)):
        raise where.error(f"应为控制台的公网地址，以 http:// 或 https:// 开头、不含空格和括号，"
                          f"例如 https://duban.example.gov.cn，实际为 {_shown(value)}。")
    return text


def _escalate_after(value, where: Where) -> dict[str, int]:
    """One number for every kind, or {once: 5, recurring: 3, implicit: 10} (kinds left out keep the default)."""
    if not isinstance(value, dict):
        return dict.fromkeys(KINDS, _int(value, where, 1, 366))
    _mapping(value, where, KINDS)
    return {kind: _int(value[kind], where.child(value, kind), 1, 366) if kind in value else ESCALATE_AFTER
            for kind in KINDS}


def _report_schedule(value, where: Where) -> ReportSchedule | None:
    """report_schedule: {period, day, time, formats, recipients}; empty or absent: none."""
    if not value:
        return None
    data = _mapping(value, where, ("period", "day", "time", "formats", "recipients"))
    at = lambda key: where.child(data, key)  # noqa: E731
    for key in ("period", "day", "recipients"):
        if key not in data:
            raise where.error(f"缺少 {key}：定时通报需要 period（周期）、day（哪一天）和 recipients（收件人）。")
    period = data["period"]
    if period not in REPORT_PERIODS:
        raise at("period").error(f"应为 week（每周）、month（每月）或 quarter（每季度），实际为 {_shown(period)}。")
    day = data["day"]
    if period == "week":
        name = day.strip().replace("星期", "周").replace("周天", "周日") if isinstance(day, str) else None
        if name in WEEKDAYS:
            day = WEEKDAYS.index(name) + 1
        elif isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 7:
            raise at("day").error(f"每周通报的 day 应为 1–7（周一为 1）或 周一…周日，实际为 {_shown(day)}。")
    else:
        day = _int(day, at("day"), 1, MONTH_DAY_MAX)
    send = _time(data["time"], at("time")) if "time" in data else time(9, 0)
    formats = data.get("formats", "docx")
    formats = [formats] if isinstance(formats, str) else formats
    if not isinstance(formats, list) or not formats or any(f not in REPORT_FORMATS for f in formats):
        raise at("formats").error(f"应为 docx（Word）或 xlsx（Excel），可写成列表 [docx, xlsx]，实际为 {_shown(data.get('formats'))}。")
    recipients = data["recipients"]
    if not isinstance(recipients, list) or not recipients:
        raise at("recipients").error("应为收件人列表：单位名称（名录中的单位或管理员名称）或邮箱地址，例如 [督办管理员, leader@example.gov.cn]。")
    names = []
    for i, item in enumerate(recipients):
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > NAME_MAX:
            raise where.child(data, "recipients").child(recipients, i).error(
                f"应为单位名称或邮箱地址（不超过 {NAME_MAX} 个字），实际为 {_shown(item)}。")
        names.append(item.strip())
    return ReportSchedule(period, day, send, tuple(dict.fromkeys(formats)), tuple(dict.fromkeys(names)))


TOP_KEYS = ("timezone", "send_time", "database", "lead_times", "overdue", "admin", "implicit_due",
            "catch_up_hours", "long_holiday_days", "horizon_days", "due_soon_days", "calendar",
            "public_url", "secrecy", "escalate_after_days", "ack_reminder_after_days", "link_expiry_days", "attachments",
            "report_schedule", "report")


def parse_settings(data: YDict, where: Where) -> Settings:
    _mapping(data, where, TOP_KEYS)
    at = lambda key: where.child(data, key)  # noqa: E731
    kw: dict = {}
    if "timezone" in data:
        kw["timezone"] = _zone(data["timezone"], at("timezone"))
    if "send_time" in data:
        kw["send_time"] = _time(data["send_time"], at("send_time"))
    if data.get("database"):
        db = _mapping(data["database"], at("database"), ("url",))
        kw["database_url"] = str(db["url"]) if db.get("url") else None
    if "lead_times" in data:
        lt = _mapping(data["lead_times"], at("lead_times"), ("default", "by_unit", "by_kind"))
        lw = at("lead_times")
        by_kind = _unit_leads(lt.get("by_kind"), lw.child(lt, "by_kind"))
        for kind in by_kind:
            if kind not in KINDS:
                raise lw.child(lt, "by_kind").child(lt["by_kind"], kind).error(f"未知时间节点类型，可用的有: {', '.join(KINDS)}。")
        kw["lead_times"] = LeadTimes(
            default=_leads(lt["default"], lw.child(lt, "default")) if "default" in lt else DEFAULT_LEADS,
            by_unit=_unit_leads(lt.get("by_unit"), lw.child(lt, "by_unit")),
            by_kind=by_kind,
        )
    if "overdue" in data:
        od = _mapping(data["overdue"], at("overdue"), ("repeat_every_workdays", "copy_admin_after_workdays", "max_reminders"))
        ow = at("overdue")
        base = OverduePolicy()
        kw["overdue"] = OverduePolicy(
            repeat_every_workdays=_int(od.get("repeat_every_workdays", base.repeat_every_workdays), ow.child(od, "repeat_every_workdays"), 1, 60),
            copy_admin_after_workdays=_int(od.get("copy_admin_after_workdays", base.copy_admin_after_workdays), ow.child(od, "copy_admin_after_workdays"), 0, 366),
            max_reminders=_int(od.get("max_reminders", base.max_reminders), ow.child(od, "max_reminders"), 0, 100),
        )
    if "admin" in data:
        ad = _mapping(data["admin"], at("admin"), ("name", "contacts"))
        aw = at("admin")
        if "name" in ad:
            name = ad["name"]
            if not isinstance(name, str):
                raise aw.child(ad, "name").error(f"管理员名称应为一段文字（一个名称），实际为 {_shown(name)}。")
            if not name.strip() or len(name.strip()) > NAME_MAX:
                raise aw.child(ad, "name").error(f"管理员名称不能为空，也不能超过 {NAME_MAX} 个字。")
            kw["admin_name"] = name.strip()
        kw["admin_contacts"] = parse_contact_list(ad.get("contacts") or YList(), aw.child(ad, "contacts"))
    if "implicit_due" in data:
        m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(data["implicit_due"]).strip())
        if not m or not _valid_month_day(int(m.group(1)), int(m.group(2))):
            raise at("implicit_due").error("应写成每年都有的日期 \"MM-DD\"，例如 \"12-31\"（02-29 只在闰年存在，请写 02-28 或 03-01）。")
        kw["implicit_due"] = (int(m.group(1)), int(m.group(2)))
    for key, low, high in (("catch_up_hours", 0, 24 * 30), ("long_holiday_days", 1, 30), ("horizon_days", 30, 3660),
                            ("due_soon_days", 1, 60)):
        if key in data:
            kw[key] = _int(data[key], at(key), low, high)
    if "calendar" in data:
        kw["calendar"] = _calendar(data["calendar"], at("calendar"))
    if "public_url" in data:
        kw["public_url"] = public_url(data["public_url"], at("public_url"))
    if "secrecy" in data:
        if not isinstance(data["secrecy"], bool):
            raise at("secrecy").error(f"应为 true（保密模式：消息只含任务编号、简短标题、截止日期和链接）或 false，"
                                      f"实际为 {_shown(data['secrecy'])}。")
        kw["secrecy"] = data["secrecy"]
    if "escalate_after_days" in data:
        kw["escalate_after_days"] = _escalate_after(data["escalate_after_days"], at("escalate_after_days"))
    if data.get("ack_reminder_after_days") is not None:
        kw["ack_reminder_after_days"] = _int(data["ack_reminder_after_days"], at("ack_reminder_after_days"), 1, 60)
    if "link_expiry_days" in data:
        kw["link_expiry_days"] = _int(data["link_expiry_days"], at("link_expiry_days"), 1, 366)
    if data.get("attachments"):
        att = _mapping(data["attachments"], at("attachments"), ("dir", "limit_mb"))
        if att.get("dir") is not None:
            if not isinstance(att["dir"], str) or not att["dir"].strip():
                raise at("attachments").child(att, "dir").error(
                    f"应为保存附件的文件夹路径，例如 data/attachments，实际为 {_shown(att['dir'])}。")
            kw["attachments_dir"] = att["dir"].strip()
        if "limit_mb" in att:
            kw["attachment_limit_mb"] = _int(att["limit_mb"], at("attachments").child(att, "limit_mb"), 1, 100)
    if "report_schedule" in data:
        kw["report_schedule"] = _report_schedule(data["report_schedule"], at("report_schedule"))
    if data.get("report"):
        kw.update(_report(data["report"], at("report")))
    return Settings(**kw)


def _report(value, where: Where) -> dict:
    """report: {office: 福建省知识产权局办公室, title: 督办通报} — how the 督办通报 is headed."""
    rp = _mapping(value, where, ("office", "title"))
    kw = {}
    for key in ("office", "title"):
        if key in rp:
            text = rp[key]
            if not isinstance(text, str) or not text.strip() or len(text.strip()) > NAME_MAX:
                raise where.child(rp, key).error(f"应为不超过 {NAME_MAX} 个字的文字，例如 "
                                                 f"{'福建省知识产权局办公室' if key == 'office' else '督办通报'}，"
                                                 f"实际为 {_shown(text)}。")
            kw[f"report_{key}"] = text.strip()
    return kw


def _valid_month_day(month: int, day: int) -> bool:
    """A day every year has: checked against a common year, since the due date falls in any year."""
    try:
        date(2023, month, day)
    except ValueError:
        return False
    return True


def _apply_env(settings: Settings) -> Settings:
    env = os.environ
    kw: dict = {}
    where = lambda name: Where(f"环境变量 {name}")  # noqa: E731
    if env.get("DUBAN_DATABASE_URL"):
        kw["database_url"] = env["DUBAN_DATABASE_URL"]
    if env.get("DUBAN_TIMEZONE"):
        kw["timezone"] = _zone(env["DUBAN_TIMEZONE"], where("DUBAN_TIMEZONE"))
    if env.get("DUBAN_SEND_TIME"):
        kw["send_time"] = _time(env["DUBAN_SEND_TIME"], where("DUBAN_SEND_TIME"))
    if env.get("DUBAN_LEAD_TIMES"):
        raw = env["DUBAN_LEAD_TIMES"]
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise where("DUBAN_LEAD_TIMES").error(f"应为逗号分隔的天数，例如 30,14,7,3,1,0，实际为 {raw!r}。")
        leads = _leads(YList(int(p) for p in parts), where("DUBAN_LEAD_TIMES"))
        lt = settings.lead_times
        kw["lead_times"] = LeadTimes(default=leads, by_unit=lt.by_unit, by_kind=lt.by_kind)
    if env.get("DUBAN_PUBLIC_URL"):
        kw["public_url"] = public_url(env["DUBAN_PUBLIC_URL"], where("DUBAN_PUBLIC_URL"))
    return Settings(**{**settings.__dict__, **kw}) if kw else settings


def load_settings(path: Path | None = None) -> Settings:
    """Settings from settings.yaml of the config folder (missing file: defaults) with the environment applied.

    The runtime reads its policy from the store; only commands that write the store from
    the files (`config apply`) insist that the file exists.
    """
    path = path or config_dir() / SETTINGS
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _cached(str(path), mtime, *_env_key())


def _env_key() -> tuple:
    names = ("DUBAN_DATABASE_URL", "DUBAN_TIMEZONE", "DUBAN_SEND_TIME", "DUBAN_LEAD_TIMES", "DUBAN_PUBLIC_URL")
    return tuple(os.environ.get(n) for n in names)


@lru_cache(maxsize=8)
def _cached(path: str, _mtime: int, *_env) -> Settings:
    data, where = load_yaml(Path(path))
    return _apply_env(parse_settings(data, where))
