"""Is a contact usable: the channel's own rules (bot.notify.registry), applied the same way by
check-config, `config apply` and `contacts set`.

A problem in the contact itself (its key, address, mentions, signing secret, an unknown
kind) refuses it. A problem around it (an unset ${VAR}, no SMTP server in this shell, a
key that would travel over http://) is reported in full by check-config, and is only a
warning when writing the store: the service's environment may differ from the admin's shell.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from bot.config.contacts import ContactSpec, env_refs
from bot.envfile import where_to_set
from bot.errors import DubanError
from bot.notify.registry import contact_kinds, validate_contact


@dataclass
class Verdict:
    """What is wrong with one contact: `errors` in the contact itself, `environment` around it."""

    errors: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    missing_env: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def missing_env(spec: ContactSpec) -> list[str]:
    """Environment variables the contact references that are unset or empty."""
    refs = env_refs(spec.target) + env_refs(spec.secret or "") + [r for m in spec.mentions for r in env_refs(m)]
    return [name for name in dict.fromkeys(refs) if not os.environ.get(name)]


def options(spec: ContactSpec) -> dict:
    """The contact as the registry reads it: its fields by name, as written."""
    out: dict = {"target": spec.target}
    if spec.secret:
        out["secret"] = spec.secret
    if spec.mentions:
        out["mentions"] = list(spec.mentions)
    return out


def judge(spec: ContactSpec) -> Verdict:
    verdict = Verdict()
    if not spec.enabled:  # a paused contact need not work, but must be of a kind that exists
        verdict.errors = [] if spec.kind in contact_kinds() else validate_contact(spec.kind, {})
        return verdict
    written = options(spec)
    verdict.errors = validate_contact(spec.kind, written, environment=False)
    verdict.missing_env = missing_env(spec)
    if not verdict.errors and not verdict.missing_env:
        verdict.environment = [p for p in validate_contact(spec.kind, written) if p not in verdict.errors]
        verdict.warnings = _plain_smtp_login(spec)
    return verdict


def _plain_smtp_login(spec: ContactSpec) -> list[str]:
    """Plain SMTP login allowed on purpose (DUBAN_SMTP_ALLOW_PLAIN_AUTH) still sends the password in clear."""
    if spec.kind != "email" or not os.environ.get("DUBAN_SMTP_USER") or \
            os.environ.get("DUBAN_SMTP_MODE", "").strip() != "plain":
        return []
    return ["SMTP 使用 plain 方式登录：用户名和密码会明文发出。请改用 DUBAN_SMTP_MODE=ssl 或 starttls；"
            "内网中继不需要登录时清空 DUBAN_SMTP_USER。"]


def refuse_unusable(spec: ContactSpec, where: str) -> list[str]:
    """Raise DubanError when the contact itself is wrong; else the warnings to show the admin."""
    verdict = judge(spec)
    if verdict.errors:
        raise DubanError(f"{where}: {verdict.errors[0]}")
    notes = [f"{where}: {text}" for text in verdict.environment + verdict.warnings]
    if verdict.missing_env:
        notes.append(f"{where}: 引用的环境变量 {'、'.join(verdict.missing_env)} 尚未设置，无法检查其内容；"
                     f"{where_to_set(*verdict.missing_env)}，再运行 python -m bot check-config。")
    return notes
