"""Every channel kind in one greppable place, and the one factory that builds them."""
from __future__ import annotations

import inspect
from functools import cache

from bot.notify.base import Channel, ChannelConfigError
from bot.notify.console import ConsoleChannel
from bot.notify.dingtalk import DingTalkChannel
from bot.notify.email import EmailChannel
from bot.notify.feishu import FeishuChannel
from bot.notify.wecom import WeComChannel

CHANNELS: dict[str, type[Channel]] = {
    "wecom": WeComChannel,
    "email": EmailChannel,
    "dingtalk": DingTalkChannel,
    "feishu": FeishuChannel,
    "console": ConsoleChannel,
}


@cache
def accepted_options(cls: type[Channel]) -> frozenset[str]:
    """Keyword options a channel class takes, following **kwargs up to its base classes.

    Cached: inspect.signature on every channel built was a tenth of a send loop's CPU when
    each message went to a contact not seen before.
    """
    names: set[str] = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind == p.KEYWORD_ONLY}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return frozenset(names)


def channel_for(kind: str, target, **options) -> Channel:
    """A ready channel; raises ChannelConfigError (Chinese, names the field) on bad config."""
    cls = CHANNELS.get(kind)
    if cls is None:
        raise ChannelConfigError(str(kind), "kind", f"未知的渠道类型，可选：{'、'.join(CHANNELS)}")
    unknown = sorted(set(options) - accepted_options(cls))
    if unknown:
        allowed = "、".join(sorted(accepted_options(cls))) or "无"
        raise ChannelConfigError(kind, unknown[0], f"不认识的选项；{kind} 渠道可用的选项：{allowed}")
    return cls(target, **options)


def _expanded(value):
    from bot.config.contacts import expand_env

    if isinstance(value, str):
        return expand_env(value)
    if isinstance(value, (list, tuple)):
        return [_expanded(v) for v in value]
    return value


def channel_from_contact(kind: str, target: str, **options) -> Channel:
    """`channel_for` on a contact as stored: ${ENV} references in the target and options expanded.

    A missing variable is a DubanError naming the variable (never a value).
    """
    return channel_for(kind, _expanded(target), **{name: _expanded(value) for name, value in options.items()})
