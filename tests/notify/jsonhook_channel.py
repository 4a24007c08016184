"""A channel added the way a new one is added: one class in one file (a generic JSON webhook).

Nothing else in Duban names it; the registry test registers it and expects it everywhere
channels are listed, configured or checked.
"""
from __future__ import annotations

import re

from bot.notify import http
from bot.notify.base import TARGET, Channel, ChannelConfigError, ChannelError, ConfigField, DeliveryResult, Outcome, mask

_TOKEN = re.compile(r"[A-Za-z0-9]{12,64}")


def _url(kind: str, value) -> str:
    url = str(value or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ChannelConfigError(kind, TARGET, "回调地址必须以 https:// 开头")
    return url


def _token(kind: str, value) -> str:
    token = str(value or "").strip()
    if token and not _TOKEN.fullmatch(token):
        raise ChannelConfigError(kind, "secret", "令牌应为 12–64 位字母或数字")
    return token


class JsonHookChannel(Channel):
    kind = "jsonhook"
    label = "通用 JSON 回调"
    fields = (
        ConfigField(TARGET, "回调地址", "接收 JSON 的地址，例如 https://hooks.example.gov.cn/duban", _url, required=True),
        ConfigField("secret", "回调令牌", "对方要求的令牌（12–64 位字母或数字），建议写成 ${环境变量}", _token, secret=True),
    )
    codes = {7: Outcome("对方拒收：令牌无效", permanent=True)}

    def __init__(self, target: str, *, secret: str | None = None, timeout: float = http.DEFAULT_TIMEOUT):
        self.url = self.parse_field(TARGET, target)
        self.token = self.parse_field("secret", secret)
        self.timeout = timeout

    def _deliver(self, message) -> DeliveryResult:
        reply = http.post_json(self.url, {"subject": message.subject, "text": message.text, "token": self.token},
                               self.timeout)
        code = (reply.body or {}).get("errcode") if isinstance(reply.body, dict) else None
        if code:
            outcome = self.codes.get(code, Outcome(f"未知错误码 {code}", permanent=False))
            raise ChannelError(outcome.reason, permanent=outcome.permanent, errcode=code)
        return DeliveryResult(ok=True, detail="已发送 1 条消息", parts_sent=1)

    def secrets(self) -> tuple[str, ...]:
        return (self.token,)

    def describe(self) -> str:
        return f"jsonhook:{self.url.split('?')[0]} token={mask(self.token)}"
