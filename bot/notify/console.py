"""The console channel: prints the message, clearly marked as not sent.

It lets a newcomer watch the bot work before any robot or mailbox is configured,
and is where reminders go for units without a contact. Whatever a message carries, no
control or bidi character reaches the terminal.
"""
from __future__ import annotations

import sys
import threading
from typing import TextIO

from bot.notify.base import Channel, ChannelConfigError, DeliveryResult, Message
from bot.notify.render import inert_text, visible

BANNER = "【控制台预览·未实际发送】"
_print_lock = threading.Lock()


class ConsoleChannel(Channel):
    kind = "console"
    label = "控制台预览"
    configurable = False  # where reminders go without a contact, never a contact itself

    def __init__(self, target: str = "stdout", *, stream: TextIO | None = None):
        if target not in ("", "-", "stdout"):
            raise ChannelConfigError(self.kind, "target", "控制台渠道只能输出到 stdout（填写 stdout 或留空）")
        self.stream = stream

    def _deliver(self, message: Message) -> DeliveryResult:
        stream = self.stream or sys.stdout
        body = "\n".join(f"┃ {line}" for line in visible(message.text).splitlines())
        mentions = f"\n┃ （将 @ 手机号：{'、'.join(message.mentions)}）" if message.mentions else ""
        block = (
            f"┏━━ {BANNER} 收件单位：{inert_text(message.unit)}\n"
            f"┃ 主题：{inert_text(message.subject)}\n┃\n{body}{mentions}\n"
            f"┗━━ {BANNER}\n"
        )
        with _print_lock:
            stream.write(block)
            stream.flush()
        return DeliveryResult(ok=True, detail="已打印到控制台（未实际发送）", parts_sent=1)

    def describe(self) -> str:
        return "console:stdout"
