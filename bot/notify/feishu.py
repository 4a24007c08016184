"""Feishu / Lark custom bot (飞书自定义机器人), signed (签名校验).

Setup (the admin): group → 设置 → 群机器人 → 添加机器人 → 自定义机器人; copy the
Webhook address (https://open.feishu.cn/open-apis/bot/v2/hook/…) as the target and,
under 安全设置 → 签名校验, the secret into the contact's `secret` option. Lark
(international) works with `base_url: https://open.larksuite.com`.

Signing differs from DingTalk: timestamp in seconds, f"{timestamp}\\n{secret}" is the
HMAC-SHA256 KEY over an empty message, base64, and both go in the JSON body.
A custom bot cannot @ by mobile (it needs Feishu user ids), so no `mentions` here.
The digest goes as an interactive card with a markdown element.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from bot.notify.base import TARGET, ChannelConfigError, ConfigField, Message, Outcome, mask
from bot.notify.render import without_colour
from bot.notify.robot import RobotChannel, base_url_option, webhook_field
from bot.notify.split import split_message

PUBLIC_BASE = "https://open.feishu.cn"
HOOK_MARKER = "/open-apis/bot/v2/hook/"
# A request body may be 20 KB; keep each card's markdown well inside it.
MARKDOWN_LIMIT = 12_000

NO_MENTIONS = "飞书自定义机器人不能按手机号 @ 人，请删除该字段"

CODES: dict[int, Outcome] = {
    9499: Outcome("请求格式错误或超过 20 KB（程序缺陷，请报告）", permanent=True),
    11232: Outcome("飞书系统限流", permanent=False, retry_after=60),
    19001: Outcome("机器人令牌无效，请重新复制 Webhook 地址", permanent=True),
    19021: Outcome("签名校验失败或服务器时间相差超过 1 小时，请核对签名密钥", permanent=True),
    19022: Outcome("IP 不在机器人的白名单中", permanent=True),
    19024: Outcome("消息中没有机器人安全设置要求的关键词", permanent=True),
}


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


class FeishuChannel(RobotChannel):
    kind = "feishu"
    label = "飞书自定义机器人"
    code_fields = ("code", "StatusCode")
    message_fields = ("msg", "StatusMessage")
    fields = (
        webhook_field(f"{PUBLIC_BASE}{HOOK_MARKER}…", path_marker=HOOK_MARKER),
        ConfigField("secret", "签名密钥", "机器人安全设置“签名校验”中的密钥，建议写成 ${环境变量}",
                    lambda kind, value: str(value or "").strip(), secret=True),
    )
    codes = CODES

    def __init__(self, target: str, *, secret: str | None = None, base_url: str | None = None, mentions=None,
                 **robot_options):
        if mentions:
            raise ChannelConfigError(self.kind, "mentions", NO_MENTIONS)
        pasted_base, self.token = self.parse_field(TARGET, target)
        self.base_url = base_url_option(self.kind, base_url, pasted_base, PUBLIC_BASE)
        self.secret = self.parse_field("secret", secret)
        super().__init__(self.token, **robot_options)

    def endpoint(self) -> str:
        return f"{self.base_url}{HOOK_MARKER}{self.token}"

    def prepare(self, payload: dict) -> dict:
        if not self.secret:
            return payload
        timestamp = int(time.time())
        return {"timestamp": str(timestamp), "sign": sign(self.secret, timestamp), **payload}

    def payloads(self, message: Message) -> list[dict]:
        return [
            {
                "msg_type": "interactive",
                "card": {
                    "header": {"title": {"tag": "plain_text", "content": message.subject}},
                    "elements": [{"tag": "markdown", "content": part}],
                },
            }
            for part in split_message(without_colour(message.markdown), MARKDOWN_LIMIT)
        ]

    def secrets(self) -> tuple[str, ...]:
        return (self.token, self.secret)

    def describe(self) -> str:
        signed = "，已签名" if self.secret else ""
        return f"feishu:hook={mask(self.token)}{signed}"
