"""DingTalk and Feishu robots: the test server recomputes each HMAC signature itself."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from bot.errors import DubanError
from bot.notify import NoLimit, channel_for
from bot.notify.base import Message
from tests.support.loopback import LoopbackRobot, Reply

DING_TOKEN = "1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
DING_SECRET = "SECb1a2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d"
FEISHU_TOKEN = "2a3b4c5d-6e7f-8091-a2b3-c4d5e6f70819"
FEISHU_SECRET = "mJ3aR9sKq2LpX7vWn4TdYe"

MESSAGE = Message(
    unit="保护处",
    subject="督办提醒｜保护处：1 项时间节点",
    markdown='### 督办提醒｜保护处\n**1. 任务3** <font color="warning">已逾期 2 天</font>\n> 事项：组织检查',
    text="督办提醒",
)


def dingtalk_verdict(received):
    """DingTalk's check, written from its documentation: ms timestamp, secret as key."""
    timestamp = received.query.get("timestamp", "")
    expected = base64.b64encode(
        hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = timestamp.isdigit() and abs(int(timestamp) - time.time() * 1000) < 3_600_000
    if received.query.get("sign") != expected or not fresh:
        return Reply({"errcode": 310000, "errmsg": "sign not match"})
    return None


def feishu_verdict(received):
    """Feishu's check: seconds, f"{ts}\\n{secret}" as the HMAC KEY over an empty message."""
    timestamp = str(received.body.get("timestamp", ""))
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    fresh = timestamp.isdigit() and abs(int(timestamp) - time.time()) < 3600
    if received.body.get("sign") != expected or not fresh:
        return Reply({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
    return None


def dingtalk(url, secret=DING_SECRET, **options):
    return channel_for("dingtalk", f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}",
                       secret=secret, base_url=url, limiter=NoLimit(), **options)


def feishu(url, secret=FEISHU_SECRET):
    return channel_for("feishu", f"https://open.feishu.cn/open-apis/bot/v2/hook/{FEISHU_TOKEN}",
                       secret=secret, base_url=url, limiter=NoLimit())


def test_dingtalk_signs_each_request_as_the_server_expects():
    with LoopbackRobot(responder=dingtalk_verdict) as robot:
        result = dingtalk(robot.url).send(MESSAGE)
        assert result.ok, result.detail
        [request] = robot.received
    assert request.path == "/robot/send" and request.query["access_token"] == DING_TOKEN
    assert request.body["msgtype"] == "markdown"
    assert request.body["markdown"]["title"] == MESSAGE.subject
    assert "**已逾期 2 天**" in request.body["markdown"]["text"]
    assert "<font" not in request.body["markdown"]["text"]


def test_dingtalk_with_the_wrong_secret_is_a_permanent_failure():
    with LoopbackRobot(responder=dingtalk_verdict) as robot:
        result = dingtalk(robot.url, secret="SEC" + "0" * 64).send(MESSAGE)
    assert (result.ok, result.permanent, result.errcode) == (False, True, 310000)
    assert "加签密钥" in result.detail


def test_dingtalk_mentions_mobiles_in_at_and_in_the_text(robot):
    dingtalk(robot.url, mentions=["13800000001"]).send(MESSAGE)
    [request] = robot.received
    assert request.body["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}
    assert request.body["markdown"]["text"].endswith("@13800000001")


def test_dingtalk_turns_at_all_into_is_at_all(robot):
    dingtalk(robot.url, mentions=["@all", "13800000001"]).send(MESSAGE)
    [request] = robot.received
    assert request.body["at"] == {"atMobiles": ["13800000001"], "isAtAll": True}
    assert request.body["markdown"]["text"].endswith("@13800000001 @所有人")


def test_feishu_signs_the_body_as_the_server_expects():
    with LoopbackRobot(responder=feishu_verdict) as robot:
        result = feishu(robot.url).send(MESSAGE)
        assert result.ok, result.detail
        [request] = robot.received
    assert request.path == f"/open-apis/bot/v2/hook/{FEISHU_TOKEN}"
    assert request.body["msg_type"] == "interactive"
    card = request.body["card"]
    assert card["header"]["title"]["content"] == MESSAGE.subject
    assert card["elements"][0]["tag"] == "markdown"
    assert "**已逾期 2 天**" in card["elements"][0]["content"]


def test_feishu_with_the_wrong_secret_is_a_permanent_failure():
    with LoopbackRobot(responder=feishu_verdict) as robot:
        result = feishu(robot.url, secret="wrong-secret").send(MESSAGE)
    assert (result.ok, result.permanent, result.errcode) == (False, True, 19021)


# (channel maker, answer, ok, permanent, retry_after at least)
ERROR_CODES = [
    pytest.param(dingtalk, {"errcode": 130101, "errmsg": "send too fast"}, False, 600, id="dingtalk 130101 waits 10 min"),
    pytest.param(dingtalk, {"errcode": 300001, "errmsg": "token is not exist"}, True, None, id="dingtalk 300001"),
    pytest.param(dingtalk, {"errcode": 310000, "errmsg": "keywords not in content"}, True, None, id="dingtalk 310000"),
    pytest.param(feishu, {"code": 11232, "msg": "frequency limited"}, False, 60, id="feishu 11232 is retried"),
    pytest.param(feishu, {"code": 9499, "msg": "Bad Request"}, True, None, id="feishu 9499"),
    pytest.param(feishu, {"code": 19022, "msg": "Ip Not Allowed"}, True, None, id="feishu 19022"),
    pytest.param(feishu, {"code": 19024, "msg": "Key Words Not Found"}, True, None, id="feishu 19024"),
    pytest.param(feishu, {"StatusCode": 0, "StatusMessage": "success"}, None, None, id="feishu legacy success"),
]


@pytest.mark.parametrize("make, answer, permanent, retry_at_least", ERROR_CODES)
def test_robots_classify_their_error_codes(robot, make, answer, permanent, retry_at_least):
    robot.script(Reply(answer))
    result = make(robot.url).send(MESSAGE)
    if permanent is None:
        assert result.ok
        return
    assert not result.ok and result.permanent == permanent
    assert result.retry_after == retry_at_least or result.retry_after >= retry_at_least


@pytest.mark.parametrize("kind, target, options, field_name", [
    ("dingtalk", DING_TOKEN, {"secret": "not-sec"}, "secret"),
    ("dingtalk", "https://oapi.dingtalk.com/robot/send?token=x", {}, "target"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/", {}, "target"),
    ("feishu", FEISHU_TOKEN, {"mentions": ["13800000001"]}, "mentions"),
])
def test_robots_reject_bad_configuration_naming_the_field(kind, target, options, field_name):
    with pytest.raises(DubanError) as caught:
        channel_for(kind, target, **options)
    assert f"字段 {field_name}" in caught.value.message


def test_robots_accept_the_bare_token():
    assert channel_for("dingtalk", DING_TOKEN).token == DING_TOKEN
    assert channel_for("feishu", FEISHU_TOKEN).token == FEISHU_TOKEN


def test_dingtalk_url_encodes_signatures_containing_plus_and_slash():
    from urllib.parse import parse_qs

    from bot.notify.dingtalk import sign

    for timestamp in range(1_700_000_000_000, 1_700_000_000_040):
        raw = base64.b64encode(
            hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        ).decode()
        assert parse_qs(f"sign={sign(DING_SECRET, timestamp)}")["sign"] == [raw]
