"""The channel registry: a channel is one class in one file, and everything that lists,
configures or checks channels learns about it from the registry alone."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner

from bot.cli import cli

from bot.notify import render_test_message
from bot.notify.registry import (
    CHANNELS,
    channel_for,
    channel_from_contact,
    contact_fields,
    contact_kinds,
    register,
    robot_kinds,
    unregister,
    validate_contact,
)
from tests.notify.jsonhook_channel import JsonHookChannel

TOKEN = "Tok3nAbcdefGh1"


@pytest.fixture
def jsonhook():
    register(JsonHookChannel)
    yield JsonHookChannel
    unregister(JsonHookChannel.kind)


def test_the_shipped_channels_are_found_in_the_package_with_their_declarations():
    assert list(CHANNELS) == ["wecom", "email", "dingtalk", "feishu", "console"]
    assert contact_kinds() == ("wecom", "email", "dingtalk", "feishu")
    assert robot_kinds() == ("wecom", "dingtalk", "feishu")
    for kind in contact_kinds():
        cls = CHANNELS[kind]
        assert cls.label and cls.fields[0].name == "target" and cls.fields[0].required
        assert all(f.label and f.help for f in cls.fields)
    assert CHANNELS["wecom"].field("target").secret and not CHANNELS["email"].field("target").secret
    assert CHANNELS["dingtalk"].field("secret").secret
    assert CHANNELS["wecom"].codes[93000].permanent and not CHANNELS["wecom"].codes[45009].permanent
    assert set(contact_fields()) == {"mentions", "secret"}


def test_a_new_channel_file_is_a_registered_kind_with_its_fields(jsonhook):
    assert "jsonhook" in contact_kinds()
    assert CHANNELS["jsonhook"].field("secret").secret
    assert validate_contact("jsonhook", {"target": "https://hooks.example.gov.cn/d", "secret": TOKEN}) == []
    [problem] = validate_contact("jsonhook", {"target": "https://hooks.example.gov.cn/d", "secret": "short"})
    assert "jsonhook 渠道，字段 secret" in problem and "12–64" in problem


def test_a_new_channel_sends_through_the_common_factory(jsonhook, robot, monkeypatch):
    monkeypatch.setenv("JSONHOOK_TOKEN_X", TOKEN)
    channel = channel_from_contact("jsonhook", f"{robot.url}/duban", secret="${JSONHOOK_TOKEN_X}")
    result = channel.send(render_test_message("保护处", datetime(2026, 12, 1, 9, 0)))
    assert result.ok and robot.received[0].body["token"] == TOKEN
    assert TOKEN not in channel.describe()


def test_an_unregistered_kind_is_gone_again(jsonhook):
    unregister("jsonhook")
    assert "jsonhook" not in contact_kinds()
    assert "未知的渠道类型" in validate_contact("jsonhook", {"target": "https://x.example.gov.cn"})[0]
    register(JsonHookChannel)  # the fixture's teardown removes it again


def test_validate_lists_every_problem_at_once_and_never_echoes_a_secret():
    key = "QQ$$bad key$$"
    problems = validate_contact("dingtalk", {"target": key, "secret": "notsigned", "mentions": ["12"], "colour": "red"})
    fields = sorted(p.split("字段 ")[1].split("）")[0] for p in problems)
    assert fields == ["colour", "mentions", "secret", "target"]
    assert not any(key in p or "notsigned" in p for p in problems)


def test_a_missing_required_field_and_an_unknown_kind_are_problems():
    assert "必须填写Webhook 地址" in validate_contact("wecom", {})[0]
    assert "未知的渠道类型" in validate_contact("pager", {"target": "x"})[0]


def test_an_unset_variable_is_left_to_check_config_and_a_set_one_is_checked(monkeypatch):
    monkeypatch.delenv("WECOM_KEY_UNSET_X", raising=False)
    assert validate_contact("wecom", {"target": "${WECOM_KEY_UNSET_X}"}) == []
    monkeypatch.setenv("WECOM_KEY_SET_X", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?nokey=1")
    [problem] = validate_contact("wecom", {"target": "${WECOM_KEY_SET_X}"})
    assert "key=" in problem and "nokey" not in problem


@pytest.mark.parametrize("url, flagged", [
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh1234", True),
    ("http://8.8.8.8/cgi-bin/webhook/send?key=abcdefgh1234", True),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh1234", False),
    ("http://127.0.0.1:8999/cgi-bin/webhook/send?key=abcdefgh1234", False),
    ("http://10.2.3.4/cgi-bin/webhook/send?key=abcdefgh1234", False),
    ("http://wecom.office.internal/cgi-bin/webhook/send?key=abcdefgh1234", False),
    ("http://wecomgw/cgi-bin/webhook/send?key=abcdefgh1234", False),
])
def test_cleartext_webhooks_to_public_hosts_are_flagged(url, flagged):
    """F10: the key travels in the URL; over http:// to the internet anyone on the way reads it."""
    problems = validate_contact("wecom", {"target": url})
    assert bool(problems) == flagged
    assert all("https://" in p and "abcdefgh1234" not in p for p in problems)
    channel_for("wecom", url)  # still a channel that can send: existing contacts keep working


def test_email_fields_alone_can_be_checked_without_the_smtp_environment(monkeypatch):
    for name in ("DUBAN_SMTP_HOST", "DUBAN_SMTP_SENDER", "DUBAN_SMTP_USER"):
        monkeypatch.delenv(name, raising=False)
    assert validate_contact("email", {"target": "a@example.gov.cn, b@example.gov.cn"}, environment=False) == []
    assert "DUBAN_SMTP_HOST" in validate_contact("email", {"target": "a@example.gov.cn"})[0]
    assert "不是有效的邮箱地址" in validate_contact("email", {"target": "a@example.gov.cn, b"}, environment=False)[0]


# The rest of Duban learns about the new channel from the registry alone: the CLI flag,
# the YAML, check-config, contacts set (wired in bot.cli.cmd_contacts and bot.config.admin).

def test_contacts_set_offers_the_new_channel_as_a_flag(jsonhook):
    result = CliRunner().invoke(cli, ["contacts", "set", "--help"])
    assert result.exit_code == 0, result.output
    assert "--jsonhook" in result.stdout and "通用 JSON 回调" in result.stdout


def write_contacts(folder, contact: str) -> None:
    (folder / "contacts.yaml").write_text(f"units:\n  知识产权保护处:\n    - {contact}\n", encoding="utf-8")


def test_check_config_reads_and_checks_a_contact_of_the_new_channel(jsonhook, office_config):
    write_contacts(office_config, f"{{jsonhook: 'https://hooks.example.gov.cn/duban', secret: {TOKEN}}}")
    good = CliRunner().invoke(cli, ["check-config", "--format", "json"])
    assert json.loads(good.stdout)["problems"] == [], good.output
    write_contacts(office_config, "{jsonhook: 'https://hooks.example.gov.cn/duban', secret: short}")
    bad = CliRunner().invoke(cli, ["check-config", "--format", "json"])
    assert bad.exit_code == 1
    assert any("jsonhook 渠道，字段 secret" in p["message"] for p in json.loads(bad.stdout)["problems"])


def test_contacts_set_refuses_a_bad_contact_of_the_new_channel_and_stores_a_good_one(jsonhook, office_config,
                                                                                     sqlite_url, monkeypatch):
    from bot.store import close_stores, open_store

    monkeypatch.setenv("DUBAN_DATABASE_URL", sqlite_url)
    open_store(sqlite_url)
    try:
        refused = CliRunner().invoke(cli, ["contacts", "set", "保护处", "--jsonhook", "ftp://x", "--format", "json"])
        assert refused.exit_code == 2 and "回调地址必须以 https:// 开头" in refused.output
        stored = CliRunner().invoke(cli, ["contacts", "set", "保护处", "--jsonhook", "https://hooks.example.gov.cn/d",
                                          "--format", "json"])
        assert stored.exit_code == 0, stored.output
        listed = CliRunner().invoke(cli, ["contacts", "list", "--format", "json"])
        assert any(c["kind"] == "jsonhook" for c in json.loads(listed.stdout)["contacts"])
    finally:
        close_stores()


def test_config_apply_reads_the_new_channel_from_contacts_yaml_and_refuses_a_bad_one(jsonhook, office_config,
                                                                                    sqlite_url, monkeypatch):
    from bot.store import close_stores, open_store

    monkeypatch.setenv("DUBAN_DATABASE_URL", sqlite_url)
    open_store(sqlite_url)
    try:
        write_contacts(office_config, "{jsonhook: 'https://hooks.example.gov.cn/duban', secret: short}")
        refused = CliRunner().invoke(cli, ["config", "apply", "--yes"])
        assert refused.exit_code == 2 and "jsonhook 渠道，字段 secret" in refused.output
        write_contacts(office_config, f"{{jsonhook: 'https://hooks.example.gov.cn/duban', secret: {TOKEN}}}")
        applied = CliRunner().invoke(cli, ["config", "apply", "--yes"])
        assert applied.exit_code == 0, applied.output
        listed = CliRunner().invoke(cli, ["contacts", "list", "--format", "json"])
        assert [c["kind"] for c in json.loads(listed.stdout)["contacts"] if c["unit"] == "知识产权保护处"] == ["jsonhook"]
        assert TOKEN not in listed.stdout
    finally:
        close_stores()
