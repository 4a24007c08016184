"""The channel registry: every channel class of bot.notify, found, and what is derived from it.

A channel is one module in this package with one `Channel` subclass that sets `kind`
(see bot.notify.base): the registry imports the package's modules and registers each
such class, so adding a channel is adding its file. Everything else asks the registry:

    CHANNELS: dict[kind, channel class]             every kind, the console preview included
    contact_kinds() -> tuple[kind, ...]             the kinds a contact may use (CLI flags, YAML keys)
    robot_kinds() -> tuple[kind, ...]               the group robots among them
    channel_class(kind) -> class                    ChannelConfigError (Chinese) for an unknown kind
    validate_contact(kind, options) -> [problems]   Chinese problems with a contact as written
    contact_fields() -> {name: ConfigField}         the option keys any contact may carry (YAML)
    channel_for(kind, target, **options)            a ready channel (options checked against the class)
    channel_from_contact(kind, target, **options)   the same, ${ENV} references expanded
    send_options(kind, **runtime)                   the runtime options (limiter, sleep, timeout) a kind takes

A class's `fields` (name, label, help, secret, parse), `label` and `codes` (its error-code
table) are the one declaration; `register(cls)` adds a channel defined elsewhere (tests).
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from bot.envfile import where_to_set
from bot.errors import DubanError
from bot.notify.base import TARGET, Channel, ChannelConfigError, ConfigField, expand_env_value, unset_env

CHANNELS: dict[str, type[Channel]] = {}
# Listed first, in this order, where kinds are shown; later channels follow by name.
PREFERRED = ("wecom", "email", "dingtalk", "feishu", "console")


def register(cls: type[Channel]) -> type[Channel]:
    """Add a channel class (idempotent); two classes may not claim one kind."""
    if not cls.kind or inspect.isabstract(cls):
        raise ValueError(f"{cls.__name__} is not a concrete channel with a kind")
    known = CHANNELS.get(cls.kind)
    if known is not None and known is not cls:
        raise ValueError(f"channel kind {cls.kind!r} claimed by {known.__name__} and {cls.__name__}")
    ordered = sorted({**CHANNELS, cls.kind: cls}.items(), key=lambda item: _order(item[0]))
    CHANNELS.clear()
    CHANNELS.update(ordered)
    return cls


def unregister(kind: str) -> None:
    """Remove a kind added by `register` (tests that define a channel of their own)."""
    CHANNELS.pop(kind, None)


def _order(kind: str) -> tuple:
    return (PREFERRED.index(kind), "") if kind in PREFERRED else (len(PREFERRED), kind)


def _discover() -> None:
    for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module_info.name.startswith("_") or module_info.name == "registry":
            continue
        module = importlib.import_module(f"{__package__}.{module_info.name}")
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, Channel) and value.__module__ == module.__name__
                    and value.kind and not inspect.isabstract(value)):
                register(value)


def contact_kinds() -> tuple[str, ...]:
    """The kinds a unit's contact may be (the console preview is not one)."""
    return tuple(kind for kind, cls in CHANNELS.items() if cls.configurable)


def robot_kinds() -> tuple[str, ...]:
    """The group-robot kinds (RobotChannel): a permanent refusal there means the robot or its key is gone."""
    from bot.notify.robot import RobotChannel

    return tuple(kind for kind, cls in CHANNELS.items() if issubclass(cls, RobotChannel))


def contact_fields() -> dict[str, ConfigField]:
    """Every option key (besides the kind itself, which holds the target) some contact kind declares."""
    out: dict[str, ConfigField] = {}
    for kind in contact_kinds():
        for f in CHANNELS[kind].fields:
            if f.name != TARGET:
                out.setdefault(f.name, f)
    return out


def channel_class(kind: str) -> type[Channel]:
    cls = CHANNELS.get(kind)
    if cls is None:
        raise ChannelConfigError(str(kind), "kind", f"未知的渠道类型，可选：{'、'.join(contact_kinds())}")
    return cls


def validate_contact(kind: str, options: Mapping[str, Any], *, environment: bool = True) -> list[str]:
    """Every problem with a contact of `kind` whose fields are `options` ({"target": …, "secret": …}).

    The same parsers the channel sends with; see `Channel.validate` for ${ENV} references and
    `environment`. An empty list: the channel will accept it.
    """
    try:
        cls = channel_class(kind)
    except ChannelConfigError as exc:
        return [exc.message]
    return cls.validate(options, environment=environment)


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


def send_options(kind: str, **options) -> dict:
    """The subset of runtime `options` (limiter, sleep, timeout …) that channels of `kind` take."""
    cls = CHANNELS.get(kind)
    accepted = accepted_options(cls) if cls else frozenset()
    return {name: value for name, value in options.items() if name in accepted}


def channel_for(kind: str, target, **options) -> Channel:
    """A ready channel; raises ChannelConfigError (Chinese, names the field) on bad config."""
    cls = channel_class(kind)
    unknown = sorted(set(options) - accepted_options(cls))
    if unknown:
        allowed = "、".join(sorted(accepted_options(cls))) or "无"
        raise ChannelConfigError(kind, unknown[0], f"不认识的选项；{kind} 渠道可用的选项：{allowed}")
    return cls(target, **options)


def channel_from_contact(kind: str, target: str, **options) -> Channel:
    """`channel_for` on a contact as stored: ${ENV} references in the target and options expanded.

    A missing variable is a DubanError naming the variable (never a value).
    """
    missing = unset_env(target) + [name for value in options.values() for name in unset_env(value)]
    if missing:
        raise DubanError(f"联系方式引用的环境变量 {'、'.join(dict.fromkeys(missing))} 未设置。"
                         f"{where_to_set(*dict.fromkeys(missing))}。")
    return channel_for(kind, expand_env_value(target),
                       **{name: expand_env_value(value) for name, value in options.items()})


_discover()
