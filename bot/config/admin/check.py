"""`check-config`: every problem in an office's config folder and the environment, found at once, nothing sent.

The loaders stop at the first error, which is right for the bot but wrong for an admin
fixing a fresh install: here each settings key, each unit's entry and each contact is
checked on its own, so one run lists everything. Contacts are judged by the rules
`config apply` and `contacts set` use (bot.config.admin.channels): the channel registry's.
Warnings (a plain SMTP login allowed on purpose) do not fail the check.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config.admin.channels import judge
from bot.config.admin.units import canonical_name, contacts_owner
from bot.config.contacts import parse_contact
from bot.config.paths import CONTACTS, SETTINGS as SETTINGS_FILE, missing_dir, missing_file
from bot.config.settings import Settings, _apply_env, parse_settings
from bot.config.yamlfile import Where, YDict, YList, load_yaml
from bot.envfile import where_to_set
from bot.errors import DubanError
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
    if not settings.public_url:
        report.warn(SETTINGS, "未设置 public_url（或环境变量 DUBAN_PUBLIC_URL）：提醒中不带签收、反馈进展、办结、申请延期链接，"
                              "消息改为请各单位联系督办人员。设置控制台的公网地址后即带链接。")
    return settings, data, where


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


def _contacts(items, where: Where, report: ConfigReport) -> None:
    if isinstance(items, (str, dict)):
        items = YList([items])
    if not isinstance(items, list):
        report.add(CONTACTS_AREA, where.error("应为联系方式列表。").message)
        return
    for i, item in enumerate(items):
        at = where.child(items, i)
        try:
            spec = parse_contact(item, at)
        except DubanError as exc:
            report.add(CONTACTS_AREA, exc.message)
            continue
        report.contacts += 1
        verdict = judge(spec)
        if verdict.missing_env:
            names = "、".join(verdict.missing_env)
            report.add(SECRETS, at.error(f"引用的环境变量 {names} 未设置或为空：{where_to_set(*verdict.missing_env)}。").message)
        for message in verdict.errors + verdict.environment:
            report.add(CHANNEL, at.error(message).message)
        for message in verdict.warnings:
            report.warn(CHANNEL, at.error(message).message)


def _contacts_file(path: Path, directory: Directory | None, admin_name: str, report: ConfigReport) -> None:
    try:
        data, where = load_yaml(path)
    except DubanError as exc:
        report.add(CONTACTS_AREA, exc.message)
        return
    for key in data:
        if key != "units":
            report.add(CONTACTS_AREA, where.child(data, key).error("未知配置项，顶层只有 units。").message)
    units = data.get("units") or YDict()
    uw = where.child(data, "units")
    if not isinstance(units, dict):
        report.add(CONTACTS_AREA, uw.error("应为 单位名: [联系方式…] 的映射。").message)
        return
    for name, items in units.items():
        at = uw.child(units, name)
        if directory is not None:
            try:
                contacts_owner(directory, str(name), admin_name)
            except DubanError as exc:
                report.add(CONTACTS_AREA, at.error(exc.message).message)
        _contacts(items or YList(), at, report)


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
    directory = _directory(units_path, report)
    _lead_time_units(settings, data, where, directory, report)
    admin = data.get("admin") if isinstance(data.get("admin"), dict) else YDict()
    if "contacts" in admin:
        _contacts(admin["contacts"] or YList(), where.child(data, "admin").child(admin, "contacts"), report)
    _contacts_file(config_dir / CONTACTS, directory, settings.admin_name, report)
    return report
