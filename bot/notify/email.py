"""Email over SMTP: implicit TLS (465), STARTTLS (587) or a plain intranet relay (25).

Setup (the admin): the contact's target is one or more addresses ("a@x.cn, b@x.cn");
options `host`, `port`, `mode` (ssl | starttls | plain), `username`, `sender`,
`ca_file` (a private CA's bundle), `allow_plain_auth`, `timeout`. Unset options fall back
to the environment: DUBAN_SMTP_HOST, _PORT, _MODE, _USER, _SENDER, _CA_FILE,
_ALLOW_PLAIN_AUTH (contacts.yaml then only needs the addresses). Logging in over `plain`
would send the password in the clear: it is refused unless explicitly allowed. The password is never in the configuration: it is read from the
environment variable named by `password_env` (default DUBAN_SMTP_PASSWORD). For 163/QQ mail it is the 授权码, not the login password.

A refused recipient is a permanent failure for that address only: the others are
still delivered and the result lists the refused ones. `timeout` bounds each socket
operation and, as a total deadline, the whole session (a server answering a byte at a
time would otherwise hold the sender past the message's lease).
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from bot.envfile import where_to_set
from bot.notify import deadline
from bot.notify.base import TARGET, Channel, ChannelConfigError, ChannelError, ConfigField, DeliveryResult, Message
from bot.notify.http import DEFAULT_TIMEOUT

MODES = {"ssl": 465, "starttls": 587, "plain": 25}
ENV_PREFIX = "DUBAN_SMTP_"
DEFAULT_PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
SENDER_NAME = "督办提醒"
NETWORK_RETRY_AFTER = 60.0

_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def addresses(kind: str, target) -> tuple[str, ...]:
    """The recipients of `target`: one address, several separated by commas (either width) or spaces, or a list."""
    items = target if isinstance(target, (list, tuple)) else re.split(r"[,;，；\s]+", str(target or ""))
    found = tuple(dict.fromkeys(a.strip() for a in items if a and a.strip()))
    if not found:
        raise ChannelConfigError(kind, "target", "没有收件地址：请填写一个或多个邮箱，用逗号分隔")
    for address in found:
        if not _ADDRESS.fullmatch(address):
            raise ChannelConfigError(kind, "target", f"“{address}”不是有效的邮箱地址")
    return found


def _setting(value, name: str) -> str:
    """An option as configured, else the DUBAN_SMTP_<NAME> environment variable, else ""."""
    if value not in (None, ""):
        return str(value).strip()
    return os.environ.get(ENV_PREFIX + name.upper(), "").strip()


class _Watched(smtplib.SMTP):
    """An SMTP session the deadline's watchdog can cut from the greeting on (connect() makes `sock`)."""

    def __init__(self, limit: deadline.Deadline, *args, **kwargs):
        limit.connection = self
        super().__init__(*args, **kwargs)


class _WatchedSSL(smtplib.SMTP_SSL):
    def __init__(self, limit: deadline.Deadline, *args, **kwargs):
        limit.connection = self
        super().__init__(*args, **kwargs)


def _flag(value, name: str) -> bool:
    return _setting(value, name).lower() in ("1", "true", "yes", "on")


class EmailChannel(Channel):
    kind = "email"
    label = "邮件"
    files = True
    fields = (ConfigField(TARGET, "收件地址", "一个或多个邮箱，用逗号分隔；SMTP 服务器在环境变量 DUBAN_SMTP_* 中设置",
                          addresses, required=True),)

    def __init__(
        self,
        target,
        *,
        host: str | None = None,
        port: int | str | None = None,
        mode: str | None = None,
        username: str | None = None,
        password_env: str = DEFAULT_PASSWORD_ENV,
        sender: str | None = None,
        ca_file: str | None = None,
        allow_plain_auth: bool | str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self.recipients = self.parse_field(TARGET, target)
        self.mode = _setting(mode, "mode") or "starttls"
        if self.mode not in MODES:
            raise ChannelConfigError(self.kind, "mode", f"“{self.mode}”无效，可选 ssl（465）、starttls（587）、plain（内网中继）")
        self.host = _setting(host, "host")
        if not self.host:
            raise ChannelConfigError(self.kind, "host", f"未设置 SMTP 服务器：填写 host 或环境变量 {ENV_PREFIX}HOST")
        raw_port = _setting(port, "port") or str(MODES[self.mode])
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise ChannelConfigError(self.kind, "port", "端口应为 1–65535 之间的整数")
        self.port = int(raw_port)
        self.username = _setting(username, "user")
        self._password = os.environ.get(password_env, "") if self.username else ""
        if self.username and not self._password:
            raise ChannelConfigError(
                self.kind, "password_env", f"已设置登录用户名，但环境变量 {password_env}（密码或授权码）为空：{where_to_set(password_env)}"
            )
        if self.username and self.mode == "plain" and not _flag(allow_plain_auth, "allow_plain_auth"):
            raise ChannelConfigError(
                self.kind, "mode",
                "plain 方式不加密，登录会把用户名和密码明文发出：请改用 ssl 或 starttls；内网中继不需要登录时去掉用户名"
                f"（确实只能明文登录的封闭内网，可设置 {ENV_PREFIX}ALLOW_PLAIN_AUTH=true 明确允许）",
            )
        if not self._password.isascii():
            raise ChannelConfigError(self.kind, "password_env", f"环境变量 {password_env} 中的密码含有非 ASCII 字符，SMTP 无法使用")
        self.sender = _setting(sender, "sender") or (self.username if _ADDRESS.fullmatch(self.username) else "")
        if not self.sender:
            raise ChannelConfigError(self.kind, "sender", f"未设置发件地址：填写 sender 或环境变量 {ENV_PREFIX}SENDER")
        if not _ADDRESS.fullmatch(self.sender):
            raise ChannelConfigError(self.kind, "sender", f"发件地址“{self.sender}”不是有效的邮箱地址")
        self.ca_file = _setting(ca_file, "ca_file") or None
        if self.ca_file and not os.path.isfile(self.ca_file):
            raise ChannelConfigError(self.kind, "ca_file", f"找不到证书文件 {self.ca_file}")
        self.timeout = float(timeout)

    def build(self, message: Message) -> EmailMessage:
        """The MIME message: Chinese subject (RFC 2047), text plus HTML, Message-ID, Date, then the attachments."""
        mail = EmailMessage()
        local, _, domain = self.sender.partition("@")
        mail["Subject"] = message.subject
        mail["From"] = Address(SENDER_NAME, local, domain)
        mail["To"] = ", ".join(self.recipients)
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain=domain)
        mail.set_content(message.text)
        html = message.html or f"<pre style=\"font-family: sans-serif\">{escape(message.text)}</pre>"
        mail.add_alternative(html, subtype="html")
        for attachment in message.attachments:
            maintype, _, subtype = attachment.mime.partition("/")
            mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
        return mail

    def _connect(self, limit: deadline.Deadline) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.mode == "ssl":
            return _WatchedSSL(limit, self.host, self.port, timeout=self.timeout, context=context)
        smtp = _Watched(limit, self.host, self.port, timeout=self.timeout)
        if self.mode == "starttls":
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _deliver(self, message: Message) -> DeliveryResult:
        mail = self.build(message)
        limit = deadline.start(self.timeout)  # the whole session, like a robot's request (bot.notify.deadline)
        try:
            with self._connect(limit) as smtp:
                if self.username:
                    smtp.login(self.username, self._password)
                refused = smtp.send_message(mail, from_addr=self.sender, to_addrs=list(self.recipients))
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc, limit) from None
        finally:
            limit.finish()
        reasons = {addr: _reply(code, text) for addr, (code, text) in refused.items()}
        delivered = len(self.recipients) - len(reasons)
        detail = f"已投递 {delivered} 个地址"
        if reasons:
            detail += f"；被拒收 {len(reasons)} 个：{_listing(reasons)}"
        return DeliveryResult(ok=True, detail=self.scrub(detail), parts_sent=1, refused=reasons)

    def _failure(self, exc: BaseException, limit: deadline.Deadline) -> ChannelError:
        if limit.cut_off:
            return ChannelError(f"发送超时（{self.timeout:g} 秒内未完成）", retry_after=NETWORK_RETRY_AFTER)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            reasons = {addr: _reply(code, text) for addr, (code, text) in exc.recipients.items()}
            return ChannelError(f"所有收件地址都被拒收：{_listing(reasons)}", permanent=True)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return ChannelError("SMTP 登录失败：用户名或密码（授权码）错误", permanent=True)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            missing = "登录（AUTH）：请去掉 username，或改用加密方式" if "AUTH" in str(exc) else "STARTTLS：请改用 mode: ssl 或 plain"
            return ChannelError(f"服务器不支持{missing}", permanent=True)
        if isinstance(exc, smtplib.SMTPResponseException):
            said = "发件地址被拒绝" if isinstance(exc, smtplib.SMTPSenderRefused) else "服务器拒绝"
            return ChannelError(f"{said}：{_reply(exc.smtp_code, exc.smtp_error)}", permanent=exc.smtp_code >= 500,
                                retry_after=NETWORK_RETRY_AFTER)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return ChannelError("服务器证书校验失败：内网自签证书请设置 ca_file", permanent=True, environment=True)
        return ChannelError(f"连接 SMTP 服务器失败（{type(exc).__name__}）", retry_after=NETWORK_RETRY_AFTER)

    def secrets(self) -> tuple[str, ...]:
        return (self._password,)

    def describe(self) -> str:
        login = f"{self.username}@" if self.username else ""
        shown = self.recipients[0] + (f" 等 {len(self.recipients)} 个地址" if len(self.recipients) > 1 else "")
        return f"email:{shown} via {self.mode}://{login}{self.host}:{self.port}"


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {said}".strip()


def _listing(reasons: dict[str, str]) -> str:
    return "；".join(f"{addr}（{why}）" for addr, why in reasons.items())
