"""`check-config` finds each kind of problem, all at once, and passes a clean config."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli

WECOM_KEY = "7f3c2a9e-1b4d-4c8e-9a6f-2d5e8b1c0a77"
DING_TOKEN = "d1ngt0kenABCDEF1234567890"
SMTP_PASSWORD = "authC0de-secret-93x"

UNITS = """\
units:
  - name: 知识产权保护处
    aliases: [保护处]
  - name: 商标监督管理处
    aliases: [商标处]
"""

SETTINGS = """\
send_time: "09:00"
lead_times:
  default: [14, 7, 1, 0]
  by_unit:
    知识产权保护处: [7, 3, 0]
admin:
  name: 督办管理员
  contacts:
    - email: admin@example.gov.cn
"""

CONTACTS = """\
units:
  知识产权保护处:
    - wecom: ${WECOM_KEY_BAOHU}
      mentions: ["13800000000"]
    - email: baohu@example.gov.cn
  商标监督管理处:
    - dingtalk: ${DING_TOKEN_SHANGBIAO}
      secret: ${DING_SECRET_SHANGBIAO}
"""

CLEAN_ENV = {
    "POSTGRES_PASSWORD": "Xq7v2mK9pL4sT8wZ",
    "WECOM_KEY_BAOHU": WECOM_KEY,
    "DING_TOKEN_SHANGBIAO": DING_TOKEN,
    "DING_SECRET_SHANGBIAO": "SECabcdef0123456789",
    "DUBAN_SMTP_HOST": "smtp.example.gov.cn",
    "DUBAN_SMTP_MODE": "ssl",
    "DUBAN_SMTP_USER": "duban@example.gov.cn",
    "DUBAN_SMTP_PASSWORD": SMTP_PASSWORD,
}


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A clean config folder and environment; tests break one thing at a time."""
    folder = tmp_path / "config"
    folder.mkdir()
    for name, text in (("units.yaml", UNITS), ("settings.yaml", SETTINGS), ("contacts.yaml", CONTACTS)):
        (folder / name).write_text(text, encoding="utf-8")
    for name in list(__import__("os").environ):
        if name.startswith("DUBAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(folder))
    monkeypatch.setenv("DUBAN_UNITS", str(folder / "units.yaml"))
    for name, value in CLEAN_ENV.items():
        monkeypatch.setenv(name, value)
    return folder


def run(*args):
    return CliRunner().invoke(cli, ["check-config", *args], catch_exceptions=False)


def problems() -> list[dict]:
    result = run("--format", "json")
    return json.loads(result.output)["problems"]


def edit(folder, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_it_passes_a_clean_config_and_exits_0(config):
    result = run()
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output
    assert "2 个单位，4 个联系方式" in result.output


# (what is broken, how to break it, expected area, words the problem must contain)
CASES = [
    ("unknown unit in contacts", ("contacts.yaml", "  商标监督管理处:", "  宣传教育处:"), "联系方式", ["宣传教育处", "不在单位目录"]),
    ("the admin in contacts.yaml", ("contacts.yaml", "  商标监督管理处:", "  督办管理员:"), "联系方式", ["admin.contacts"]),
    ("malformed webhook key", ("env", "WECOM_KEY_BAOHU", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ab!"),
     "渠道配置", ["wecom", "target", "令牌格式不对"]),
    ("webhook URL without key", ("contacts.yaml", "${WECOM_KEY_BAOHU}", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
     "渠道配置", ["地址中没有“key=”参数"]),
    ("malformed email", ("contacts.yaml", "baohu@example.gov.cn", "baohu@example"), "渠道配置", ["不是有效的邮箱地址"]),
    ("unknown channel kind", ("contacts.yaml", "    - email: baohu@example.gov.cn", "    - pigeon: 北楼三层"), "渠道配置",
     ["未知的渠道类型", "wecom"]),
    ("a feishu robot cannot @ mobiles", ("contacts.yaml", "    - dingtalk: ${DING_TOKEN_SHANGBIAO}",
                                         "    - feishu: https://open.feishu.cn/open-apis/bot/v2/hook/abcdef123456\n"
                                         "      mentions: ['13800000000']\n    - dingtalk: ${DING_TOKEN_SHANGBIAO}"),
     "渠道配置", ["feishu", "mentions"]),
    ("missing secret", ("env", "DING_SECRET_SHANGBIAO", None), "密钥/环境变量", ["DING_SECRET_SHANGBIAO", "未设置"]),
    ("empty secret", ("env", "WECOM_KEY_BAOHU", ""), "密钥/环境变量", ["WECOM_KEY_BAOHU"]),
    ("lead time out of range", ("settings.yaml", "default: [14, 7, 1, 0]", "default: [400, 7]"), "设置", ["0 到 366", "400"]),
    ("lead times for an unknown unit", ("settings.yaml", "    知识产权保护处: [7, 3, 0]", "    法制处: [7]"), "设置",
     ["法制处", "不在单位目录"]),
    ("bad send time", ("settings.yaml", '"09:00"', '"25:00"'), "设置", ["HH:MM"]),
    ("bad time zone in the environment", ("env", "DUBAN_TIMEZONE", "Mars/Olympus"), "设置", ["DUBAN_TIMEZONE", "未知时区"]),
    ("SMTP server not set", ("env", "DUBAN_SMTP_HOST", None), "渠道配置", ["SMTP 服务器", "DUBAN_SMTP_HOST"]),
    ("SMTP password missing", ("env", "DUBAN_SMTP_PASSWORD", None), "渠道配置", ["DUBAN_SMTP_PASSWORD"]),
    ("mobile to mention malformed", ("contacts.yaml", '"13800000000"', '"1380000"'), "渠道配置", ["11 位手机号"]),
    # F10: a key to a public host over http://
    ("a webhook over http:// to a public host", ("env", "WECOM_KEY_BAOHU",
                                                 f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"),
     "渠道配置", ["http://", "明文"]),
    ("DingTalk signing secret malformed", ("env", "DING_SECRET_SHANGBIAO", "notsigned"), "渠道配置", ["SEC 开头"]),
    ("lease length out of range", ("env", "DUBAN_LEASE_SECONDS", "0"), "设置", ["DUBAN_LEASE_SECONDS"]),
    ("unparsable database URL", ("env", "DUBAN_DATABASE_URL", "postgres//nohost"), "数据库", ["DUBAN_DATABASE_URL"]),
    ("broken units directory", ("units.yaml", "  - name: 商标监督管理处\n", "  - name: 商标监督管理处\n    colour: red\n"),
     "单位目录", ["colour"]),
    ("YAML syntax error", ("contacts.yaml", "units:\n", "units:\n  - [\n"), "联系方式", ["YAML 语法错误"]),
    # F11: values that used to validate and then break
    ("send time as a bare number", ("settings.yaml", 'send_time: "09:00"', "send_time: 9"), "设置",
     ["settings.yaml 第 1 行", "不带冒号的数字"]),
    ("implicit due date only leap years have", ("settings.yaml", 'send_time: "09:00"', 'implicit_due: "02-29"'), "设置",
     ["implicit_due", "02-29 只在闰年存在"]),
    ("a calendar date that does not exist", ("settings.yaml", 'send_time: "09:00"',
                                             "calendar:\n  - {date: 2027-02-30, workday: false}"), "设置",
     ["settings.yaml 第 2 行", "'2027-02-30' 不是存在的日期"]),
    ("a calendar name too long for the store", ("settings.yaml", 'send_time: "09:00"',
                                                "calendar:\n  - {date: 2027-01-01, workday: false, name: " + "假" * 101 + "}"),
     "设置", ["calendar[0].name", "100 个字"]),
    ("admin name written as a list", ("settings.yaml", "  name: 督办管理员", "  name: [甲, 乙]"), "设置",
     ["admin.name", "一段文字", "['甲', '乙']"]),
    # F12: aliases are refused before any validator can expand them
    ("a YAML alias", ("settings.yaml", 'send_time: "09:00"', 'x: &a "09:00"\nsend_time: *a'), "设置",
     ["第 2 行", "不支持 YAML 别名 *a"]),
    ("a YAML alias in the unit directory", ("units.yaml", "    aliases: [商标处]", "    aliases: &b [商标处]\n  - name: 甲\n    aliases: *b"),
     "单位目录", ["不支持 YAML 别名 *b"]),
    # issue 10: the compose file's placeholder password
    ("the placeholder database password", ("env", "POSTGRES_PASSWORD", "change-me"), "数据库", ["POSTGRES_PASSWORD", "占位值"]),
]


@pytest.mark.parametrize("what, change, area, words", CASES, ids=[c[0] for c in CASES])
def test_it_reports_each_kind_of_problem_and_exits_1(config, monkeypatch, what, change, area, words):
    target, old, new = change
    if target == "env":
        if new is None:
            monkeypatch.delenv(old)
        else:
            monkeypatch.setenv(old, new)
    else:
        edit(config, target, old, new)
    result = run()
    assert result.exit_code == 1, result.output
    found = problems()
    assert [p for p in found if p["area"] == area and all(w in p["message"] for w in words)], found


def test_a_unit_may_be_named_by_its_short_name_and_have_several_email_addresses(config):
    edit(config, "contacts.yaml", "  商标监督管理处:", "  商标处:")
    edit(config, "contacts.yaml", "baohu@example.gov.cn", "baohu@example.gov.cn, zhangsan@example.gov.cn")
    result = run()
    assert result.exit_code == 0, result.output


def test_a_group_is_not_a_unit_to_send_to(config):
    edit(config, "units.yaml", "    aliases: [商标处]\n",
         "    aliases: [商标处]\ngroups:\n  - name: 各处室\n    members: [知识产权保护处, 商标监督管理处]\n")
    edit(config, "contacts.yaml", "  商标监督管理处:", "  各处室:")
    found = problems()
    assert [p for p in found if "各处室" in p["message"] and "是一组单位" in p["message"]], found


def test_it_warns_about_a_plain_smtp_login_allowed_on_purpose_without_failing(config, monkeypatch):
    """F10: refused unless allowed (the channel's rule); allowed, it still passes with a warning."""
    monkeypatch.setenv("DUBAN_SMTP_MODE", "plain")
    assert [p for p in problems() if "plain" in p["message"]]
    monkeypatch.setenv("DUBAN_SMTP_ALLOW_PLAIN_AUTH", "1")
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    assert [w for w in json.loads(result.output)["warnings"] if "plain" in w["message"] and "明文" in w["message"]]
    assert "注意" in run().output


def test_a_webhook_over_http_inside_the_office_is_fine(config, monkeypatch):
    monkeypatch.setenv("WECOM_KEY_BAOHU", f"http://127.0.0.1:8080/cgi-bin/webhook/send?key={WECOM_KEY}")
    assert run().exit_code == 0


def test_it_lists_every_problem_in_one_run_with_file_and_line(config, monkeypatch):
    edit(config, "contacts.yaml", "  商标监督管理处:", "  宣传教育处:")
    edit(config, "contacts.yaml", "baohu@example.gov.cn", "baohu@example")
    edit(config, "settings.yaml", "default: [14, 7, 1, 0]", "default: [400]")
    edit(config, "settings.yaml", '"09:00"', '"25:00"')
    monkeypatch.delenv("WECOM_KEY_BAOHU")
    found = problems()
    assert len(found) == 5, found
    assert any("contacts.yaml 第 3 行" in p["message"] and "WECOM_KEY_BAOHU" in p["message"] for p in found)
    assert any("settings.yaml 第 1 行" in p["message"] for p in found)
    table = run().output
    assert "共 5 个问题" in table


def test_it_never_prints_a_secret(config, monkeypatch):
    monkeypatch.setenv("WECOM_KEY_BAOHU", WECOM_KEY + "!!")  # malformed, still a secret
    monkeypatch.setenv("DUBAN_SMTP_MODE", "tls")
    for fmt in ("table", "json"):
        output = run("--format", fmt).output
        assert "渠道配置" in output
        for secret in (WECOM_KEY, DING_TOKEN, SMTP_PASSWORD):
            assert secret not in output


def test_it_skips_secrets_of_disabled_contacts(config, monkeypatch):
    edit(config, "contacts.yaml", "      secret: ${DING_SECRET_SHANGBIAO}\n",
         "      secret: ${DING_SECRET_SHANGBIAO}\n      enabled: false\n")
    monkeypatch.delenv("DING_SECRET_SHANGBIAO")
    assert run().exit_code == 0


def test_it_reports_a_missing_config_folder(config, monkeypatch):
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(config / "nowhere"))
    result = run()
    assert result.exit_code == 1
    assert "nowhere（来自环境变量 DUBAN_CONFIG_DIR） 不存在" in result.output and "python -m bot init" in result.output


@pytest.mark.parametrize("name, area", [("settings.yaml", "设置"), ("contacts.yaml", "联系方式")])
def test_it_says_which_file_is_missing(config, name, area):
    (config / name).unlink()
    result = run()
    assert result.exit_code == 1, result.output
    assert [p for p in problems() if p["area"] == area and f"中没有 {name}" in p["message"]]


def test_it_takes_the_folder_from_the_option_over_the_environment(config, monkeypatch, tmp_path):
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("DUBAN_UNITS")
    result = run("--config-dir", str(config))
    assert result.exit_code == 0, result.output
    assert "2 个单位，4 个联系方式" in result.output


def test_an_office_folder_without_units_yaml_never_falls_back_to_the_shipped_directory(config, monkeypatch):
    (config / "units.yaml").unlink()
    monkeypatch.delenv("DUBAN_UNITS")
    found = problems()
    assert [p for p in found if p["area"] == "单位目录" and "找不到单位目录" in p["message"]], found
    assert "19 个单位" not in run().output


def test_it_lists_every_bad_delivery_variable_and_the_log_level_at_once(config, monkeypatch):
    """F19: the DUBAN_* policy variables were checked one per run (the first bad one raised)."""
    bad = {"DUBAN_MAX_ATTEMPTS": "lots", "DUBAN_SEND_TIMEOUT_SECONDS": "0", "DUBAN_RETRY_BASE_SECONDS": "-5",
           "DUBAN_LOG_LEVEL": "LOUD"}
    for name, value in bad.items():
        monkeypatch.setenv(name, value)
    result = run("--format", "json")  # stdout only: the service's log line warns of DUBAN_LOG_LEVEL too
    found = [p["message"] for p in json.loads(result.stdout)["problems"] if p["area"] == "设置"]
    assert [[name in m and repr(value) in m for m in found].count(True) for name, value in bad.items()] == [1] * 4, found


def test_the_service_refuses_to_start_naming_every_bad_delivery_variable(monkeypatch):
    from bot.errors import DubanError
    from jobs.policy import DeliveryPolicy

    monkeypatch.setenv("DUBAN_MAX_ATTEMPTS", "lots")
    monkeypatch.setenv("DUBAN_LEASE_SECONDS", "0")
    with pytest.raises(DubanError) as raised:
        DeliveryPolicy.from_env()
    assert "DUBAN_MAX_ATTEMPTS" in raised.value.message and "DUBAN_LEASE_SECONDS" in raised.value.message
