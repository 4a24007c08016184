"""DingTalk custom robot (钉钉自定义机器人), signed (加签).

Setup (the admin): group → 群设置 → 机器人 → 添加机器人 → 自定义 → 安全设置 → 加签;
copy the secret (starts with SEC) into the contact's `secret` option, and the Webhook
address (https://oapi.dingtalk.com/robot/send?access_token=…) as its target.

Each request is signed: timestamp in milliseconds, HMAC-SHA256 keyed by the secret
over f"{timestamp}\\n{secret}", base64, URL-encoded into the query. Mentions by mobile
go in `at.atMobiles` and must also appear as "@mobile" in the text to render.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from bot.notify.base import TARGET, ChannelConfigError, ConfigField, Message, Outcome, mask
from bot.notify.render import without_colour
from bot.notify.robot import MENTION_ALL, MENTIONS, RobotChannel, base_url_option, webhook_field
from bot.notify.split import split_message, utf8_len

PUBLIC_BASE = "https://oapi.dingtalk.com"
SEND_PATH = "/robot/send"
# DingTalk documents no byte limit for markdown; stay at WeCom's proven 4,096.
MARKDOWN_LIMIT = 4096

CODES: dict[int, Outcome] = {
    -1: Outcome("钉钉系统繁忙", permanent=False, retry_after=60),
    130101: Outcome("发送太频繁，机器人被限流 10 分钟", permanent=False, retry_after=600),
    310000: Outcome("签名不匹配、关键词不符或 IP 不在白名单，请核对加签密钥和安全设置", permanent=True),
    300001: Outcome("机器人令牌不存在，请重新复制 Webhook 地址", permanent=True),
    400402: Outcome("缺少 markdown 标题（程序缺陷，请报告）", permanent=True),
}


def signing_secret(kind: str, value) -> str:
    secret = str(value or "").strip()
    if secret and not secret.startswith("SEC"):
        raise ChannelConfigError(kind, "secret", "加签密钥应以 SEC 开头，请在机器人安全设置中重新复制")
    return secret


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


class DingTalkChannel(RobotChannel):
    kind = "dingtalk"
    label = "钉钉自定义机器人"
    fields = (
        webhook_field(f"{PUBLIC_BASE}{SEND_PATH}?access_token=…", query="access_token"),
        ConfigField("secret", "加签密钥", "机器人安全设置“加签”中以 SEC 开头的密钥，建议写成 ${环境变量}", signing_secret,
                    secret=True),
        MENTIONS,
    )
    codes = CODES

    def __init__(self, target: str, *, secret: str | None = None, base_url: str | None = None,
                 mentions=None, **robot_options):
        pasted_base, self.token = self.parse_field(TARGET, target)
        self.base_url = base_url_option(self.kind, base_url, pasted_base, PUBLIC_BASE)
        self.secret = self.parse_field("secret", secret)
        self.mentions = self.parse_field("mentions", mentions)
        super().__init__(self.token, **robot_options)

    def endpoint(self) -> str:
        url = f"{self.base_url}{SEND_PATH}?access_token={self.token}"
        if self.secret:
            timestamp = int(time.time() * 1000)
            url += f"&timestamp={timestamp}&sign={sign(self.secret, timestamp)}"
        return url

    def payloads(self, message: Message) -> list[dict]:
        wanted = list(dict.fromkeys(self.mentions + tuple(message.mentions)))
        mobiles = [m for m in wanted if m != MENTION_ALL]
        at_all = MENTION_ALL in wanted
        at_line = " ".join(f"@{m}" for m in mobiles) + (" @所有人" if at_all else "")
        at_line = f"\n\n{at_line.strip()}" if wanted else ""
        parts = split_message(without_colour(message.markdown), MARKDOWN_LIMIT - utf8_len(at_line))
        parts[-1] += at_line
        last = len(parts) - 1
        return [
            {
                "msgtype": "markdown",
                "markdown": {"title": message.subject, "text": part},
                "at": {"atMobiles": mobiles if i == last else [], "isAtAll": at_all and i == last},
            }
            for i, part in enumerate(parts)
        ]

    def secrets(self) -> tuple[str, ...]:
        return (self.token, self.secret)

    def describe(self) -> str:
        signed = "，已加签" if self.secret else ""
        return f"dingtalk:access_token={mask(self.token)}{signed}"
