"""One source of truth for contacts: `contacts set/remove` write the store, `config apply` shows
(and asks before) undoing them, `config export` writes them back; names resolve through the directory (F06)."""
from __future__ import annotations

import json

from tests.config.conftest import WECOM_KEY

JUNK_UNIT_DOC = ("# 2024年XX任务清单\n\n| 序号 | 重点任务 | 具体措施 | 责任单位 |\n|---|---|---|---|\n"
                 "| 1 | 推进规划实施 | 6月底前完成评估。 | 保护处 |\n| 2 | 加强协调 | 9月底前完成总结会议。 | 保护处. |\n")


def test_a_contact_set_on_the_command_line_survives_the_next_apply_once_exported(office, bot, stored):
    bot("config", "apply")
    bot("contacts", "set", "保护处", "--email", "baohu@example.gov.cn")
    refused = bot("config", "apply", code=2).output
    assert "! 知识产权保护处: 删除 email 联系方式 baohu@example.gov.cn" in refused and "config export" in refused
    assert stored() == {"知识产权保护处": [("email", "baohu@example.gov.cn", True)]}
    out = bot("config", "export", "-o", str(office)).output
    assert "contacts.yaml.bak" in out
    assert bot("config", "apply").output.strip() == "配置与数据库一致，没有变化。"
    assert stored() == {"知识产权保护处": [("email", "baohu@example.gov.cn", True)]}


def test_an_alias_the_admin_types_reaches_the_directory_unit_not_a_junk_name_from_a_document(office, bot, stored, tmp_path):
    """F06: the document brought in "保护处." too; `contacts set 保护处` still means 知识产权保护处."""
    doc = tmp_path / "u.md"
    doc.write_text(JUNK_UNIT_DOC, encoding="utf-8")
    bot("config", "apply")
    bot("import", str(doc), "--as-of", "2024-05-01")
    out = bot("contacts", "set", "保护处", "--email", "baohu@example.gov.cn").stdout
    assert out.startswith("知识产权保护处: 新增 email")
    assert stored() == {"知识产权保护处": [("email", "baohu@example.gov.cn", True)]}
    assert "保护处." in bot("contacts", "set", "保护处.", "--email", "junk@example.gov.cn").output


def test_done_and_export_ics_reach_the_directory_unit_too_and_the_junk_name_only_exactly(office, bot, tmp_path):
    """F06 through find_unit: `done --unit 保护处` and `export-ics --unit 保护处` meant "保护处."."""
    doc = tmp_path / "u.md"
    doc.write_text(JUNK_UNIT_DOC, encoding="utf-8")
    bot("config", "apply")
    bot("import", str(doc), "--as-of", "2024-05-01")
    assert "X-WR-CALNAME:督办提醒 · 知识产权保护处" in bot("export-ics", "--unit", "保护处").stdout
    assert "单位: 知识产权保护处" in bot("done", "M1", "--unit", "保护处", "--as-of", "2024-05-01").stdout
    assert "单位: 保护处." in bot("done", "M2", "--unit", "保护处.", "--as-of", "2024-05-01").stdout


def test_a_name_the_directory_does_not_know_matches_only_exactly_and_lists_candidates(office, bot, tmp_path):
    doc = tmp_path / "u.md"
    doc.write_text(JUNK_UNIT_DOC.replace("保护处. |", "@保护处 |"), encoding="utf-8")
    bot("import", str(doc), "--as-of", "2024-05-01")
    message = bot("contacts", "set", "＠保护处x", "--email", "a@example.gov.cn", code=2).output
    assert "找不到单位「＠保护处x」" in message
    assert "是一组单位" in bot("contacts", "set", "各地知识产权管理部门", "--email", "a@example.gov.cn", code=2).output


def test_a_key_is_judged_when_it_is_set_by_the_channels_own_rules(office, bot, stored):
    """What check-config and the channel refuse (F11, issue 10) is refused by `contacts set` too."""
    bot("config", "apply")
    message = bot("contacts", "set", "保护处", "--wecom",
                  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ab!", code=2).output
    assert "令牌格式不对" in message and "ab!" not in message
    message = bot("contacts", "set", "保护处", "--wecom", "ftp://x/?key=abcdefgh12", code=2).output
    assert "http:// 或 https://" in message and "abcdefgh12" not in message
    message = bot("contacts", "set", "保护处", "--feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abcdef123456",
                  "--mention", "13800000000", code=2).output
    assert "--mention 只用于 wecom、dingtalk 渠道" in message
    assert stored() == {}


def test_an_unset_variable_is_stored_with_a_warning(office, bot, stored, monkeypatch):
    bot("config", "apply")
    monkeypatch.delenv("WECOM_KEY_BAOHU")
    result = bot("contacts", "set", "保护处", "--wecom", "${WECOM_KEY_BAOHU}")
    assert "WECOM_KEY_BAOHU 尚未设置" in result.stderr
    assert stored() == {"知识产权保护处": [("wecom", "${WECOM_KEY_BAOHU}", True)]}


def test_comma_separated_emails_are_one_contact(office, bot, stored):
    bot("config", "apply")
    bot("contacts", "set", "商标处", "--email", "a@example.gov.cn, b@example.gov.cn")
    assert stored() == {"商标监督管理处": [("email", "a@example.gov.cn, b@example.gov.cn", True)]}
    assert "“b@example”不是有效的邮箱地址" in bot("contacts", "set", "商标处", "--email", "a@example.gov.cn, b@example",
                                               code=2).output


def test_set_and_remove_speak_json(office, bot, stored):
    bot("config", "apply")
    shown = json.loads(bot("contacts", "set", "保护处", "--wecom", "${WECOM_KEY_BAOHU}", "--format", "json").stdout)
    assert shown == {"unit": "知识产权保护处", "warnings": [],
                     "changes": [{"change": "知识产权保护处: 新增 wecom 联系方式 ${WECOM_KEY_BAOHU}", "destructive": False}]}
    gone = json.loads(bot("contacts", "remove", "保护处", "--format", "json").stdout)
    assert gone["changes"] == [{"change": "知识产权保护处: 删除 wecom 联系方式 ${WECOM_KEY_BAOHU}", "destructive": True}]
    assert stored() == {}


def test_export_never_prints_a_literal_key_but_keeps_it_in_the_file(office, bot, tmp_path):
    """F16: a key pasted into a contact is masked on the terminal; -o writes it for the round trip."""
    bot("config", "apply")
    bot("contacts", "set", "保护处", "--wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}",
        "--email", "baohu@example.gov.cn")
    shown = bot("config", "export")
    assert WECOM_KEY not in shown.output and "key=7f3c…" in shown.stdout and "baohu@example.gov.cn" in shown.stdout
    assert "1 个直接写入的密钥已遮盖" in shown.stderr
    out = tmp_path / "exported"
    bot("config", "export", "-o", str(out))
    assert WECOM_KEY in (out / "contacts.yaml").read_text(encoding="utf-8")
