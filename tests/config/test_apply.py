"""`config apply` never takes a missing or mistyped folder for an empty one (F04), shows what it
would delete or overwrite and applies that only when confirmed, and judges contacts as check-config does."""
from __future__ import annotations

import json

import pytest

CONTACTS = """\
units:
  知识产权保护处:
    - wecom: ${WECOM_KEY_BAOHU}
    - email: baohu@example.gov.cn
  商标监督管理处:
    - email: sb@example.gov.cn
"""
SETTINGS = """\
lead_times:
  default: [7, 1, 0]
  by_unit:
    知识产权保护处: [3, 0]
admin:
  name: 督办管理员
  contacts:
    - email: admin@example.gov.cn
calendar:
  - {date: 2027-01-01, workday: false, name: 元旦}
"""
ALL = {"知识产权保护处": [("wecom", "${WECOM_KEY_BAOHU}", True), ("email", "baohu@example.gov.cn", True)],
       "商标监督管理处": [("email", "sb@example.gov.cn", True)], "督办管理员": [("email", "admin@example.gov.cn", True)]}


@pytest.fixture
def applied(office, bot, stored):
    (office / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    (office / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    first = bot("config", "apply").output
    assert "知识产权保护处: 新增 wecom 联系方式 ${WECOM_KEY_BAOHU}" in first and "提前量 unit:知识产权保护处: [3, 0]" in first
    assert stored() == ALL
    return office


def test_a_mistyped_config_dir_is_refused_and_deletes_nothing(applied, bot, stored, monkeypatch):
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(applied.parent / "offcie"))
    message = bot("config", "apply", code=2).output
    assert "offcie（来自环境变量 DUBAN_CONFIG_DIR） 不存在" in message and "python -m bot init" in message
    assert stored() == ALL


def test_another_working_directory_is_refused_and_named(applied, bot, stored, monkeypatch, tmp_path):
    monkeypatch.delenv("DUBAN_CONFIG_DIR")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    message = bot("config", "apply", code=2).output
    assert f"{elsewhere / 'config'}（默认：当前目录下的 config/） 不存在" in message
    assert stored() == ALL


def test_a_missing_contacts_yaml_is_refused(applied, bot, stored):
    (applied / "contacts.yaml").rename(applied / "contacts.yaml.old")
    assert "中没有 contacts.yaml" in bot("config", "apply", code=2).output
    assert stored() == ALL


def test_deleting_needs_confirmation_a_dry_run_changes_nothing_and_yes_applies(applied, bot, stored):
    (applied / "contacts.yaml").write_text("units:\n  知识产权保护处:\n    - wecom: ${WECOM_KEY_BAOHU}\n", encoding="utf-8")
    dry = bot("config", "apply", "--dry-run").output
    assert "! 知识产权保护处: 删除 email 联系方式 baohu@example.gov.cn" in dry and "演练" in dry
    refused = bot("config", "apply", code=2).output
    assert "! 商标监督管理处: 删除 email 联系方式 sb@example.gov.cn" in refused
    assert "未确认，数据库没有修改" in refused and "--yes" in refused and "config export" in refused
    assert stored() == ALL
    report = json.loads(bot("config", "apply", "--yes", "--format", "json").output)
    assert report["applied"] is True and {c["destructive"] for c in report["changes"]} == {True}
    assert stored() == {"知识产权保护处": [("wecom", "${WECOM_KEY_BAOHU}", True)],
                        "督办管理员": [("email", "admin@example.gov.cn", True)]}


def test_overwriting_a_lead_time_or_calendar_day_needs_confirmation_adding_does_not(applied, bot):
    (applied / "settings.yaml").write_text(SETTINGS.replace("default: [7, 1, 0]", "default: [14, 7, 1, 0]")
                                           .replace("name: 元旦", "name: 元旦假期"), encoding="utf-8")
    report = json.loads(bot("config", "apply", "--format", "json", code=2).stdout)
    assert report["applied"] is False and report["reminders"] is None
    assert {c["change"] for c in report["changes"] if c["destructive"]} == \
        {"提前量 default: [7, 1, 0] → [14, 7, 1, 0]", "日历 2027-01-01: 放假 元旦假期"}
    (applied / "settings.yaml").write_text(SETTINGS + "  - {date: 2027-01-02, workday: false}\n", encoding="utf-8")
    assert "日历 2027-01-02: 放假" in bot("config", "apply").output


def test_dropping_an_alias_the_store_holds_needs_confirmation(applied, bot):
    units = applied / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("aliases: [商标处]", "aliases: []"), encoding="utf-8")
    assert "! 更新单位 商标监督管理处 的别名/分组（去掉 商标处）" in bot("config", "apply", code=2).output
    assert "更新单位 商标监督管理处" in bot("config", "apply", "--yes").output


def test_a_contact_the_channel_refuses_stops_the_apply(applied, bot, stored):
    """What check-config rejects (F11): Feishu cannot @ mobiles, a DingTalk secret starts with SEC."""
    for entry in ("    - feishu: https://open.feishu.cn/open-apis/bot/v2/hook/abcdef123456\n      mentions: ['13800000000']\n",
                  "    - dingtalk: https://oapi.dingtalk.com/robot/send?access_token=abcdef123456\n      secret: notsigned\n"):
        (applied / "contacts.yaml").write_text(CONTACTS + entry, encoding="utf-8")
        message = bot("config", "apply", "--yes", code=2).output
        assert "商标监督管理处 的第 2 个联系方式" in message and "联系方式配置错误" in message
        assert stored() == ALL


def test_an_unset_variable_is_a_warning_not_a_refusal(applied, bot, stored, monkeypatch):
    monkeypatch.delenv("WECOM_KEY_BAOHU")
    (applied / "contacts.yaml").write_text(CONTACTS + "    - wecom: ${WECOM_KEY_SB}\n", encoding="utf-8")
    result = bot("config", "apply")
    assert "WECOM_KEY_SB 尚未设置" in result.output
    assert ("wecom", "${WECOM_KEY_SB}", True) in stored()["商标监督管理处"]


def test_short_names_and_comma_separated_addresses_are_accepted(office, bot, stored):
    (office / "contacts.yaml").write_text("units:\n  商标处:\n    - email: a@example.gov.cn, b@example.gov.cn\n",
                                          encoding="utf-8")
    (office / "settings.yaml").write_text("lead_times:\n  by_unit:\n    保护处: [3, 0]\n", encoding="utf-8")
    out = bot("config", "apply").output
    assert "提前量 unit:知识产权保护处: [3, 0]" in out
    assert stored()["商标监督管理处"] == [("email", "a@example.gov.cn, b@example.gov.cn", True)]


@pytest.mark.parametrize("contacts, words", [
    ("units:\n  商标处:\n    - email: a@example.gov.cn\n  商标监督管理处:\n    - email: b@example.gov.cn\n",
     ["第 4 行", "与「商标处」是同一个单位"]),
    ("units:\n  有关地市知识产权管理部门:\n    - email: a@example.gov.cn\n", ["第 2 行", "是一组单位"]),
    ("units:\n  宣传教育处:\n    - email: a@example.gov.cn\n", ["第 2 行", "宣传教育处", "不在单位目录"]),
    ("units:\n  督办管理员:\n    - email: a@example.gov.cn\n", ["第 2 行", "admin.contacts"]),
])
def test_a_name_that_is_not_one_unit_is_refused_with_its_line(office, bot, stored, contacts, words):
    (office / "contacts.yaml").write_text(contacts, encoding="utf-8")
    message = bot("config", "apply", code=2).output
    assert all(w in message for w in words), message
    assert stored() == {}


@pytest.mark.parametrize("settings, words", [
    ('implicit_due: "02-29"\n', ["implicit_due", "02-29 只在闰年存在"]),
    ("send_time: 9\n", ["send_time", "不带冒号的数字"]),
    ("calendar:\n  - {date: 2027-02-30, workday: false}\n", ["第 2 行", "不是存在的日期"]),
    ("admin:\n  name: [甲, 乙]\n", ["admin.name", "一段文字"]),
    ("calendar:\n  - {date: 2027-01-01, workday: false, name: " + "长" * 150 + "}\n", ["100 个字"]),
])
def test_a_setting_that_would_break_later_is_refused_now(office, bot, stored, settings, words):
    (office / "settings.yaml").write_text(settings, encoding="utf-8")
    message = bot("config", "apply", code=2).output
    assert message.startswith("错误: ") and all(w in message for w in words), message


def test_send_time_written_9_00_without_quotes_means_nine_oclock(office, bot):
    (office / "settings.yaml").write_text("send_time: 9:00\n", encoding="utf-8")
    bot("config", "apply")
    assert "send_time: 09:00" in bot("config", "export").output


def test_a_yaml_alias_bomb_is_refused_at_once(office, bot):
    """F12: nine aliases of nine; refused before anything expands or prints it."""
    lines = ['a0: &a0 "x"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (office / "units.yaml").write_text("\n".join(lines) + "\nunits: *a9\n", encoding="utf-8")
    message = bot("config", "apply", code=2).output
    assert "units.yaml 第 2 行" in message and "不支持 YAML 别名 *a0" in message
