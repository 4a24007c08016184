"""WeCom group robot (企业微信群机器人).

Setup (the admin): in the WeCom group, 群设置 → 消息推送（群机器人）→ 添加 → copy the
Webhook address and paste it as the contact's target, whole:

    https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa
                                                         ^^^ the key is the only credential

The bare key works too. `base_url` points at a private deployment or a test server.

Sending: the digest goes as `markdown` (≤ 4,096 bytes a message, split into numbered
parts), then each attachment as a `file` message (uploaded first through upload_media,
multipart, ≤ 20 MB; the media_id it returns is valid three days, so every attempt uploads
afresh), then, if anyone must be @mentioned by mobile, one short `text` message with
`mentioned_mobile_list` (only text messages can @ by mobile; ≤ 2,048 bytes). Every
message, and every upload, counts against the robot's 20 a minute.
"""
from __future__ import annotations

from bot.notify import http
from bot.notify.base import TARGET, Attachment, ChannelError, Message, Outcome, mask
from bot.notify.robot import MENTIONS, RobotChannel, base_url_option, webhook_field
from bot.notify.split import split_message, truncate_utf8

PUBLIC_BASE = "https://qyapi.weixin.qq.com"
SEND_PATH = "/cgi-bin/webhook/send"
UPLOAD_PATH = "/cgi-bin/webhook/upload_media"
FILE_LIMIT = 20 * 1024 * 1024  # upload_media takes 5 B to 20 MB
UPLOAD = "upload"  # a file payload's attachment, replaced by its media_id just before posting
MARKDOWN_LIMIT = 4096
TEXT_LIMIT = 2048

ADMIN_MUST_ACT = "请管理员在群里重新添加机器人，并更新联系方式中的 Webhook 地址"

# Codes from the WeCom 全局错误码 page (see docs/channels.md for what the admin does).
CODES: dict[int, Outcome] = {
    -1: Outcome("企业微信系统繁忙", permanent=False, retry_after=60),
    45009: Outcome("超过机器人发送频率限制（每分钟 20 条）", permanent=False, retry_after=60),
    45033: Outcome("接口并发调用超过限制", permanent=False, retry_after=30),
    93000: Outcome(f"机器人 Webhook 地址无效或机器人已被移出群，{ADMIN_MUST_ACT}", permanent=True),
    93004: Outcome(f"机器人已被停用，{ADMIN_MUST_ACT}", permanent=True),
    93008: Outcome(f"机器人已不在群里，{ADMIN_MUST_ACT}", permanent=True),
    40008: Outcome("消息类型不合法（程序缺陷，请报告）", permanent=True),
    40058: Outcome("参数不合法，消息可能超长（程序缺陷，请报告）", permanent=True),
    44004: Outcome("消息内容为空", permanent=True),
    45002: Outcome("消息内容超过大小限制（程序缺陷，请报告）", permanent=True),
}


class WeComChannel(RobotChannel):
    kind = "wecom"
    label = "企业微信群机器人"
    fields = (webhook_field(f"{PUBLIC_BASE}{SEND_PATH}?key=…", query="key"), MENTIONS)
    codes = CODES
    files = True

    def __init__(self, target: str, *, base_url: str | None = None, mentions=None, **robot_options):
        pasted_base, self.key = self.parse_field(TARGET, target)
        self.base_url = base_url_option(self.kind, base_url, pasted_base, PUBLIC_BASE)
        self.mentions = self.parse_field("mentions", mentions)
        super().__init__(self.key, **robot_options)

    def endpoint(self) -> str:
        return f"{self.base_url}{SEND_PATH}?key={self.key}"

    def payloads(self, message: Message) -> list[dict]:
        parts = [
            {"msgtype": "markdown", "markdown": {"content": part}}
            for part in split_message(message.markdown, MARKDOWN_LIMIT)
        ]
        parts += [{"msgtype": "file", UPLOAD: attachment} for attachment in message.attachments]
        mobiles = list(dict.fromkeys(self.mentions + tuple(message.mentions)))
        if mobiles:
            notice = truncate_utf8(message.notice or message.subject, TEXT_LIMIT)
            parts.append({"msgtype": "text", "text": {"content": notice, "mentioned_mobile_list": mobiles}})
        return parts

    def prepare(self, payload: dict) -> dict:
        if UPLOAD not in payload:
            return payload
        return {"msgtype": "file", "file": {"media_id": self._upload(payload[UPLOAD])}}

    def _upload(self, attachment: Attachment) -> str:
        """The media_id of `attachment`, uploaded under its own slot of the robot's budget."""
        if not 5 <= len(attachment.content) <= FILE_LIMIT:
            raise ChannelError(f"文件《{attachment.filename}》大小 {len(attachment.content)} 字节，"
                               "企业微信群机器人只能发送 5 字节到 20 MB 的文件", permanent=True)
        wait = self.limiter.acquire(self.throttle_key)
        if wait > 0:
            self.sleep(wait)
        reply = http.post_file(f"{self.base_url}{UPLOAD_PATH}?key={self.key}&type=file", "media",
                               attachment.filename, attachment.content, attachment.mime, self.timeout)
        self.check(reply)
        media_id = reply.body.get("media_id") if isinstance(reply.body, dict) else None
        if not media_id:
            raise ChannelError("上传文件的应答中没有 media_id，无法发送文件", retry_after=60)
        return str(media_id)

    def secrets(self) -> tuple[str, ...]:
        return (self.key,)

    def describe(self) -> str:
        host = "" if self.base_url == PUBLIC_BASE else f"@{self.base_url.split('://', 1)[1]}"
        return f"wecom:key={mask(self.key)}{host}"
