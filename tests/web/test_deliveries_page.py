"""发送记录: the attempts of a real replay, filtered; one message with every attempt; resend of a failed
message through `deliveries resend`'s function, delivered once by the next run."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.notify.conftest import robot  # noqa: F401  (a loopback robot per test)
from tests.web.conftest import csrf_of
from tests.web.test_units_contacts import KEY

UNIT = "福州市知识产权管理部门"


@pytest.fixture
def failed(admin, cli_run, monkeypatch) -> str:
    """福州's robot referenced through a variable the replay of 2024-06-20 does not have: one failed message."""
    monkeypatch.delenv("WECOM_KEY_WEB", raising=False)
    page = admin.get(f"/units/{quote(UNIT)}").get_data(as_text=True)
    added = admin.post(f"/units/{quote(UNIT)}/contacts",
                       data={"csrf_token": csrf_of(page), "kind": "wecom", "target": "${WECOM_KEY_WEB}"})
    assert added.status_code == 302
    cli_run("run", "--as-of", "2024-06-20", "--until", "2024-06-20")
    listing = admin.get("/deliveries/").get_data(as_text=True)
    return re.search(r'/deliveries/messages/(\d+)"', listing.split('id="failed"')[1]).group(1)


def test_the_log_lists_every_attempt_and_the_failed_message_with_its_reason(admin, failed):
    page = admin.get("/deliveries/").get_data(as_text=True)
    section = page.split('id="failed"')[1].split("</section>")[0]
    assert UNIT in section and "WECOM_KEY_WEB" in section and "重新发送</button>" in section
    attempts = page.split('id="attempts"')[1]
    assert "督办管理员" in attempts and "成功" in attempts and "失败" in attempts


def test_filters_by_status_unit_channel_and_day(admin, failed):
    only_failed = admin.get("/deliveries/?status=failed").get_data(as_text=True).split('id="attempts"')[1]
    assert UNIT in only_failed and "督办管理员" not in only_failed
    unit_id = re.search(r'<option value="(\d+)">' + UNIT, admin.get("/deliveries/").get_data(as_text=True)).group(1)
    by_unit = admin.get(f"/deliveries/?unit={unit_id}&channel=wecom").get_data(as_text=True)
    assert "督办管理员" not in by_unit.split('id="attempts"')[1] and UNIT in by_unit.split('id="attempts"')[1]
    later = admin.get("/deliveries/?since=2024-06-21").get_data(as_text=True)
    assert "没有符合条件的发送记录" in later and "没有发送失败的消息" in later
    that_day = admin.get("/deliveries/?since=2024-06-20&until=2024-06-20").get_data(as_text=True)
    assert UNIT in that_day.split('id="attempts"')[1]


def test_a_bad_filter_is_refused_next_to_its_field(admin, failed):
    answer = admin.get("/deliveries/?since=2024-06-31&status=nonsense")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "日期应写成" in text and "未知的结果" in text
    reversed_days = admin.get("/deliveries/?since=2024-06-21&until=2024-06-20")
    assert reversed_days.status_code == 400 and "结束日期早于开始日期" in reversed_days.get_data(as_text=True)


def test_resend_queues_the_failed_message_and_the_next_run_delivers_it_once(admin, cli_run, failed, robot, monkeypatch):
    monkeypatch.setenv("WECOM_KEY_WEB", f"{robot.url}/cgi-bin/webhook/send?key={KEY}")
    page = admin.get(f"/deliveries/messages/{failed}").get_data(as_text=True)
    assert "第几次" in page and "WECOM_KEY_WEB" in page and "重新发送这条消息" in page
    answer = admin.post(f"/deliveries/messages/{failed}/resend", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 302
    queued = admin.get(f"/deliveries/messages/{failed}").get_data(as_text=True)
    assert f"已放回发送队列 1 条消息：#{failed}" in queued and "待重试" in queued
    again = admin.post(f"/deliveries/messages/{failed}/resend", data={"csrf_token": csrf_of(queued)})
    assert "没有符合条件的发送失败的消息" in admin.get(again.headers["Location"]).get_data(as_text=True)

    cli_run("run", "--as-of", "2024-06-20", "--until", "2024-06-20")
    delivered = admin.get(f"/deliveries/messages/{failed}").get_data(as_text=True)
    rows = delivered.split("每次尝试")[1].split("</table>")[0]
    assert rows.count("<tr><td>") == 2 and rows.index("失败") < rows.index("成功")
    assert len([r for r in robot.received if "markdown" in (r.body or {})]) == 1
    assert "重新发送" in admin.get("/audit").get_data(as_text=True)
    for text in (delivered, admin.get("/deliveries/").get_data(as_text=True)):
        assert KEY not in text and KEY[4:20] not in text


def test_resend_of_every_failed_message_of_a_unit(admin, failed):
    page = admin.get("/deliveries/").get_data(as_text=True)
    answer = admin.post("/deliveries/resend", data={"csrf_token": csrf_of(page), "unit": "", "since": "2024-06-20"})
    assert answer.status_code == 302
    assert f"#{failed}" in admin.get(answer.headers["Location"]).get_data(as_text=True)


def test_a_viewer_reads_the_log_but_cannot_resend(viewer, admin, failed):
    page = viewer.get(f"/deliveries/messages/{failed}").get_data(as_text=True)
    assert "每次尝试" in page and "重新发送这条消息" not in page
    assert viewer.post(f"/deliveries/messages/{failed}/resend", data={"csrf_token": csrf_of(page)}).status_code == 403
    assert viewer.post("/deliveries/resend", data={"csrf_token": csrf_of(page)}).status_code == 403
    assert f"/deliveries/messages/{failed}" in admin.get("/deliveries/").get_data(as_text=True).split('id="failed"')[1]
    assert viewer.get("/deliveries/messages/999999").status_code == 404


def test_a_contact_the_robot_refused_is_disabled_shown_so_and_enabled_again(admin, cli_run, robot):
    from tests.support.loopback import Reply

    robot.responder = lambda received: Reply(body={"errcode": 93000, "errmsg": "invalid webhook url"})
    page = admin.get(f"/units/{quote(UNIT)}").get_data(as_text=True)
    admin.post(f"/units/{quote(UNIT)}/contacts", data={"csrf_token": csrf_of(page), "kind": "wecom",
                                                       "target": f"{robot.url}/cgi-bin/webhook/send?key={KEY}"})
    cli_run("run", "--as-of", "2024-06-20", "--until", "2024-06-20")
    unit_page = admin.get(f"/units/{quote(UNIT)}").get_data(as_text=True)
    assert "停用" in unit_page and "93000" in unit_page and "重新启用" in unit_page
    listing = admin.get("/deliveries/").get_data(as_text=True)
    message_id = re.search(r'/deliveries/messages/(\d+)"', listing.split('id="failed"')[1]).group(1)
    skipped = admin.post(f"/deliveries/messages/{message_id}/resend", data={"csrf_token": csrf_of(listing)})
    assert "联系方式已停用" in admin.get(skipped.headers["Location"]).get_data(as_text=True)

    contact_id = re.search(r"/contacts/(\d+)/enable", unit_page).group(1)
    enabled = admin.post(f"/units/{quote(UNIT)}/contacts/{contact_id}/enable", data={"csrf_token": csrf_of(unit_page)})
    after = admin.get(enabled.headers["Location"]).get_data(as_text=True)
    assert "已重新启用" in after and "重新启用</button>" not in after
    queued = admin.post(f"/deliveries/messages/{message_id}/resend", data={"csrf_token": csrf_of(after)})
    told = admin.get(queued.headers["Location"]).get_data(as_text=True)
    assert "联系方式已停用" not in told and "所含提醒已送达、办结或取消，无需重发" in told  # the admin was sent them
    assert "启用联系方式" in admin.get("/audit").get_data(as_text=True)
