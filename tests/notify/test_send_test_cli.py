"""`python -m bot send-test UNIT`: one row per contact, real sends to loopback servers."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from tests.notify.conftest import REFUSED_ADDRESS

from bot.cli import cli
from bot.cli.cmd_send_test import send_test_messages
from tests.support.loopback import Reply
from bot.notify.throttle import limiter_key
from bot.store import close_stores, open_store, session_scope
from bot.store.models import Contact, RobotBudget, Unit
from jobs.clock import RealClock
from jobs.policy import DeliveryPolicy

KEY = "c0ffee00-1234-4abc-8def-0123456789ab"
NOW = datetime(2024, 5, 20, 9, 0)


def test_it_reports_one_row_per_contact_with_each_result(robot, smtp_plain, monkeypatch, capsys):
    port, mailbox = smtp_plain
    monkeypatch.setenv("WECOM_KEY_TEST", KEY)
    robot.script(Reply(), Reply(), Reply({"errcode": 93000, "errmsg": "invalid webhook url"}))
    smtp = {"host": "127.0.0.1", "port": port, "mode": "plain", "sender": "duban@example.gov.cn"}
    rows = send_test_messages([
        ("保护处", "wecom", "${WECOM_KEY_TEST}", {"base_url": robot.url, "mentions": ["13800000001"]}),
        ("保护处", "wecom", KEY, {"base_url": robot.url}),
        ("保护处", "email", f"a@example.gov.cn, {REFUSED_ADDRESS}", smtp),
        ("保护处", "dingtalk", "${DUBAN_TEST_MISSING_VARIABLE}", {}),
        ("保护处", "console", "stdout", {}),
    ], NOW, None, DeliveryPolicy(send_timeout_seconds=2))
    assert [(r["kind"], r["status"]) for r in rows] == [
        ("wecom", "成功"), ("wecom", "失败（需管理员处理）"), ("email", "部分成功（有地址被拒收）"),
        ("dingtalk", "失败（需管理员处理）"), ("console", "成功"),
    ]
    assert rows[0]["parts_sent"] == 2 and rows[0]["channel"].startswith("wecom:key=c0ff****")
    assert "移出群" in rows[1]["detail"]
    assert rows[2]["refused"] and REFUSED_ADDRESS in rows[2]["detail"]
    assert "DUBAN_TEST_MISSING_VARIABLE" in rows[3]["detail"]
    first = robot.received[0].body["markdown"]["content"]
    assert "测试消息" in first and "保护处" in first and "2024-05-20 09:00" in first
    assert mailbox.envelopes[0].rcpt_tos == ["a@example.gov.cn"]
    assert "【控制台预览·未实际发送】" in capsys.readouterr().out
    assert all(KEY not in json.dumps(r, ensure_ascii=False) for r in rows)


@pytest.fixture
def store_with_contacts(sqlite_url, tmp_path, monkeypatch, robot):
    monkeypatch.setenv("DUBAN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path))
    with session_scope(open_store(sqlite_url)) as session:
        unit = Unit(name="知识产权保护处", aliases=["保护处"], groups=[])
        session.add(unit)
        session.flush()
        session.add_all([
            Contact(unit_id=unit.id, kind="wecom", target=f"{robot.url}/cgi-bin/webhook/send?key={KEY}",
                    mentions=["13800000001"]),
            Contact(unit_id=unit.id, kind="feishu", target="feishu-token-123456", enabled=False,
                    disabled_reason="机器人已被移出群"),
        ])
        session.add(Unit(name="人事处", aliases=[], groups=[]))
    yield
    close_stores()


def test_the_command_sends_to_the_units_contacts_from_the_store(store_with_contacts, robot):
    result = CliRunner().invoke(cli, ["send-test", "保护处", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]
    assert [(r["kind"], r["status"]) for r in rows] == [("wecom", "成功"), ("feishu", "已跳过")]
    assert "已停用：机器人已被移出群" in rows[1]["detail"]
    assert [r.body["msgtype"] for r in robot.received] == ["markdown", "text"]
    assert KEY not in result.output


def test_the_table_shows_masked_contacts_and_a_failure_exits_1(store_with_contacts, robot):
    robot.script(Reply({"errcode": 93000, "errmsg": "invalid webhook url"}))
    result = CliRunner().invoke(cli, ["send-test", "知识产权保护处"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()  # the failure is also logged, on stderr
    assert lines[0].split() == ["单位", "渠道", "联系方式", "结果", "说明"]
    assert "wecom:key=c0ff****@127.0.0.1" in result.output and "失败（需管理员处理）" in result.output
    assert KEY not in result.output


def test_a_unit_without_contacts_is_a_clear_error(store_with_contacts):
    result = CliRunner().invoke(cli, ["send-test", "人事处"])
    assert result.exit_code == 2
    assert "没有联系方式" in result.output and "contacts set" in result.output and "config apply" in result.output


def budget_slots(sqlite_url) -> list:
    with session_scope(open_store(sqlite_url)) as session:
        row = session.get(RobotBudget, limiter_key("wecom", KEY))
        return list(row.slots) if row else []


def test_a_test_message_uses_the_robots_shared_budget(store_with_contacts, sqlite_url, robot):
    """One rate limiter: send-test books its two messages in the robot_budgets table the service uses."""
    result = CliRunner().invoke(cli, ["send-test", "保护处", "--format", "json"])
    assert result.exit_code == 0, result.output
    slots = budget_slots(sqlite_url)
    assert len(slots) == 2 and all(abs(t - RealClock.epoch()) < 60 for _, t in slots)


def test_a_robot_whose_budget_the_service_used_up_is_not_sent_to(store_with_contacts, sqlite_url, robot):
    now = RealClock.epoch()
    with session_scope(open_store(sqlite_url)) as session:
        session.add(RobotBudget(robot_key=limiter_key("wecom", KEY), slots=[[f"s{n}", now - 1] for n in range(20)]))
    result = CliRunner().invoke(cli, ["send-test", "保护处", "--format", "json"])
    assert result.exit_code == 1
    wecom = json.loads(result.output)["results"][0]
    assert wecom["status"] == "失败（稍后可重试）" and "发送额度" in wecom["detail"] and wecom["retry_after"] >= 50
    assert robot.received == []
