"""`check-config`: every problem in config/ and the environment, found at once, nothing sent.

The loaders stop at the first error, which is right for the bot but wrong for an admin
fixing a fresh install: here each settings key, each unit's entry and each contact is
checked on its own, so one run lists everything. Contacts are checked by building their
channel the way the dispatcher does (its validation, in bot.notify.channel_for, is the one
truth about what a webhook URL, key, address or SMTP setting must look like).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config.contacts import ContactSpec, env_refs, parse_contact
from bot.config.settings import Settings, _apply_env, parse_settings
from bot.config.yamlfile import Where, YDict, YList, load_yaml
from bot.errors import DubanError

ChannelBuilder = Callable[[ContactSpec], object]
SETTINGS, UNITS, CONTACTS, SECRETS, CHANNEL, DATABASE = "设置", "单位目录", "联系方式", "密钥/环境变量", "渠道配置", "数据库"


@dataclass(frozen=True)
class Problem:
    area: str
    message: str

    def to_json(self) -> dict:
        return {"area": self.area, "message": self.message}


@dataclass
class ConfigReport:
    problems: list[Problem] = field(default_factory=list)
    units: int = 0
    contacts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, area: str, message: str) -> None:
        problem = Problem(area, message)
        if problem not in self.problems:  # the admin block is seen by settings and contacts alike
            self.problems.append(problem)

    def to_json(self) -> dict:
        return {"ok": self.ok, "units": self.units, "contacts": self.contacts, "problems": self.problems}


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


def _database_url(settings: Settings, report: ConfigReport) -> None:
    if not settings.database_url:
        return
    try:
        make_url(settings.database_url)
    except ArgumentError:
        report.add(DATABASE, "数据库地址无法解析：请检查 DUBAN_DATABASE_URL 或 settings.yaml 的 database.url"
                             "（形如 postgresql+psycopg://用户:密码@主机:5432/库名）。")


def _known_units(report: ConfigReport) -> set[str] | None:
    from bot.config.apply import directory_units
    from bot.units import load_directory

    try:
        units = {u.name for u in directory_units(load_directory())}
    except DubanError as exc:
        report.add(UNITS, exc.message)
        return None
    report.units = len(units)
    return units


def missing_env(spec: ContactSpec) -> list[str]:
    """Environment variables the contact references that are unset or empty."""
    refs = env_refs(spec.target) + env_refs(spec.secret or "") + [r for m in spec.mentions for r in env_refs(m)]
    return [name for name in dict.fromkeys(refs) if not os.environ.get(name)]


def _contacts(items, where: Where, report: ConfigReport, build: ChannelBuilder) -> None:
    if isinstance(items, (str, dict)):
        items = YList([items])
    if not isinstance(items, list):
        report.add(CONTACTS, where.error("应为联系方式列表。").message)
        return
    for i, item in enumerate(items):
        at = where.child(items, i)
        try:
            spec = parse_contact(item, at)
        except DubanError as exc:
            report.add(CONTACTS, exc.message)
            continue
        report.contacts += 1
        if not spec.enabled:
            continue
        missing = missing_env(spec)
        if missing:
            names = "、".join(missing)
            report.add(SECRETS, at.error(f"引用的环境变量 {names} 未设置或为空：请在 .env（或服务环境）中填写。").message)
            continue
        try:
            build(spec)
        except DubanError as exc:
            report.add(CHANNEL, at.error(exc.message).message)


def _contacts_file(path: Path, known: set[str] | None, admin_name: str, report: ConfigReport,
                   build: ChannelBuilder) -> None:
    try:
        data, where = load_yaml(path)
    except DubanError as exc:
        report.add(CONTACTS, exc.message)
        return
    for key in data:
        if key != "units":
            report.add(CONTACTS, where.child(data, key).error("未知配置项，顶层只有 units。").message)
    units = data.get("units") or YDict()
    uw = where.child(data, "units")
    if not isinstance(units, dict):
        report.add(CONTACTS, uw.error("应为 单位名: [联系方式…] 的映射。").message)
        return
    for name, items in units.items():
        at = uw.child(units, name)
        if known is not None and str(name) not in known | {admin_name}:
            report.add(CONTACTS, at.error("不是已知单位。请使用 config/units.yaml 中的标准名称（或先在其中添加该单位）。").message)
        _contacts(items or YList(), at, report, build)


def _lead_time_units(settings: Settings, data: YDict, where: Where, known: set[str] | None, report: ConfigReport) -> None:
    if known is None:
        return
    lead = data.get("lead_times") if isinstance(data.get("lead_times"), dict) else YDict()
    by_unit = lead.get("by_unit") if isinstance(lead.get("by_unit"), dict) else YDict()
    at = where.child(data, "lead_times").child(lead, "by_unit")
    for name in settings.lead_times.by_unit:
        if name not in known:
            report.add(SETTINGS, at.child(by_unit, name).error("不是已知单位。请使用 config/units.yaml 中的标准名称。").message)


def check_config(config_dir: Path, build: ChannelBuilder) -> ConfigReport:
    """Every problem in settings.yaml, units.yaml, contacts.yaml and the environment they reference.

    `build(spec)` makes the channel the dispatcher would send through (raising DubanError
    when it cannot): the one place that turns a contact into a channel stays the dispatcher's.
    """
    report = ConfigReport()
    if not config_dir.is_dir():
        report.add(SETTINGS, f"配置目录 {config_dir} 不存在：请检查 DUBAN_CONFIG_DIR，或在项目根目录运行。")
    settings, data, where = _settings(config_dir / "settings.yaml", report)
    _database_url(settings, report)
    known = _known_units(report)
    _lead_time_units(settings, data, where, known, report)
    admin = data.get("admin") if isinstance(data.get("admin"), dict) else YDict()
    if "contacts" in admin:
        _contacts(admin["contacts"] or YList(), where.child(data, "admin").child(admin, "contacts"), report, build)
    _contacts_file(config_dir / "contacts.yaml", known, settings.admin_name, report, build)
    return report
