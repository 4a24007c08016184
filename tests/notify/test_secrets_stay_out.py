"""Keys, signing secrets and passwords never reach logs (even at DEBUG), results or describe()."""
from __future__ import annotations

import json
import logging

import pytest
from tests.notify.conftest import SMTP_PASSWORD, SMTP_USER

from bot.notify import NoLimit, channel_for
from bot.notify.base import Message
from tests.support.loopback import Reply

WECOM_KEY = "5ec7e7aa-0bad-4c0d-9e11-53c7e75ec7e7"
DING_TOKEN = "d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9d1n9"
DING_SECRET = "SEC5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecret5e"
FEISHU_TOKEN = "fe15hu00-5ec7-4e7a-b0b0-fe15hu5ec7e7"
FEISHU_SECRET = "fe15hu5ecret5igning5ecret"
SECRETS = [WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_TOKEN, FEISHU_SECRET, SMTP_PASSWORD]

MESSAGE = Message(unit="保护处", subject="督办提醒", markdown="### 督办提醒\n正文", text="正文",
                  mentions=("13800000001",))

ROBOTS = [
    ("wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}", {}),
    ("dingtalk", f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}", {"secret": DING_SECRET}),
    ("feishu", f"https://open.feishu.cn/open-apis/bot/v2/hook/{FEISHU_TOKEN}", {"secret": FEISHU_SECRET}),
]
ANSWERS = [
    Reply(),
    Reply({"errcode": 93000, "errmsg": f"invalid webhook url, hint: key={WECOM_KEY}"}),
    Reply({"code": 19021, "msg": f"sign {FEISHU_SECRET} not match"}),
    Reply({"error": "boom"}, status=500),
    Reply(delay=0.5),
]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
            assert secret[:12] not in text


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")  # the CLI quietens it, and an earlier test may have run the CLI
    return caplog


@pytest.mark.parametrize("kind, target, options", ROBOTS, ids=[r[0] for r in ROBOTS])
@pytest.mark.parametrize("answer", ANSWERS, ids=["ok", "93000 echoing the key", "19021 echoing", "500", "timeout"])
def test_robot_secrets_stay_out_of_logs_results_and_describe(robot, debug_logs, kind, target, options, answer):
    robot.script(answer, answer)
    channel = channel_for(kind, target, base_url=robot.url, limiter=NoLimit(), timeout=0.3, **options)
    result = channel.send(MESSAGE)
    assert robot.received, "the request must have been made"
    if not answer.delay:
        assert "HTTP/1.1" in debug_logs.text  # urllib3 logged the request line (masked)
    assert_no_secret(debug_logs.text, json.dumps(result.to_json(), ensure_ascii=False), result.detail,
                     channel.describe(), repr(channel))


def test_an_unreachable_robot_keeps_its_key_out_of_the_error(debug_logs):
    channel = channel_for("wecom", WECOM_KEY, base_url="http://127.0.0.1:9", limiter=NoLimit())
    result = channel.send(MESSAGE)
    assert not result.ok
    assert_no_secret(debug_logs.text, result.detail)


@pytest.mark.parametrize("password", [SMTP_PASSWORD, "wrong-password-123"])
def test_the_smtp_password_stays_out_of_logs_results_and_describe(smtp_plain, debug_logs, monkeypatch, password):
    monkeypatch.setenv("DUBAN_SMTP_PASSWORD", password)
    port, _ = smtp_plain
    channel = channel_for("email", "a@example.gov.cn", host="127.0.0.1", port=port, mode="plain",
                          username=SMTP_USER, allow_plain_auth=True)
    result = channel.send(MESSAGE)
    assert result.ok == (password == SMTP_PASSWORD)
    for text in (debug_logs.text, result.detail, channel.describe(), repr(channel)):
        assert password not in text
