"""Contacts as the admin writes them (config/contacts.yaml and the admin block of settings.yaml).

Each unit has a list of contacts, one channel each:
    - wecom: ${WECOM_KEY_BAOHU}        # full webhook URL, bare key, or ${ENV} reference
      mentions: ["13800000000"]        # mobiles to @ (WeCom text message), or "@all"
    - email: baohu@example.gov.cn, zhangsan@example.gov.cn   # one or more addresses
    - dingtalk: ${DINGTALK_TOKEN_X}
      secret: ${DINGTALK_SECRET_X}     # signing secret of DingTalk/Feishu robots
    - email: chief@example.gov.cn
      role: leader                     # the unit's leader: told only of escalated (long overdue) items
Secrets are referenced, never required in the file: `${NAME}` is expanded only when sending.

This leaf reads the shape only: one channel key per item (whichever key is not a common
option), strings of the store's widths. What a key, address or mobile must look like is
the channel's to say (bot.notify.registry), asked by the admin layer (bot.config.admin).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from bot.config.yamlfile import Where, YDict, YList, load_yaml
from bot.envfile import where_to_set
from bot.errors import DubanError

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
OPTION_KEYS = ("mentions", "secret", "label", "enabled", "disabled_reason", "role")
LEADER_ROLE = "leader"  # Contact.role (bot.store.models.LEADER) of a unit's leader
_EMAIL = re.compile(r"[^@\s,;:/<>]+@[^@\s,;/<>]+\.[^@\s,;/<>]+")
_EMAIL_LIST = re.compile(r"[,;，；、\s]+")  # the separators the email channel accepts
TARGET_MAX, SECRET_MAX, LABEL_MAX = 500, 200, 200  # the store's column widths
_SECRETISH = re.compile(r"((?:key|access_token|token|sign|secret)=)([^&\s]+)|(/hook/)([^/?\s]+)", re.I)


@dataclass(frozen=True)
class ContactSpec:
    kind: str
    target: str
    mentions: tuple[str, ...] = ()
    secret: str | None = None
    label: str = ""
    enabled: bool = True
    disabled_reason: str | None = None
    role: str = ""  # "leader": the unit's leader, told only when an item escalates

    def to_yaml(self) -> dict:
        out: dict = {self.kind: self.target}
        if self.mentions:
            out["mentions"] = list(self.mentions)
        for key in ("secret", "label", "disabled_reason", "role"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if not self.enabled:
            out["enabled"] = False
        return out


def env_refs(text: str) -> list[str]:
    return ENV_REF.findall(text or "")


def expand_env(text: str, what: str = "联系方式") -> str:
    """Replace ${NAME} by its environment value; a missing variable is a DubanError naming it (not its value)."""

    def one(m: re.Match) -> str:
        value = os.environ.get(m.group(1))
        if value is None:
            raise DubanError(f"{what}引用的环境变量 {m.group(1)} 未设置。{where_to_set(m.group(1))}。")
        return value

    return ENV_REF.sub(one, text or "")


def email_addresses(target: str) -> list[str]:
    return [a for a in _EMAIL_LIST.split(target or "") if a]


def is_email_list(target: str) -> bool:
    """One or more addresses, comma separated ("a@x.cn, b@x.cn"); a URL with user@host is not one."""
    addresses = email_addresses(target)
    return "://" not in target and bool(addresses) and all(_EMAIL.fullmatch(a) for a in addresses)


def redact(target: str) -> str:
    """A target fit for output and logs: env references stay, literal keys and tokens are masked."""
    if not target or ENV_REF.fullmatch(target) or is_email_list(target):
        return target

    def mask(value: str) -> str:
        return value[:4] + "…" if len(value) > 8 else "…"

    if "://" not in target and "=" not in target:
        return mask(target)  # a bare key
    return _SECRETISH.sub(lambda m: (m.group(1) or m.group(3)) + mask(m.group(2) or m.group(4)), target)


def _text(value, where: Where, limit: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise where.error(f"{what}应为一段文字，实际为 {type(value).__name__}。")
    text = str(value).strip()
    if len(text) > limit:
        raise where.error(f"{what}超过 {limit} 个字符，请检查是否粘贴了多余内容。")
    return text


def parse_target(value, where: Where) -> str:
    target = _text(value, where, TARGET_MAX, "联系方式")
    if not target:
        raise where.error("联系方式不能为空。")
    return target


def parse_mentions(values, where: Where) -> tuple[str, ...]:
    if isinstance(values, (str, int)) and not isinstance(values, bool):
        values = YList([values])
    if not isinstance(values, list):
        raise where.error("mentions 应为手机号列表，例如 [\"13800000000\"]。")
    return tuple(_text(v, where.child(values, i), 40, "手机号") for i, v in enumerate(values))


def parse_contact(item, where: Where) -> ContactSpec:
    if isinstance(item, str):
        item = YDict({"email" if "@" in item and "://" not in item else "wecom": item})
    if not isinstance(item, dict):
        raise where.error("每个联系方式应为映射，例如 {wecom: ${WECOM_KEY}} 或 {email: a@b.cn}。")
    kinds = [str(k) for k in item if k not in OPTION_KEYS]
    if len(kinds) != 1:
        raise where.error(f"每项须且只须写一种渠道（如 wecom、email），另可写 {', '.join(OPTION_KEYS)}；"
                          f"实际为 {', '.join(kinds) or '无渠道'}。")
    kind = kinds[0]
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise where.child(item, "enabled").error("应为 true 或 false。")
    role = item.get("role") or ""
    if role not in ("", LEADER_ROLE):
        raise where.child(item, "role").error(f"只能写 role: {LEADER_ROLE}（单位领导，只接收逾期升级的催办），"
                                              f"日常提醒的联系方式不写 role；实际为 {role!r}。")
    for key, limit in (("secret", SECRET_MAX), ("label", LABEL_MAX), ("disabled_reason", LABEL_MAX)):
        if item.get(key) and (not isinstance(item[key], str) or len(item[key]) > limit):
            raise where.child(item, key).error(f"应为不超过 {limit} 个字符的文字。")
    return ContactSpec(
        kind=kind,
        target=parse_target(item[kind], where.child(item, kind)),
        mentions=parse_mentions(item.get("mentions") or YList(), where.child(item, "mentions")),
        secret=item.get("secret") or None,
        label=item.get("label") or "",
        enabled=enabled,
        disabled_reason=item.get("disabled_reason") or None,
        role=role,
    )


def parse_contact_list(value, where: Where) -> tuple[ContactSpec, ...]:
    if isinstance(value, (str, dict)):
        value = YList([value])
    if not isinstance(value, list):
        raise where.error("应为联系方式列表。")
    return tuple(parse_contact(item, where.child(value, i)) for i, item in enumerate(value))


def load_contacts(path: Path) -> dict[str, tuple[ContactSpec, ...]]:
    """unit name → contacts, from contacts.yaml (`units:` mapping). Unit names are checked by the caller."""
    data, where = load_yaml(path)
    for key in data:
        if key != "units":
            raise where.child(data, key).error("未知配置项，顶层只有 units。")
    units = data.get("units") or YDict()
    uw = where.child(data, "units")
    if not isinstance(units, dict):
        raise uw.error("应为 单位名: [联系方式…] 的映射。")
    return {str(name): parse_contact_list(items or YList(), uw.child(units, name)) for name, items in units.items()}


def contact_line(path: Path, unit: str) -> Where:
    """Where a unit's entry sits in contacts.yaml, for errors found after parsing (e.g. unknown unit)."""
    data, where = load_yaml(path)
    units = data.get("units") or YDict()
    return where.child(data, "units").child(units, unit)
