"""The contract every channel keeps: `send(message) -> DeliveryResult`, `describe()`.

A channel validates its configuration in the constructor (so an object that exists
is usable), raises `ChannelError` inside, and `Channel.send` turns that into a
`DeliveryResult` at one point. Results and `describe()` never carry a secret:
every text a channel produces passes through `scrub()` with its own secrets.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from bot.errors import DubanError


@dataclass(frozen=True)
class Message:
    """One reminder for one recipient unit, rendered once for every channel.

    `markdown` is WeCom-flavoured markdown (the richest common dialect; other robots
    adapt it), `text` the plain rendering, `html` the email body (None: the email
    channel wraps `text`). `mentions` are mobile numbers to @ where the channel can.
    `notice` is the short line sent with the @mentions (defaults to the subject).
    """

    unit: str
    subject: str
    markdown: str
    text: str
    html: str | None = None
    mentions: tuple[str, ...] = ()
    notice: str = ""


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one `send`, fit to be stored as a delivery row.

    `ok` False with `permanent` True: do not retry, tell the admin (bad key, removed
    robot, refused address). `ok` False otherwise: retry no sooner than `retry_after`
    seconds (None: the caller's own backoff). `parts_sent` counts messages the far
    end accepted before a failure (a retry sends the whole message again).
    `refused` maps email addresses refused for good to the server's reason, while
    the others were delivered (then `ok` is True).
    """

    ok: bool
    detail: str
    permanent: bool = False
    retry_after: float | None = None
    errcode: int | None = None
    parts_sent: int = 0
    refused: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "permanent": self.permanent,
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
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.errcode = errcode
        self.parts_sent = 0


class ChannelConfigError(DubanError):
    """Bad channel configuration: names the channel kind and the field to fix."""

    def __init__(self, kind: str, field_name: str, problem: str):
        super().__init__(f"联系方式配置错误（{kind} 渠道，字段 {field_name}）：{problem}")
        self.kind = kind
        self.field_name = field_name


def mask(secret: str, keep: int = 4) -> str:
    """The one display form of a secret: its first few characters, then ****."""
    return (secret[:keep] if len(secret) > keep * 2 else "") + "****"


class Channel(ABC):
    """A way to reach a unit. Subclasses implement `_deliver` and `describe`."""

    kind: str = ""

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
