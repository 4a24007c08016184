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

from bot.notify.base import ChannelConfigError, Message, mask
from bot.notify.render import without_colour
from bot.notify.robot import MENTION_ALL, Outcome, RobotChannel, base_url_option, parse_webhook, valid_mobiles
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


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


class DingTalkChannel(RobotChannel):
    kind = "dingtalk"
    codes = CODES

    def __init__(self, target: str, *, secret: str | None = None, base_url: str | None = None,
                 mentions=None, **robot_options):
        pasted_base, self.token = parse_webhook(self.kind, target, query="access_token")
        self.base_url = base_url_option(self.kind, base_url, pasted_base, PUBLIC_BASE)
        self.secret = (secret or "").strip()
        if self.secret and not self.secret.startswith("SEC"):
            raise ChannelConfigError(self.kind, "secret", "加签密钥应以 SEC 开头，请在机器人安全设置中重新复制")
        self.mentions = valid_mobiles(self.kind, mentions)
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
