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
    ("unknown unit in contacts", ("contacts.yaml", "  商标监督管理处:", "  宣传教育处:"), "联系方式", ["宣传教育处", "不是已知单位"]),
    ("malformed webhook key", ("env", "WECOM_KEY_BAOHU", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ab!"),
     "渠道配置", ["wecom", "target", "令牌格式不对"]),
    ("webhook URL without key", ("contacts.yaml", "${WECOM_KEY_BAOHU}", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
     "联系方式", ["缺少 key="]),
    ("malformed email", ("contacts.yaml", "baohu@example.gov.cn", "baohu@example"), "联系方式", ["邮箱地址格式不对"]),
    ("missing secret", ("env", "DING_SECRET_SHANGBIAO", None), "密钥/环境变量", ["DING_SECRET_SHANGBIAO", "未设置"]),
    ("empty secret", ("env", "WECOM_KEY_BAOHU", ""), "密钥/环境变量", ["WECOM_KEY_BAOHU"]),
    ("lead time out of range", ("settings.yaml", "default: [14, 7, 1, 0]", "default: [400, 7]"), "设置", ["0 到 366", "400"]),
    ("lead times for an unknown unit", ("settings.yaml", "    知识产权保护处: [7, 3, 0]", "    法制处: [7]"), "设置",
     ["法制处", "不是已知单位"]),
    ("bad send time", ("settings.yaml", '"09:00"', '"25:00"'), "设置", ["HH:MM"]),
    ("bad time zone in the environment", ("env", "DUBAN_TIMEZONE", "Mars/Olympus"), "设置", ["DUBAN_TIMEZONE", "未知时区"]),
    ("SMTP server not set", ("env", "DUBAN_SMTP_HOST", None), "渠道配置", ["SMTP 服务器", "DUBAN_SMTP_HOST"]),
    ("SMTP password missing", ("env", "DUBAN_SMTP_PASSWORD", None), "渠道配置", ["DUBAN_SMTP_PASSWORD"]),
    ("mobile to mention malformed", ("contacts.yaml", '"13800000000"', '"1380000"'), "联系方式", ["11 位手机号"]),
    ("DingTalk signing secret malformed", ("env", "DING_SECRET_SHANGBIAO", "notsigned"), "渠道配置", ["SEC 开头"]),
    ("lease length out of range", ("env", "DUBAN_LEASE_SECONDS", "0"), "设置", ["DUBAN_LEASE_SECONDS"]),
    ("unparsable database URL", ("env", "DUBAN_DATABASE_URL", "postgres//nohost"), "数据库", ["DUBAN_DATABASE_URL"]),
    ("broken units directory", ("units.yaml", "  - name: 商标监督管理处\n", "  - name: 商标监督管理处\n    colour: red\n"),
     "单位目录", ["colour"]),
    ("YAML syntax error", ("contacts.yaml", "units:\n", "units:\n  - [\n"), "联系方式", ["YAML 语法错误"]),
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
    assert "nowhere 不存在" in result.output


def test_it_passes_without_settings_yaml_using_the_defaults(config):
    (config / "settings.yaml").unlink()
    result = run()
    assert result.exit_code == 0, result.output
    assert "3 个联系方式" in result.output
