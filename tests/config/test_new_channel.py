"""A channel added as one class in one file (tests/notify/jsonhook_channel.py) is a `contacts set`
flag, a contacts.yaml kind and checked by check-config, with no edit in the configuration code."""
from __future__ import annotations

import json

import pytest

from bot.notify.registry import register, unregister
from tests.notify.jsonhook_channel import JsonHookChannel


@pytest.fixture
def jsonhook():
    register(JsonHookChannel)
    yield
    unregister(JsonHookChannel.kind)


def test_it_is_a_flag_of_contacts_set_and_remove(jsonhook, bot):
    assert "--jsonhook VALUE" in bot("contacts", "set", "--help").output and "通用 JSON 回调" in \
        bot("contacts", "set", "--help").output
    assert "--jsonhook VALUE" in bot("contacts", "remove", "--help").output


def test_check_config_and_apply_read_it_from_contacts_yaml_with_its_own_rules(jsonhook, office, bot, stored):
    contacts = office / "contacts.yaml"
    contacts.write_text("units:\n  保护处:\n    - jsonhook: ftp://hooks.example.gov.cn/duban\n", encoding="utf-8")
    found = json.loads(bot("check-config", "--format", "json", code=1).output)["problems"]
    assert [p for p in found if "jsonhook" in p["message"] and "回调地址必须以 https:// 开头" in p["message"]], found
    assert "回调地址必须以 https:// 开头" in bot("config", "apply", code=2).output
    contacts.write_text("units:\n  保护处:\n    - jsonhook: https://hooks.example.gov.cn/duban\n", encoding="utf-8")
    bot("check-config")
    bot("config", "apply")
    assert stored() == {"知识产权保护处": [("jsonhook", "https://hooks.example.gov.cn/duban", True)]}


def test_once_unregistered_the_kind_is_refused(office, bot):
    (office / "contacts.yaml").write_text("units:\n  保护处:\n    - jsonhook: https://hooks.example.gov.cn/d\n",
                                          encoding="utf-8")
    assert "未知的渠道类型" in bot("config", "apply", code=2).output
