"""The contract every channel keeps: `send(message) -> DeliveryResult`, `describe()`, `validate(options)`.

A channel validates its configuration in the constructor (so an object that exists
is usable), raises `ChannelError` inside, and `Channel.send` turns that into a
`DeliveryResult` at one point. Results and `describe()` never carry a secret:
every text a channel produces passes through `scrub()` with its own secrets.

A channel class also declares what an admin configures for it (`fields`, each with its
own parser, which the constructor uses too) and what its far end's error codes mean
(`codes`), so the CLI flags, the YAML keys, check-config and the console's forms are
derived from the class (bot.notify.registry) instead of being listed elsewhere.
"""
from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from bot.errors import DubanError


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (the scheduled 督办通报): email attaches it, a WeCom robot sends it as a file."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Message:
    """One reminder for one recipient unit, rendered once for every channel.

    `markdown` is WeCom-flavoured markdown (the richest common dialect; other robots
    adapt it), `text` the plain rendering, `html` the email body (None: the email
    channel wraps `text`). `mentions` are mobile numbers to @ where the channel can.
    `notice` is the short line sent with the @mentions (defaults to the subject).
    `attachments` go where the channel can carry files (`Channel.files`); the others
    send the text alone, which must then say where the file is.
    """

    unit: str
    subject: str
    markdown: str
    text: str
    html: str | None = None
    mentions: tuple[str, ...] = ()
    notice: str = ""
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one `send`, fit to be stored as a delivery row.

    `ok` False with `permanent` True: do not retry, tell the admin (bad key, removed
    robot, refused address). `ok` False otherwise: retry no sooner than `retry_after`
    seconds (None: the caller's own backoff). `parts_sent` counts messages the far
    end accepted before a failure (a retry sends the whole message again).
    `refused` maps email addresses refused for good to the server's reason, while
    the others were delivered (then `ok` is True). `environment` marks a permanent
    failure of this machine's setup (a CA bundle, a proxy), not of the contact: the
    contact must stay enabled.
    """

    ok: bool
    detail: str
    permanent: bool = False
    retry_after: float | None = None
    errcode: int | None = None
    parts_sent: int = 0
    refused: dict[str, str] = field(default_factory=dict)
    environment: bool = False

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "permanent": self.permanent,
            "environment": self.environment,
            "retry_after": self.retry_after,
            "errcode": self.errcode,
            "parts_sent": self.parts_sent,
            "refused": dict(self.refused),
            "detail": self.detail,
        }


class ChannelError(Exception):
    """A failed delivery, raised inside a channel and turned into a result by `send`."""

    def __init__(
        self,
        message: str,
        permanent: bool = False,
        retry_after: float | None = None,
        errcode: int | None = None,
        environment: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.errcode = errcode
        self.environment = environment
        self.parts_sent = 0


class ChannelConfigError(DubanError):
    """Bad channel configuration: names the channel kind and the field to fix."""

    def __init__(self, kind: str, field_name: str, problem: str):
        super().__init__(f"联系方式配置错误（{kind} 渠道，字段 {field_name}）：{problem}")
        self.kind = kind
        self.field_name = field_name


@dataclass(frozen=True)
class Outcome:
    """How to treat one error code of a channel's far end: the admin-facing reason, and whether to retry."""

    reason: str
    permanent: bool
    retry_after: float | None = None


TARGET = "target"
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ConfigField:
    """One setting of a contact on a channel, as the admin writes it.

    `name` is the option's key ("target" is written under the channel's own kind in
    contacts.yaml, `wecom: URL`, and is the CLI flag `--wecom`); `label` and `help` are
    the Chinese texts of forms and `--help`; `secret` values are masked wherever shown
    and best written as ${ENV} references; `many` takes a list. `parse(kind, value)`
    returns the value the channel uses or raises ChannelConfigError: the constructor
    and `validate` call the same parser, so what validates is what sends.
    """

    name: str
    label: str
    help: str
    parse: Callable[[str, Any], Any]
    secret: bool = False
    required: bool = False
    many: bool = False


def unset_env(value) -> list[str]:
    """The ${NAME} references in a value (string or list) whose variable is unset or empty."""
    texts = value if isinstance(value, (list, tuple)) else [value]
    refs = [name for text in texts if isinstance(text, str) for name in ENV_REF.findall(text)]
    return [name for name in dict.fromkeys(refs) if not os.environ.get(name)]


def expand_env_value(value):
    """A value with its ${NAME} references replaced from the environment (call after `unset_env` is empty)."""
    if isinstance(value, str):
        return ENV_REF.sub(lambda m: os.environ[m.group(1)], value)
    if isinstance(value, (list, tuple)):
        return [expand_env_value(v) for v in value]
    return value


def mask(secret: str, keep: int = 4) -> str:
    """The one display form of a secret: its first few characters, then ****."""
    return (secret[:keep] if len(secret) > keep * 2 else "") + "****"


class Channel(ABC):
    """A way to reach a unit. Subclasses implement `_deliver` and `describe`.

    A concrete channel sets `kind` (its key in contacts.yaml, the database and the CLI),
    `label` (its Chinese name), `fields` (what the admin configures; the constructor takes
    them as `target` and keyword options) and `codes` (its far end's error codes).
    `files` True: it delivers attachments. `configurable` False keeps a channel out of contacts (the console preview).
    """

    kind: str = ""
    label: str = ""
    fields: tuple[ConfigField, ...] = ()
    codes: Mapping[int, Outcome] = {}
    configurable: bool = True
    files: bool = False  # True: sends a Message's attachments (email, WeCom); else the text alone

    @classmethod
    def field(cls, name: str) -> ConfigField:
        return next(f for f in cls.fields if f.name == name)

    @classmethod
    def parse_field(cls, name: str, value):
        """The value of field `name` as the channel uses it (raises ChannelConfigError)."""
        return cls.field(name).parse(cls.kind, value)

    @classmethod
    def validate(cls, options: Mapping[str, Any], *, environment: bool = True) -> list[str]:
        """Every problem (Chinese, naming the field, never a secret) with a contact's `options`.

        `options` maps field names to values as written, ${ENV} references allowed. A field
        whose variable is unset cannot be checked here and is skipped (check-config reports
        unset variables on its own). With `environment` False, only the contact's own
        fields are checked, not what the channel also needs from the environment (the SMTP
        server): for `contacts set` in a shell that lacks the service's environment.
        """
        problems: list[str] = []
        known = {f.name for f in cls.fields}
        for name in options:
            if name not in known:
                problems.append(ChannelConfigError(cls.kind, name, f"不认识的配置项；{cls.label}可用的有："
                                                   f"{'、'.join(f.name for f in cls.fields)}").message)
        values, complete = {}, True
        for f in cls.fields:
            value = options.get(f.name)
            if value in (None, "", [], ()):
                if f.required:
                    problems.append(ChannelConfigError(cls.kind, f.name, f"必须填写{f.label}").message)
                continue
            if unset_env(value):
                complete = False
                continue
            try:
                f.parse(cls.kind, expand_env_value(value))
            except ChannelConfigError as exc:
                problems.append(exc.message)
                continue
            values[f.name] = expand_env_value(value)
        if problems or not complete or not environment:
            return problems
        try:
            channel = cls(values.pop(TARGET, None), **values)
        except ChannelConfigError as exc:
            return [exc.message]
        return channel.warnings()

    def warnings(self) -> list[str]:
        """Problems of a channel that can send but should not be configured so (cleartext credentials)."""
        return []

    def send(self, message: Message) -> DeliveryResult:
        try:
            result = self._deliver(message)
        except ChannelError as exc:
            return DeliveryResult(
                ok=False,
                detail=self.scrub(exc.message),
                permanent=exc.permanent,
                retry_after=exc.retry_after,
                errcode=exc.errcode,
                parts_sent=exc.parts_sent,
                environment=exc.environment,
            )
        return result

    @abstractmethod
    def _deliver(self, message: Message) -> DeliveryResult:
        """Send or raise ChannelError; the returned result must already be scrubbed."""

    @abstractmethod
    def describe(self) -> str:
        """The only form in which a channel appears in logs and the CLI: secrets masked."""

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never leave the channel (keys, tokens, passwords)."""
        return ()

    def scrub(self, text: str) -> str:
        for secret in self.secrets():
            if secret:
                text = text.replace(secret, mask(secret))
        return text

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"
