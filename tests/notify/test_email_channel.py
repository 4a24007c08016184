"""The email channel against a real SMTP server (aiosmtpd) on loopback, parsed back."""
from __future__ import annotations

import email
from datetime import date
from email import policy
from email.utils import parsedate_to_datetime

import pytest
from tests.notify.conftest import REFUSED_ADDRESS, SMTP_PASSWORD, SMTP_USER, free_port, start_smtp

from bot.errors import DubanError
from bot.notify import ReminderItem, channel_for, render_digest

ITEM = ReminderItem("保护处", 3, "提升试点示范建设引领带动作用", "深入指导福州市高标准建设国家知识产权保护示范区",
                    date(2024, 6, 30), -2, "2024年福建省推动知识产权高质量发展任务清单", "3-1")
MESSAGE = render_digest("保护处", [ITEM], date(2024, 7, 2), "python -m bot done {milestone} --unit {unit}")


@pytest.fixture(autouse=True)
def smtp_password(clean_smtp_environment, monkeypatch):
    monkeypatch.setenv("DUBAN_SMTP_PASSWORD", SMTP_PASSWORD)


def mail_channel(port, target="a@example.gov.cn", **options):
    options = {"host": "127.0.0.1", "port": port, "mode": "plain", "sender": SMTP_USER, **options}
    return channel_for("email", target, **options)


def mail_config_error(target, **options) -> str:
    with pytest.raises(DubanError) as caught:
        channel_for("email", target, **{"host": "127.0.0.1", "mode": "plain", "sender": SMTP_USER, **options})
    return caught.value.message


def parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=policy.default)


def test_it_sends_a_mime_message_with_a_chinese_subject_and_both_parts(smtp_plain):
    port, mailbox = smtp_plain
    result = mail_channel(port, username=SMTP_USER, allow_plain_auth=True).send(MESSAGE)
    assert result.ok and result.refused == {}, result.detail
    [envelope] = mailbox.envelopes
    raw_headers = envelope.original_content.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in raw_headers.lower()  # RFC 2047 encoded on the wire
    mail = parsed(envelope)
    assert mail["Subject"] == MESSAGE.subject == "督办提醒｜保护处：1 项时间节点，1 项已逾期"
    assert mail["From"].addresses[0].display_name == "督办提醒"
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@example.gov.cn>")
    assert parsedate_to_datetime(mail["Date"]).year >= 2024
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "已逾期 2 天" in plain and "python -m bot done 3-1 --unit 保护处" in plain
    assert "已逾期 2 天" in html and "<ol>" in html


def test_it_delivers_to_every_recipient(smtp_plain):
    port, mailbox = smtp_plain
    result = mail_channel(port, "a@example.gov.cn; b@example.gov.cn，c@example.gov.cn").send(MESSAGE)
    assert result.ok
    assert mailbox.envelopes[0].rcpt_tos == ["a@example.gov.cn", "b@example.gov.cn", "c@example.gov.cn"]


def test_a_refused_recipient_fails_alone_and_the_others_still_get_it(smtp_plain):
    port, mailbox = smtp_plain
    result = mail_channel(port, ["a@example.gov.cn", REFUSED_ADDRESS, "b@example.gov.cn"]).send(MESSAGE)
    assert result.ok
    assert list(result.refused) == [REFUSED_ADDRESS] and "550" in result.refused[REFUSED_ADDRESS]
    assert "被拒收 1 个" in result.detail and REFUSED_ADDRESS in result.detail
    assert mailbox.envelopes[0].rcpt_tos == ["a@example.gov.cn", "b@example.gov.cn"]


def test_when_every_recipient_is_refused_it_is_a_permanent_failure(smtp_plain):
    port, mailbox = smtp_plain
    result = mail_channel(port, REFUSED_ADDRESS).send(MESSAGE)
    assert not result.ok and result.permanent and REFUSED_ADDRESS in result.detail
    assert mailbox.envelopes == []


def test_a_wrong_password_is_a_permanent_failure(smtp_plain, monkeypatch):
    port, _ = smtp_plain
    monkeypatch.setenv("DUBAN_SMTP_PASSWORD", "wrong")
    result = mail_channel(port, username=SMTP_USER, allow_plain_auth=True).send(MESSAGE)
    assert not result.ok and result.permanent and "授权码" in result.detail


def test_plain_mode_refuses_to_log_in_unless_explicitly_allowed(smtp_plain, monkeypatch):
    """F10: AUTH over an unencrypted connection sends the password in the clear."""
    port, mailbox = smtp_plain
    problem = mail_config_error("a@example.gov.cn", port=port, username=SMTP_USER)
    assert "字段 mode" in problem and "明文" in problem and "DUBAN_SMTP_ALLOW_PLAIN_AUTH" in problem
    assert SMTP_PASSWORD not in problem
    monkeypatch.setenv("DUBAN_SMTP_ALLOW_PLAIN_AUTH", "true")  # a closed relay that only takes plain logins
    assert mail_channel(port, username=SMTP_USER).send(MESSAGE).ok
    assert len(mailbox.envelopes) == 1


def test_plain_mode_without_a_login_is_an_intranet_relay_and_is_accepted(smtp_plain):
    port, mailbox = smtp_plain
    assert mail_channel(port).send(MESSAGE).ok and len(mailbox.envelopes) == 1


def test_a_server_that_is_not_there_is_a_retryable_failure():
    result = mail_channel(free_port(), timeout=2).send(MESSAGE)
    assert not result.ok and not result.permanent and result.retry_after


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_it_speaks_tls_with_a_private_ca_bundle(tls_files, mode):
    controller, mailbox = start_smtp(mode, tls_files)
    try:
        result = mail_channel(controller.port, mode=mode, username=SMTP_USER, ca_file=str(tls_files[0])).send(MESSAGE)
        assert result.ok, result.detail
        assert parsed(mailbox.envelopes[0])["Subject"] == MESSAGE.subject
    finally:
        controller.stop()


def test_an_untrusted_certificate_is_a_permanent_failure_that_suggests_ca_file(tls_files):
    controller, _ = start_smtp("starttls", tls_files)
    try:
        result = mail_channel(controller.port, mode="starttls").send(MESSAGE)
    finally:
        controller.stop()
    assert not result.ok and result.permanent and "ca_file" in result.detail


@pytest.mark.parametrize("target, options, field_name", [
    ("", {}, "target"),
    ("a@example.gov.cn, not-an-address", {}, "target"),
    ("a@example.gov.cn", {"mode": "tls"}, "mode"),
    ("a@example.gov.cn", {"port": "abc"}, "port"),
    ("a@example.gov.cn", {"username": "u", "password_env": "DUBAN_TEST_UNSET_PASSWORD"}, "password_env"),
    ("a@example.gov.cn", {"sender": None, "username": None}, "sender"),
    ("a@example.gov.cn", {"ca_file": "/nonexistent/ca.pem"}, "ca_file"),
])
def test_it_rejects_bad_configuration_naming_the_field(target, options, field_name, monkeypatch):
    monkeypatch.delenv("DUBAN_SMTP_USER", raising=False)
    assert f"字段 {field_name}" in mail_config_error(target, **options)


def test_host_comes_from_the_environment_when_not_configured(monkeypatch):
    monkeypatch.setenv("DUBAN_SMTP_HOST", "mail.intra.gov.cn")
    monkeypatch.setenv("DUBAN_SMTP_PORT", "2525")
    channel = channel_for("email", "a@example.gov.cn", mode="plain", sender=SMTP_USER)
    assert channel.describe() == "email:a@example.gov.cn via plain://mail.intra.gov.cn:2525"


def test_a_server_that_answers_a_byte_at_a_time_is_cut_at_the_total_deadline():
    """F07 for mail: the socket timeout is per read; the session as a whole gets `timeout` seconds."""
    import socket
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip():
        conn, _ = listener.accept()
        with conn:
            for byte in b"220 mail.example.gov.cn ESMTP slow\r\n":
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    try:
        started = time.monotonic()
        result = mail_channel(listener.getsockname()[1], timeout=0.6).send(MESSAGE)
        took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert not result.ok and not result.permanent and "发送超时（0.6 秒内未完成）" in result.detail
    assert took < 1.5, took
