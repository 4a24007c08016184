"""单位与联系方式: the directory, contacts checked like `contacts set` and masked once saved, a test send
to a loopback robot through the shared budget, and lead times per unit that move the plan."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

from sqlalchemy import select

from bot.store import open_store, session_scope
from bot.store.models import RobotBudget
from tests.notify.conftest import SMTP_PASSWORD, SMTP_USER, robot, smtp_plain  # noqa: F401  (loopback servers)
from tests.web.conftest import csrf_of

KEY = "c0ffee00-1234-4abc-8def-0123456789ab"
UNIT = "知识产权保护处"


def _page(client, name: str = UNIT) -> str:
    return client.get(f"/units/{quote(name)}").get_data(as_text=True)


def _post(client, path: str, page: str, **fields):
    return client.post(path, data={"csrf_token": csrf_of(page), **fields})


def _add_wecom(client, robot, name: str = UNIT, **fields):
    page = _page(client, name)
    return _post(client, f"/units/{quote(name)}/contacts", page, kind="wecom",
                 target=f"{robot.url}/cgi-bin/webhook/send?key={KEY}", **fields)


def _contacts(cli_run) -> list[dict]:
    return json.loads(cli_run("contacts", "list", "--format", "json").output)["contacts"]


def test_the_directory_shows_names_aliases_groups_and_the_names_known_only_from_documents(admin):
    page = admin.get("/units/").get_data(as_text=True)
    row = page.split(f">{UNIT}</a>")[1].split("</tr>")[0]
    assert "保护处" in row and "单位目录" in row and "无（提醒发给管理员）" in row
    assert "各地知识产权管理部门" in page and "福州市知识产权管理部门、厦门市知识产权管理部门" in page
    only_documents = page.split(">人数处</a>")[1].split("</tr>")[0]
    assert "仅见于文档" in only_documents
    assert "units.yaml" in page and "督办管理员" in page


def test_a_wecom_contact_is_saved_masked_audited_and_a_test_send_reaches_the_robot(admin, cli_run, robot, db_url):
    answer = _add_wecom(admin, robot, mentions="13800000001", label="保护处工作群")
    assert answer.status_code == 302
    stored = [c for c in _contacts(cli_run) if c["unit"] == UNIT]
    assert [(c["kind"], c["mentions"]) for c in stored] == [("wecom", ["13800000001"])]
    page = _page(admin)
    assert "key=c0ff…" in page and "保护处工作群" in page and "13800000001" in page
    audit = admin.get("/audit").get_data(as_text=True)
    assert "新增联系方式" in audit and "key=c0ff" in audit

    result = _post(admin, f"/units/{quote(UNIT)}/send-test", page)
    shown = result.get_data(as_text=True)
    assert result.status_code == 200 and "成功" in shown
    received = robot.received
    assert {r.query["key"] for r in received} == {KEY} and "测试消息" in received[0].body["markdown"]["content"]
    assert received[-1].body["text"]["mentioned_mobile_list"] == ["13800000001"]
    with session_scope(open_store(db_url)) as s:
        assert s.scalars(select(RobotBudget)).all(), "the test send booked the robot's shared budget"
    for text in (page, shown, audit, admin.get("/units/").get_data(as_text=True)):
        assert KEY not in text and KEY[4:20] not in text


def test_a_bad_key_is_refused_next_to_its_field_nothing_stored_and_the_key_never_echoed(admin, cli_run):
    bad = "zz!!" + KEY
    page = _page(admin)
    answer = _post(admin, f"/units/{quote(UNIT)}/contacts", page, kind="wecom", target=bad, mentions="138")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    form = text.split('id="add-wecom"')[1].split("</form>")[0]
    assert "令牌格式不对" in form and "手机号" in form
    assert bad not in text and KEY not in text
    assert not [c for c in _contacts(cli_run) if c["unit"] == UNIT and c["kind"]]


def test_a_signing_secret_is_never_shown_and_a_removed_contact_is_gone(admin, cli_run):
    token, secret = "ab" * 32, "SEC" + "9f" * 30
    page = _page(admin)
    added = _post(admin, f"/units/{quote(UNIT)}/contacts", page, kind="dingtalk", target=token, secret=secret)
    assert added.status_code == 302
    page = _page(admin)
    assert "已设置（已隐藏）" in page and secret not in page and secret[3:20] not in page and token not in page
    contact_id = re.search(r"/contacts/(\d+)/remove", page).group(1)
    assert _post(admin, f"/units/{quote(UNIT)}/contacts/{contact_id}/remove", page).status_code == 302
    assert not [c for c in _contacts(cli_run) if c["unit"] == UNIT and c["kind"]]
    audit = admin.get("/audit").get_data(as_text=True)
    assert "删除联系方式" in audit and secret not in audit and token not in audit


def test_the_admins_contacts_are_edited_on_the_admins_page(admin, cli_run):
    page = _page(admin, "督办管理员")
    assert "兜底接收人" in page
    answer = _post(admin, f"/units/{quote('督办管理员')}/contacts", page, kind="email", target="duban@example.gov.cn")
    assert answer.status_code == 302
    assert "duban@example.gov.cn" in admin.get("/settings/").get_data(as_text=True)


def _leads_of(cli_run, unit: str) -> set[int]:
    rows = json.loads(cli_run("plan", "--as-of", "2024-06-20", "--until", "2025-01-31", "--format", "json").output)
    return {r["lead_days"] for r in rows["reminders"] if r["unit"] == unit and r["kind"] == "lead"}


def test_a_units_lead_times_move_its_plan_at_once_and_bad_ones_are_refused(admin, cli_run):
    unit = "福州市知识产权管理部门"
    assert 7 in _leads_of(cli_run, unit)
    page = _page(admin, unit)
    refused = _post(admin, f"/units/{quote(unit)}/lead-times", page, lead_days="十天")
    assert refused.status_code == 400 and "提前天数应为 0 到 366 之间的整数" in refused.get_data(as_text=True)
    assert _post(admin, f"/units/{quote(unit)}/lead-times", page, lead_days="10, 2").status_code == 302
    assert _leads_of(cli_run, unit) <= {10, 2} and 7 in _leads_of(cli_run, "厦门市知识产权管理部门")
    assert "10、2" in admin.get("/units/").get_data(as_text=True)
    assert "修改单位提前量" in admin.get("/audit").get_data(as_text=True)
    assert _post(admin, f"/units/{quote(unit)}/lead-times", _page(admin, unit), lead_days="").status_code == 302
    assert 7 in _leads_of(cli_run, unit)


def test_a_viewer_sees_the_pages_without_forms_and_every_change_is_refused(viewer, robot):
    page = _page(viewer)
    assert "联系方式" in page and "添加企业微信群机器人" not in page and "发送测试消息</button>" not in page
    token = csrf_of(page)
    for path, fields in ((f"/units/{quote(UNIT)}/contacts", {"kind": "email", "target": "a@example.gov.cn"}),
                         (f"/units/{quote(UNIT)}/send-test", {}),
                         (f"/units/{quote(UNIT)}/lead-times", {"lead_days": "3"})):
        assert viewer.post(path, data={"csrf_token": token, **fields}).status_code == 403
    assert robot.received == []


def test_a_name_neither_the_directory_nor_the_store_knows_is_not_found(admin):
    assert admin.get(f"/units/{quote('不存在的处')}").status_code == 404


def test_config_apply_does_not_silently_wipe_a_contact_added_in_the_console_and_export_keeps_it(admin, cli_run,
                                                                                                 robot, store_config):
    assert _add_wecom(admin, robot).status_code == 302
    refused = cli_run("config", "apply", code=2)
    assert f"! {UNIT}: 删除 wecom 联系方式" in refused.output and KEY not in refused.output
    assert [c["kind"] for c in _contacts(cli_run) if c["unit"] == UNIT] == ["wecom"]
    cli_run("config", "export", "-o", str(store_config))
    cli_run("config", "apply")
    assert [c["kind"] for c in _contacts(cli_run) if c["unit"] == UNIT] == ["wecom"]


def test_an_email_test_send_goes_through_smtp_and_no_page_shows_the_smtp_password(admin, smtp_plain, monkeypatch):
    port, mailbox = smtp_plain
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("MODE", "plain"), ("USER", SMTP_USER),
                        ("PASSWORD", SMTP_PASSWORD), ("ALLOW_PLAIN_AUTH", "true"), ("SENDER", SMTP_USER)):
        monkeypatch.setenv(f"DUBAN_SMTP_{name}", value)
    page = _page(admin)
    added = _post(admin, f"/units/{quote(UNIT)}/contacts", page, kind="email", target="baohu@example.gov.cn")
    assert added.status_code == 302
    shown = _post(admin, f"/units/{quote(UNIT)}/send-test", _page(admin)).get_data(as_text=True)
    assert "成功" in shown and [e.rcpt_tos for e in mailbox.envelopes] == [["baohu@example.gov.cn"]]
    for text in (shown, admin.get(added.headers["Location"]).get_data(as_text=True),
                 admin.get("/settings/").get_data(as_text=True), admin.get("/audit").get_data(as_text=True)):
        assert SMTP_PASSWORD not in text


def test_a_contacts_mobiles_and_note_change_without_typing_the_key_again(admin, cli_run, robot):
    _add_wecom(admin, robot, mentions="13800000001")
    page = _page(admin)
    contact_id = re.search(r"/contacts/(\d+)/edit", page).group(1)
    refused = _post(admin, f"/units/{quote(UNIT)}/contacts/{contact_id}/edit", page, mentions="1380", label="")
    form = refused.get_data(as_text=True).split(f'id="edit-{contact_id}"')[1].split("</form>")[0]
    assert refused.status_code == 400 and "手机号" in form and KEY not in refused.get_data(as_text=True)
    saved = _post(admin, f"/units/{quote(UNIT)}/contacts/{contact_id}/edit", page, mentions="13900000002, @all",
                  label="新群")
    assert saved.status_code == 302
    [contact] = [c for c in _contacts(cli_run) if c["unit"] == UNIT]
    assert contact["mentions"] == ["13900000002", "@all"] and contact["target"].endswith("key=c0ff…")
    audit = admin.get("/audit").get_data(as_text=True)
    assert "修改联系方式" in audit and "13800000001" in audit and "13900000002" in audit and KEY not in audit


def test_a_unit_named_like_markup_is_shown_as_text(admin, db_url):
    from bot.store.models import Unit

    name = '<img src=x onerror="alert(1)">'
    with session_scope(open_store(db_url)) as s:
        s.add(Unit(name=name, aliases=["<script>x</script>"], groups=[]))
    for page in (admin.get("/units/").get_data(as_text=True), _page(admin, name)):
        assert name not in page and "<script>x" not in page and "&lt;img src=x onerror=" in page
