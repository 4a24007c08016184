"""What the group robots (WeCom, DingTalk, Feishu) share: throttle, post, read the answer.

All three answer HTTP 200 even when they refuse a message; the verdict is in the
body's error code, so a robot declares a table of codes and this module reads it.
"""
from __future__ import annotations

import ipaddress
import logging
import re
import socket
import time
from abc import abstractmethod
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from bot.notify import http
from bot.notify.base import (
    TARGET,
    Channel,
    ChannelConfigError,
    ChannelError,
    ConfigField,
    DeliveryResult,
    Message,
)
from bot.notify.split import truncate_utf8
from bot.notify.throttle import RateLimiter, limiter_key

log = logging.getLogger("bot.notify")

SERVER_RETRY_AFTER = 60.0
UNKNOWN_CODE_RETRY_AFTER = 300.0


class RobotChannel(Channel):
    """A webhook robot. Subclasses build the payloads and the request URL."""

    code_fields: tuple[str, ...] = ("errcode",)
    message_fields: tuple[str, ...] = ("errmsg",)

    def __init__(
        self,
        secret: str,
        *,
        limiter: RateLimiter | None = None,
        timeout: float = http.DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ):
        try:
            timeout = float(timeout)
        except (TypeError, ValueError):
            timeout = -1.0
        if timeout <= 0:
            raise ChannelConfigError(self.kind, "timeout", "超时时间必须是大于 0 的秒数")
        self.timeout = timeout
        self.limiter = limiter
        self.throttle_key = limiter_key(self.kind, secret)
        self.sleep = sleep

    @abstractmethod
    def payloads(self, message: Message) -> list[dict]:
        """The JSON bodies that together deliver `message`, in sending order."""

    @abstractmethod
    def endpoint(self) -> str:
        """The URL for one request (DingTalk signs each request in its query)."""

    def prepare(self, payload: dict) -> dict:
        """Last touch before posting (Feishu signs each request in its body)."""
        return payload

    def _deliver(self, message: Message) -> DeliveryResult:
        if self.limiter is None:
            raise RuntimeError("a robot channel sends through a RateLimiter: pass limiter= (see bot.notify.throttle)")
        payloads = self.payloads(message)
        for sent, payload in enumerate(payloads):
            wait = self.limiter.acquire(self.throttle_key)
            if wait > 0:
                log.info("%s 限流：等待 %.1f 秒后发送", self.describe(), wait)
                self.sleep(wait)
            started = time.monotonic()
            try:
                self.check(http.post_json(self.endpoint(), self.prepare(payload), self.timeout))
            except ChannelError as exc:
                exc.parts_sent = sent
                log.info("%s 第 %d/%d 条发送失败：%s", self.describe(), sent + 1, len(payloads),
                            self.scrub(exc.message))
                raise
            log.debug("%s 第 %d/%d 条 OK，用时 %.2f 秒", self.describe(), sent + 1, len(payloads),
                      time.monotonic() - started)
        return DeliveryResult(ok=True, detail=f"已发送 {len(payloads)} 条消息", parts_sent=len(payloads))

    def warnings(self) -> list[str]:
        if cleartext_to_public(self.base_url):
            return [ChannelConfigError(self.kind, TARGET, "以 http:// 发往公网地址会明文传送机器人密钥：请改用 https://"
                                       "（私有化部署请填写内网 IP 或内网域名）").message]
        return []

    def check(self, reply: http.HttpReply) -> None:
        """Raise ChannelError unless the robot accepted the message."""
        if reply.status == 429 or reply.status >= 500:
            raise ChannelError(f"服务器暂时不可用（HTTP {reply.status}）", retry_after=SERVER_RETRY_AFTER)
        if reply.status >= 400:
            raise ChannelError(f"请求被拒绝（HTTP {reply.status}），请检查机器人地址", permanent=True)
        if 300 <= reply.status < 400:  # not followed: the key would go wherever the answer points
            raise ChannelError(f"机器人地址返回了跳转（HTTP {reply.status}），这是配置问题，重试不会成功：请填写机器人设置页中的"
                               "完整 Webhook 地址（https:// 开头），并检查代理设置", permanent=True)
        body = reply.body if isinstance(reply.body, dict) else {}
        code = next((body[f] for f in self.code_fields if f in body), None)
        if code is None:
            raise ChannelError("应答中没有错误码，无法确认是否送达", retry_after=SERVER_RETRY_AFTER)
        if code == 0:
            return
        said = next((str(body[f]) for f in self.message_fields if f in body), "")
        said = truncate_utf8(http.redact_url_secrets(said), 200)
        outcome = self.codes.get(code)
        if outcome is None:
            raise ChannelError(f"未知错误码 {code}：{said}", retry_after=UNKNOWN_CODE_RETRY_AFTER, errcode=code)
        raise ChannelError(
            f"{outcome.reason}（错误码 {code}：{said}）",
            permanent=outcome.permanent,
            retry_after=outcome.retry_after,
            errcode=code,
        )


MOBILE_DIGITS = 11
MENTION_ALL = "@all"


def valid_mobiles(kind: str, mentions) -> tuple[str, ...]:
    """Mobiles to @, validated: 11 digits starting with 1 (mainland China), or "@all"."""
    if mentions is None:
        return ()
    if isinstance(mentions, str):
        mentions = mentions.replace("，", ",").split(",")
    out = []
    for raw in mentions:
        mobile = str(raw).strip()
        if not mobile:
            continue
        if mobile != MENTION_ALL and not (mobile.isdigit() and len(mobile) == MOBILE_DIGITS and mobile.startswith("1")):
            raise ChannelConfigError(kind, "mentions", f"“{mobile}”不是 11 位手机号（或 @all），请只填写手机号码")
        out.append(mobile)
    return tuple(dict.fromkeys(out))


_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")
_QUOTES = "\"'“”‘’<> \t\r\n"


def parse_webhook(kind: str, pasted: str, *, query: str | None = None, path_marker: str | None = None
                  ) -> tuple[str | None, str]:
    """(base URL or None, token) from what an admin pasted: the full webhook URL or the bare token.

    Errors name the field but never echo the pasted value (it is a credential).
    """
    text = str(pasted or "").strip(_QUOTES)
    if not text:
        raise ChannelConfigError(kind, "target", "为空：请粘贴机器人的 Webhook 地址")
    base = None
    if "://" in text:
        url = urlsplit(text)
        if url.scheme not in ("http", "https"):  # the contact itself is wrong, whatever the environment
            raise ChannelConfigError(kind, "target", "地址必须以 http:// 或 https:// 开头：请复制机器人设置页中的完整 Webhook 地址")
        base = f"{url.scheme}://{url.netloc}"
        if query:
            token = parse_qs(url.query).get(query, [""])[0]
        else:
            token = url.path.split(path_marker, 1)[1].strip("/") if path_marker and path_marker in url.path else ""
        if not token:
            where = f"“{query}=”参数" if query else f"“{path_marker}”后的令牌"
            raise ChannelConfigError(kind, "target", f"地址中没有{where}：请复制机器人设置页中的完整 Webhook 地址")
    else:
        token = text.removeprefix(f"{query}=") if query else text
    if not _TOKEN.fullmatch(token):
        raise ChannelConfigError(
            kind, "target", "令牌格式不对（应为 8–128 位字母、数字或连字符）：请重新复制完整的 Webhook 地址"
        )
    return base, token


def base_url_option(kind: str, option: str | None, pasted_base: str | None, default: str) -> str:
    """The explicit `base_url` option, else the pasted URL's host, else the public service."""
    chosen = (option or pasted_base or default).rstrip("/")
    if not chosen.startswith(("http://", "https://")):
        raise ChannelConfigError(kind, "base_url", "必须以 http:// 或 https:// 开头")
    return chosen


# Names an office's own DNS keeps inside (RFC 6762, 8375 and common intranet practice).
INTRANET_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".intra", ".corp", ".home.arpa")


def cleartext_to_public(base_url: str) -> bool:
    """True when `base_url` is http:// to a host that is not known to be private (loopback, LAN, intranet name)."""
    parts = urlsplit(base_url)
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    if host == "localhost" or "." not in host or host.endswith(INTRANET_SUFFIXES):
        return False
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except OSError:
        return True  # cannot show it is private: the key would travel in the clear to who knows where
    return any(ipaddress.ip_address(address.split("%")[0]).is_global for address in found)


def webhook_field(example: str, **where) -> ConfigField:
    """A robot's target: the Webhook address as pasted (or its bare token), a credential."""
    return ConfigField(TARGET, "Webhook 地址", f"机器人设置页中复制的完整 Webhook 地址（{example}），或 ${{环境变量}}",
                       lambda kind, value: parse_webhook(kind, value, **where), secret=True, required=True)


MENTIONS = ConfigField("mentions", "@手机号", "机器人消息要 @ 的同志手机号（11 位），或 @all；可写多个", valid_mobiles,
                       many=True)
