"""The office-level settings in force: settings.yaml, then what the console stored, then the environment.

One source of truth, as for contacts: once a key is edited in the console the database wins
over settings.yaml; `config apply` shows what of it the file would overwrite (and needs
--yes), `config export` writes it back. The environment (DUBAN_SEND_TIME, DUBAN_PUBLIC_URL)
still wins over both, as it wins over the file. Stored values are the keys' YAML forms, read
by the same parser as settings.yaml (bot.config.settings.parse_settings): the file, the
console and the store accept exactly the same values.

Every process that plans or sends reads them through `effective_settings` on its own
session (the console per request, the CLI's store_session, the worker at every job), so a
change is in force everywhere at the next request or tick, without a restart.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.settings import Settings, _apply_env, parse_settings
from bot.config.yamlfile import Where, YDict
from bot.store.audit import record
from bot.store.models import Milestone, utcnow
from bot.store.settings_models import OfficeSetting

# The settings.yaml keys the console edits, in the order of its form.
EDITABLE = ("send_time", "overdue", "escalate_after_days", "ack_reminder_after_days", "implicit_due",
            "due_soon_days", "public_url", "secrecy", "link_expiry_days")
ENV_OF = {"send_time": "DUBAN_SEND_TIME", "public_url": "DUBAN_PUBLIC_URL"}  # these win over file and store
PLAN_KEYS = frozenset({"send_time", "overdue", "escalate_after_days", "ack_reminder_after_days", "implicit_due"})
STORE = Where("数据库表 office_settings（控制台中修改的设置）")
IMPLICIT_RULE = "implicit-year-end"  # Milestone.matched_by of an undated task's default due date


def yaml_form(settings: Settings, key: str) -> Any:
    """The value of `key` as settings.yaml writes it (and the store keeps it)."""
    value = getattr(settings, key)
    if key == "send_time":
        return value.strftime("%H:%M")
    if key == "implicit_due":
        return f"{value[0]:02d}-{value[1]:02d}"
    if key == "overdue":
        return dict(value.__dict__)
    if key == "escalate_after_days":
        return dict(value)
    return value


def parse_value(key: str, value: Any, where: Where) -> Any:
    """`value` (a key's YAML form) as the Settings field, checked by settings.yaml's own rules."""
    return getattr(parse_settings(YDict({key: value}), where), key)


def normalized(key: str, value: Any, where: Where) -> Any:
    """`value` checked and written as settings.yaml would write it (" 9:05" → "09:05")."""
    return yaml_form(replace(Settings(), **{key: parse_value(key, value, where)}), key)


def stored(session: Session) -> dict[str, Any]:
    """The keys the console changed, in their YAML forms."""
    return {row.key: json.loads(row.value) for row in session.scalars(select(OfficeSetting))}


def with_overrides(settings: Settings, values: dict[str, Any]) -> Settings:
    """`settings` with the stored `values` in force and the environment applied again on top."""
    if values:
        parsed = parse_settings(YDict(values), STORE)
        settings = replace(settings, **{key: getattr(parsed, key) for key in values})
    return _apply_env(settings)


def effective_settings(session: Session, settings: Settings) -> Settings:
    """The settings every planning or sending process works with: file < store < environment."""
    return with_overrides(settings, stored(session))


def source_of(key: str, values: dict[str, Any], file_keys: set[str], file: str, env: str | None = None) -> str:
    """Where the value in force of `key` comes from, in words: the environment (`env`, by default
    the key's own variable), the store (`values`), settings.yaml (`file_keys`) or the default."""
    env = env or ENV_OF.get(key)
    if env and os.environ.get(env):
        return f"环境变量 {env}"
    if key in values:
        return "数据库（控制台修改）"
    return f"{file}（{key}）" if key in file_keys else "默认值"


def save(session: Session, changes: dict[str, Any], actor: str, at: datetime | None = None) -> dict[str, tuple]:
    """Store the changed keys (YAML forms) with one audit row each; {key: (before, after)} of those that differ."""
    at = at or utcnow()
    rows = {row.key: row for row in session.scalars(select(OfficeSetting).where(OfficeSetting.key.in_(list(changes))))}
    done: dict[str, tuple] = {}
    for key, (before, after) in changes.items():
        if before == after:
            continue
        row = rows.get(key)
        if row is None:
            session.add(OfficeSetting(key=key, value=json.dumps(after, ensure_ascii=False), updated_by=actor[:64],
                                      updated_at=at))
        else:
            row.value, row.updated_by, row.updated_at = json.dumps(after, ensure_ascii=False), actor[:64], at
        record(session, actor, "修改设置", key, before={key: before}, after={key: after}, at=at)
        done[key] = (before, after)
    session.flush()
    return done


def clear_for_file(session: Session, settings: Settings) -> list[tuple[str, Any, Any]]:
    """Drop every stored key so the file is in force again (`config apply`); (key, stored, file's)
    for each whose stored value the file's would overwrite."""
    overwritten = []
    for row in session.scalars(select(OfficeSetting).order_by(OfficeSetting.key)):
        value, wanted = json.loads(row.value), yaml_form(settings, row.key)
        if value != wanted:
            overwritten.append((row.key, value, wanted))
        session.delete(row)
    session.flush()
    return overwritten


def redate_implicit(session: Session, implicit_due: tuple[int, int]) -> int:
    """Move the default due date of undated tasks (not one a person set) to `implicit_due` of its
    year, as an import today would read it; returns how many moved. The caller replans."""
    moved = 0
    rows = session.scalars(select(Milestone).where(Milestone.matched_by == IMPLICIT_RULE, Milestone.kind == "implicit",
                                                   Milestone.removed_at.is_(None)))
    for row in rows:
        due = date(row.due.year, *implicit_due)
        if due != row.due:
            doc_date = row.task.document.doc_date
            row.due, row.past, row.updated_at = due, doc_date is not None and due < doc_date, utcnow()
            moved += 1
    session.flush()
    return moved
