"""The WeCom robot channel against a real HTTP server on loopback."""
from __future__ import annotations

from datetime import date

import pytest

from bot.errors import DubanError
from bot.notify import NoLimit, ReminderItem, channel_for, render_digest
from bot.notify.base import Message
from tests.support.loopback import Reply

KEY = "693a91f6-7aaa-4bc4-97a0-0ec2f1fa5aaa"
DONE = "python -m bot done {milestone} --unit {unit}"


def wecom(robot, **options):
    options.setdefault("limiter", NoLimit())
    return channel_for("wecom", KEY, base_url=robot.url, **options)


def short_message(**fields) -> Message:
    base = dict(unit="保护处", subject="督办提醒｜保护处", markdown="### 督办提醒\n正文", text="正文")
    return Message(**{**base, **fields})


def digest(count: int) -> Message:
    items = [
        ReminderItem("运用处", n, f"第{n}项重点任务的标题比较长，用来撑大消息体积", f"年底前完成第{n}项落实举措的全部工作",
                     date(2024, 12, 31), 10, "2024年福建省推动知识产权高质量发展任务清单", f"{n}-1")
        for n in range(1, count + 1)
    ]
    return render_digest("运用处", items, date(2024, 12, 21), DONE)


# (robot's answer, ok, permanent, retry_after at least, errcode)
ANSWERS = [
    pytest.param(Reply(), True, False, None, None, id="errcode 0 is delivered"),
    pytest.param(Reply({"errcode": 45009, "errmsg": "api freq out of limit"}), False, False, 60, 45009,
                 id="45009 rate limited is retried after a minute"),
    pytest.param(Reply({"errcode": -1, "errmsg": "system busy"}), False, False, 1, -1, id="-1 busy is retried"),
    pytest.param(Reply({"errcode": 45033, "errmsg": "concurrent"}), False, False, 1, 45033, id="45033 is retried"),
    pytest.param(Reply({"errcode": 93000, "errmsg": "invalid webhook url"}), False, True, None, 93000,
                 id="93000 invalid key is permanent"),
    pytest.param(Reply({"errcode": 93004, "errmsg": "robot disabled"}), False, True, None, 93004,
                 id="93004 disabled robot is permanent"),
    pytest.param(Reply({"errcode": 93008, "errmsg": "not in group"}), False, True, None, 93008,
                 id="93008 robot not in group is permanent"),
    pytest.param(Reply({"errcode": 40058, "errmsg": "exceed max length"}), False, True, None, 40058,
                 id="40058 is permanent"),
    pytest.param(Reply({"errcode": 77777, "errmsg": "new code"}), False, False, 60, 77777,
                 id="an unknown code is retried later"),
    pytest.param(Reply({"error": "oops"}, status=500), False, False, 60, None, id="HTTP 500 is retried"),
    pytest.param(Reply({"error": "oops"}, status=404), False, True, None, None, id="HTTP 404 is permanent"),
    pytest.param(Reply({"nothing": 1}), False, False, 1, None, id="a body without errcode is not success"),
    pytest.param(Reply({}, status=302, headers=(("Location", "https://example.com/"),)), False, True, None, None,
                 id="a 302 redirect is a configuration error, not retried"),
    pytest.param(Reply({}, status=307, headers=(("Location", "/elsewhere"),)), False, True, None, None,
                 id="a 307 redirect is a configuration error, not retried"),
]


@pytest.mark.parametrize("reply, ok, permanent, retry_at_least, errcode", ANSWERS)
def test_it_reads_the_robots_answer(robot, reply, ok, permanent, retry_at_least, errcode):
    robot.script(reply)
    result = wecom(robot).send(short_message())
    assert (result.ok, result.permanent, result.errcode) == (ok, permanent, errcode)
    if retry_at_least is None:
        assert result.retry_after is None
    else:
        assert result.retry_after >= retry_at_least
    assert result.detail
    assert result.parts_sent == (1 if ok else 0)


def test_it_posts_markdown_json_to_the_webhook_path_with_the_key(robot):
    wecom(robot).send(short_message())
    [request] = robot.received
    assert request.path == "/cgi-bin/webhook/send"
    assert request.query == {"key": KEY}
    assert request.body == {"msgtype": "markdown", "markdown": {"content": "### 督办提醒\n正文"}}


def test_it_follows_the_markdown_with_a_text_message_mentioning_mobiles(robot):
    channel = wecom(robot, mentions="13800000001, 13900000002")
    result = channel.send(short_message(mentions=("13900000002", "13700000003"), notice="请查收"))
    assert result.ok and result.parts_sent == 2
    markdown, text = [r.body for r in robot.received]
    assert markdown["msgtype"] == "markdown"
    assert text == {"msgtype": "text", "text": {
        "content": "请查收", "mentioned_mobile_list": ["13800000001", "13900000002", "13700000003"]}}


def test_it_splits_a_long_digest_into_numbered_parts_within_4096_bytes(robot):
    message = digest(100)
    assert len(message.markdown.encode()) > 3 * 4096
    result = wecom(robot).send(message)
    contents = [r.body["markdown"]["content"] for r in robot.received]
    assert result.ok and result.parts_sent == len(contents) > 3
    for index, content in enumerate(contents, 1):
        assert len(content.encode("utf-8")) <= 4096
        assert content.startswith(f"（{index}/{len(contents)}）\n")
        assert "\ufffd" not in content
    joined = "\n".join(contents)
    for n in range(1, 101):
        assert f"第{n}项重点任务" in joined and f"节点编号：{n}-1" in joined


def test_a_failed_part_reports_how_many_parts_got_through(robot):
    robot.script(Reply(), Reply({"errcode": 45009, "errmsg": "freq"}))
    result = wecom(robot).send(digest(100))
    assert not result.ok and result.parts_sent == 1 and result.errcode == 45009
    assert len(robot.received) == 2


def test_a_slow_robot_times_out_as_a_retryable_failure(robot):
    robot.script(Reply(delay=1.5))
    result = wecom(robot, timeout=0.3).send(short_message())
    assert not result.ok and not result.permanent and result.retry_after
    assert "超时" in result.detail


def test_an_unreachable_robot_is_a_retryable_failure():
    channel = channel_for("wecom", KEY, base_url="http://127.0.0.1:9", limiter=NoLimit(), timeout=2)
    result = channel.send(short_message())
    assert not result.ok and not result.permanent and result.retry_after
    assert KEY not in result.detail


# What admins paste → the key and host the channel uses.
PASTED = [
    (f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}", "wecom:key=693a****"),
    (f"  “https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}”\n", "wecom:key=693a****"),
    (KEY, "wecom:key=693a****"),
    (f"key={KEY}", "wecom:key=693a****"),
    (f"http://wecom.intra.gov.cn:8080/cgi-bin/webhook/send?key={KEY}", "wecom:key=693a****@wecom.intra.gov.cn:8080"),
]


@pytest.mark.parametrize("pasted, described", PASTED)
def test_it_accepts_the_webhook_url_or_the_bare_key(pasted, described):
    channel = channel_for("wecom", pasted)
    assert channel.key == KEY
    assert channel.describe() == described


# Bad configuration → the field the Chinese error names.
BAD_CONFIG = [
    ("", {}, "target"),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?foo=1", {}, "target"),
    ("not a key!", {}, "target"),
    (KEY, {"base_url": "ftp://host"}, "base_url"),
    (KEY, {"mentions": ["138-0000-0001"]}, "mentions"),
    (KEY, {"timeout": 0}, "timeout"),
    (KEY, {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("target, options, field_name", BAD_CONFIG)
def test_it_rejects_bad_configuration_naming_the_field(target, options, field_name):
    with pytest.raises(DubanError) as caught:
        channel_for("wecom", target, **options)
    assert f"字段 {field_name}" in caught.value.message
    assert KEY not in caught.value.message


def test_an_unknown_channel_kind_lists_the_known_ones():
    with pytest.raises(DubanError, match="wecom、email、dingtalk、feishu"):
        channel_for("pager", "x")


def test_the_mention_text_stays_within_2048_bytes(robot):
    wecom(robot, mentions=["13800000001"]).send(short_message(notice="请及时办理。" * 400))
    content = robot.received[-1].body["text"]["content"]
    assert len(content.encode("utf-8")) <= 2048 and content.endswith("…")


def test_a_redirect_says_what_to_fix_and_is_not_followed(robot):
    robot.script(Reply({}, status=302, headers=(("Location", f"{robot.url}/captured"),)))
    result = wecom(robot).send(short_message())
    assert not result.ok and result.permanent and "跳转（HTTP 302）" in result.detail and "重试不会成功" in result.detail
    assert [r.path for r in robot.received] == ["/cgi-bin/webhook/send"]


def test_a_robot_channel_sends_only_through_a_rate_limiter(robot):
    """One rate limiter: a robot send without a budget is a program error, not an unthrottled send."""
    with pytest.raises(RuntimeError, match="limiter"):
        channel_for("wecom", KEY, base_url=robot.url).send(short_message())
    assert robot.received == []
