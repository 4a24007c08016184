"""Is a contact usable: the channel's own rules, applied the same way by check-config,
`config apply` and `contacts set`.

The channel is built the way the dispatcher builds it (`build`, passed in by the CLI), so
what is accepted here is what sends. A problem in the contact itself (its key, address,
mentions, signing secret) refuses it. A problem of the environment (an unset ${VAR}, no
SMTP server yet) is only a warning when writing the store: the service's environment may
differ from the admin's shell, and check-config reports it in full.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from bot.config.contacts import ContactSpec, env_refs, expand_env
from bot.errors import DubanError

ChannelBuilder = Callable[[ContactSpec], object]
CONTACT_FIELDS = frozenset({"target", "mentions", "secret", "kind"})
ROBOTS = ("wecom", "dingtalk", "feishu")


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


def judge(spec: ContactSpec, build: ChannelBuilder) -> Verdict:
    verdict = Verdict()
    if not spec.enabled:
        return verdict
    verdict.missing_env = missing_env(spec)
    if verdict.missing_env:
        return verdict
    try:
        build(spec)
    except DubanError as exc:
        field_name = getattr(exc, "field_name", None)
        (verdict.errors if field_name in CONTACT_FIELDS else verdict.environment).append(exc.message)
    verdict.warnings = cleartext_warnings(spec)
    return verdict


def cleartext_warnings(spec: ContactSpec) -> list[str]:
    """Credentials that would cross the network unencrypted (nothing is refused here)."""
    out = []
    if spec.kind in ROBOTS:
        url = expand_env(spec.target)
        host = urlsplit(url).hostname if url.startswith("http://") else None
        if host and not _private(host):
            out.append(f"{spec.kind} 机器人地址使用 http://（不加密），其中的 key 会明文经过网络：请改用 https:// 地址。")
    elif spec.kind == "email" and os.environ.get("DUBAN_SMTP_USER") and \
            (os.environ.get("DUBAN_SMTP_MODE") or "").strip() == "plain":
        out.append("SMTP 使用 plain 方式并设置了登录用户名：用户名和密码会明文发出。请改用 DUBAN_SMTP_MODE=ssl 或 starttls；"
                   "内网中继不需要登录时清空 DUBAN_SMTP_USER。")
    return out


def _private(host: str) -> bool:
    if host == "localhost" or "." not in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def refuse_unusable(spec: ContactSpec, build: ChannelBuilder, where: str) -> list[str]:
    """Raise DubanError when the contact itself is wrong; else the warnings to show the admin."""
    verdict = judge(spec, build)
    if verdict.errors:
        raise DubanError(f"{where}: {verdict.errors[0]}")
    notes = [f"{where}: {text}" for text in verdict.environment + verdict.warnings]
    if verdict.missing_env:
        notes.append(f"{where}: 引用的环境变量 {'、'.join(verdict.missing_env)} 尚未设置，无法检查其内容；"
                     "请在服务的环境（.env）中设置，再运行 python -m bot check-config。")
    return notes
