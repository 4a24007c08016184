"""`check-config`: every problem in an office's config folder and the environment, found at once, nothing sent.

The loaders stop at the first error, which is right for the bot but wrong for an admin
fixing a fresh install: here each settings key, each unit's entry and each contact is
checked on its own, so one run lists everything. Contacts are judged by the rules
`config apply` and `contacts set` use (bot.config.admin.channels): the channel registry's.
Warnings (a plain SMTP login allowed on purpose) do not fail the check.

When the office's store exists (never created to find out), the settings judged are the
ones in force, settings.yaml < what the console stored < the environment, as every process
reads them (bot.store.office_settings); a value the console changed is said to come from there.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.config.admin.channels import judge
from bot.config.admin.units import canonical_name, contacts_owner
from bot.config.contacts import ContactSpec, parse_contact
from bot.config.paths import CONTACTS, SETTINGS as SETTINGS_FILE, missing_dir, missing_file
from bot.config.settings import Settings, _apply_env, parse_settings
from bot.config.yamlfile import Where, YDict, YList, load_yaml
from bot.envfile import where_to_set
from bot.errors import DubanError
from bot.notify import ChannelConfigError
from bot.notify.email import addresses
from bot.units.directory import Directory, load_directory

SETTINGS, UNITS, CONTACTS_AREA, SECRETS, CHANNEL, DATABASE = "设置", "单位目录", "联系方式", "密钥/环境变量", "渠道配置", "数据库"
PLACEHOLDER_PASSWORDS = frozenset({"change-me", "changeme", "password", "postgres", "duban"})


@dataclass(frozen=True)
class Problem:
    area: str
    message: str

    def to_json(self) -> dict:
        return {"area": self.area, "message": self.message}


@dataclass
class ConfigReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    units: int = 0
    contacts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, area: str, message: str) -> None:
        problem = Problem(area, message)
        if problem not in self.problems:  # the admin block is seen by settings and contacts alike
            self.problems.append(problem)

    def warn(self, area: str, message: str) -> None:
        if Problem(area, message) not in self.warnings:
            self.warnings.append(Problem(area, message))

    def to_json(self) -> dict:
        return {"ok": self.ok, "units": self.units, "contacts": self.contacts, "problems": self.problems,
                "warnings": self.warnings}


def _only(data: YDict, key) -> YDict:
    """`data` cut down to one key, keeping the line numbers errors quote."""
    out = YDict({key: data[key]})
    out.line, out.lines = data.line, {key: data.line_of(key)}
    return out


def _settings(path: Path, report: ConfigReport) -> tuple[Settings, YDict, Where]:
    """Settings with every broken key reported; the valid keys (and the environment) still apply."""
    try:
        data, where = load_yaml(path)
    except DubanError as exc:
        report.add(SETTINGS, exc.message)
        data, where = YDict(), Where(str(path))
    valid = YDict()
    valid.line, valid.lines = data.line, {}
    for key in data:
        try:
            parse_settings(_only(data, key), where)
        except DubanError as exc:
            report.add(SETTINGS, exc.message)
            continue
        valid[key] = data[key]
        valid.lines[key] = data.line_of(key)
    settings = parse_settings(valid, where)
    try:
        settings = _apply_env(settings)
    except DubanError as exc:
        report.add(SETTINGS, exc.message)
    return settings, data, where


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _in_force(settings: Settings, report: ConfigReport) -> tuple[Settings, bool]:
    """The settings in force when the store exists (file < console < environment), each key the
    console changed said with its value; else the file's. True when a store was read."""
    from bot.store import session_scope
    from bot.store.db import DEFAULT_URL, existing_store, first_line
    from bot.store.office_settings import STORE, stored, with_overrides, yaml_form

    try:
        engine = existing_store(settings.database_url or DEFAULT_URL)
        if engine is None:
            return settings, False
        with session_scope(engine) as session:
            values = stored(session)
    except (DubanError, SQLAlchemyError) as exc:
        why = exc.message if isinstance(exc, DubanError) else first_line(exc)
        report.warn(DATABASE, f"无法读取数据库中控制台修改的设置（{why}）：设置按配置文件和环境变量检查。")
        return settings, False
    try:
        in_force = with_overrides(settings, values)
    except DubanError as exc:
        report.add(SETTINGS, exc.message)
        return settings, True
    console = [f"{key} = {_shown(yaml_form(in_force, key))}" for key in values  # the environment still wins
               if yaml_form(in_force, key) != yaml_form(settings, key)]
    if console:
        report.warn(SETTINGS, f"以下设置以{STORE.path}中的值为准，与 {SETTINGS_FILE} 不同：{'；'.join(console)}。"
                              "运行 python -m bot config export -o 配置目录 可写回文件；config apply 会以文件为准覆盖（需 --yes）。")
    return in_force, True


def _public_url(settings: Settings, with_store: bool, report: ConfigReport) -> None:
    if settings.public_url:
        return
    where = ("settings.yaml、控制台“设置”页和环境变量 DUBAN_PUBLIC_URL 中都没有" if with_store
             else "或环境变量 DUBAN_PUBLIC_URL")
    report.warn(SETTINGS, f"未设置 public_url（{where}）：提醒中不带签收、反馈进展、办结、申请延期链接，"
                          "消息改为请各单位联系督办人员。设置控制台的公网地址后即带链接。")


def _database(settings: Settings, report: ConfigReport) -> None:
    password = os.environ.get("POSTGRES_PASSWORD")
    if password is not None and password.strip().lower() in PLACEHOLDER_PASSWORDS:
        report.add(DATABASE, "POSTGRES_PASSWORD 仍是示例中的占位值或常见弱口令：请在 .env 中改为随机密码（只用字母和数字，"
                             "例如 openssl rand -hex 16 的输出）。数据库已初始化过时，还须在数据库中用 ALTER USER 改成同一密码。")
    if not settings.database_url:
        return
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        report.add(DATABASE, "数据库地址无法解析：请检查 DUBAN_DATABASE_URL 或 settings.yaml 的 database.url"
                             "（形如 postgresql+psycopg://用户:密码@主机:5432/库名）。")
        return
    if url.password is not None and str(url.password).strip().lower() in PLACEHOLDER_PASSWORDS:
        report.add(DATABASE, "数据库地址中的密码仍是占位值（如 change-me）：请改为随机密码。")


def _directory(path: Path, report: ConfigReport) -> Directory | None:
    try:
        directory = load_directory(path)
    except DubanError as exc:
        report.add(UNITS, exc.message)
        return None
    report.units = len({directory.lookup(k).entry for k in directory.keys() if not directory.lookup(k).entry.is_group})
    return directory


def _contacts(items, where: Where, report: ConfigReport) -> list[ContactSpec]:
    """The contacts that parse (each checked by its channel's rules); every problem reported."""
    if isinstance(items, (str, dict)):
        items = YList([items])
    if not isinstance(items, list):
        report.add(CONTACTS_AREA, where.error("应为联系方式列表。").message)
        return []
    specs = []
    for i, item in enumerate(items):
        at = where.child(items, i)
        try:
            spec = parse_contact(item, at)
        except DubanError as exc:
            report.add(CONTACTS_AREA, exc.message)
            continue
        specs.append(spec)
        report.contacts += 1
        verdict = judge(spec)
        if verdict.missing_env:
            names = "、".join(verdict.missing_env)
            report.add(SECRETS, at.error(f"引用的环境变量 {names} 未设置或为空：{where_to_set(*verdict.missing_env)}。").message)
        for message in verdict.errors + verdict.environment:
            report.add(CHANNEL, at.error(message).message)
        for message in verdict.warnings:
            report.warn(CHANNEL, at.error(message).message)
    return specs


def _contacts_file(path: Path, directory: Directory | None, admin_name: str, report: ConfigReport) -> list[ContactSpec]:
    try:
        data, where = load_yaml(path)
    except DubanError as exc:
        report.add(CONTACTS_AREA, exc.message)
        return []
    for key in data:
        if key != "units":
            report.add(CONTACTS_AREA, where.child(data, key).error("未知配置项，顶层只有 units。").message)
    units = data.get("units") or YDict()
    uw = where.child(data, "units")
    if not isinstance(units, dict):
        report.add(CONTACTS_AREA, uw.error("应为 单位名: [联系方式…] 的映射。").message)
        return []
    specs = []
    for name, items in units.items():
        at = uw.child(units, name)
        if directory is not None:
            try:
                contacts_owner(directory, str(name), admin_name)
            except DubanError as exc:
                report.add(CONTACTS_AREA, at.error(exc.message).message)
        specs += _contacts(items or YList(), at, report)
    return specs


def _lead_time_units(settings: Settings, data: YDict, where: Where, directory: Directory | None,
                     report: ConfigReport) -> None:
    if directory is None:
        return
    lead = data.get("lead_times") if isinstance(data.get("lead_times"), dict) else YDict()
    by_unit = lead.get("by_unit") if isinstance(lead.get("by_unit"), dict) else YDict()
    at = where.child(data, "lead_times").child(lead, "by_unit")
    for name in settings.lead_times.by_unit:
        try:
            canonical_name(directory, name, settings.admin_name)
        except DubanError as exc:
            report.add(SETTINGS, at.child(by_unit, name).error(exc.message).message)


def _report_recipients(settings: Settings, data: YDict, where: Where, directory: Directory | None,
                       contacts: list[ContactSpec], report: ConfigReport) -> None:
    """Each report_schedule recipient the scheduled 督办通报 would not find (jobs.report_job.resolve_recipients):
    a unit's standard name as the directory writes it, the admin's name, or an address of an
    enabled email contact; an alias or a group reaches nobody at send time."""
    if settings.report_schedule is None:
        return
    schedule = data["report_schedule"]
    items = schedule["recipients"]
    at = where.child(data, "report_schedule").child(schedule, "recipients")
    emails = {a for c in contacts if c.kind == "email" and c.enabled for a in _addresses(c.target)}
    for i, item in enumerate(items):
        name, problem = item.strip(), None
        if "@" in name:
            if name not in emails:
                problem = (f"收件人 {name} 不是 contacts.yaml（或 admin.contacts）中已启用的邮箱联系方式，定时通报不会发给它："
                           "请先把它加为某单位的 email 联系方式，或改写为单位名称。")
        elif name != settings.admin_name and directory is not None:
            try:
                unit = directory.unit_named(name)
            except DubanError as exc:  # a group
                problem = f"收件人{exc.message}"
            else:
                if unit is None:
                    problem = (f"收件人「{name}」不在单位目录 {directory.source} 中，也不是管理员名称（{settings.admin_name}）"
                               "或已配置的邮箱：定时通报找不到它。请改写为目录中单位的标准名称。")
                elif unit != name:
                    problem = f"收件人「{name}」是「{unit}」的简称：定时通报按标准名称找收件人，请写「{unit}」。"
        if problem:
            report.add(SETTINGS, at.child(items, i).error(problem).message)


def _addresses(target: str) -> tuple[str, ...]:
    try:
        return addresses("email", target)
    except ChannelConfigError:  # reported with the contact
        return ()


def check_config(config_dir: Path, units_path: Path) -> ConfigReport:
    """Every problem in settings.yaml, units.yaml (`units_path`), contacts.yaml and the environment they reference."""
    report = ConfigReport()
    if not config_dir.is_dir():
        report.add(SETTINGS, missing_dir(config_dir))
    else:
        for name, area in ((SETTINGS_FILE, SETTINGS), (CONTACTS, CONTACTS_AREA)):
            if not (config_dir / name).is_file():
                report.add(area, missing_file(config_dir, name))
    settings, data, where = _settings(config_dir / SETTINGS_FILE, report)
    _database(settings, report)
    settings, with_store = _in_force(settings, report)
    _public_url(settings, with_store, report)
    directory = _directory(units_path, report)
    _lead_time_units(settings, data, where, directory, report)
    admin = data.get("admin") if isinstance(data.get("admin"), dict) else YDict()
    contacts = []
    if "contacts" in admin:
        contacts = _contacts(admin["contacts"] or YList(), where.child(data, "admin").child(admin, "contacts"), report)
    contacts += _contacts_file(config_dir / CONTACTS, directory, settings.admin_name, report)
    _report_recipients(settings, data, where, directory, contacts, report)
    return report
