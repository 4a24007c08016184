"""设置: settings shown with where they come from; lead times and calendar overrides edited in
the store, audited, and moving the plan at once."""
from __future__ import annotations

import json

from tests.web.conftest import csrf_of


def _page(client) -> str:
    return client.get("/settings/").get_data(as_text=True)


def _plan(cli_run) -> list[dict]:
    return json.loads(cli_run("plan", "--as-of", "2024-06-20", "--until", "2025-01-31", "--format", "json").output)["reminders"]


def test_file_only_settings_are_shown_with_their_file_and_how_to_change_them(admin, store_config):
    page = _page(admin)
    fixed = page.split('id="fixed"')[1].split("</section>")[0]
    assert "Asia/Shanghai" in fixed and "400 天" in fixed and "默认值" in fixed
    assert str(store_config / "settings.yaml") in fixed and "重启" in fixed
    assert "<input" not in fixed
    office = page.split('id="office"')[1].split("</section>")[0]
    assert 'name="send_time" value="09:00"' in office and 'name="implicit_due" value="12-31"' in office
    assert 'name="public_url" value=""' in office


def test_the_public_url_from_the_environment_wins_and_says_so(admin, monkeypatch):
    monkeypatch.setenv("DUBAN_PUBLIC_URL", "https://duban.example.gov.cn")
    row = _page(admin).split('id="field-public_url"')[1].split("</label>")[0]
    assert "https://duban.example.gov.cn" in row and "环境变量 DUBAN_PUBLIC_URL" in row


def test_default_and_kind_lead_times_move_the_plan_and_are_audited(admin, cli_run):
    assert {r["lead_days"] for r in _plan(cli_run) if r["kind"] == "lead"} >= {30, 14, 7}
    page = _page(admin)
    assert "当前来源：默认值（第一次在此修改后保存到数据库）" in page
    answer = admin.post("/settings/lead-times", data={"csrf_token": csrf_of(page), "default": "5，1",
                                                      "kind_implicit": "20"})
    assert answer.status_code == 302
    rows = _plan(cli_run)
    assert {r["lead_days"] for r in rows if r["kind"] == "lead" and r["due"] != "2024-12-31"} <= {5, 1}
    assert 20 in {r["lead_days"] for r in rows if r["kind"] == "lead"}
    after = _page(admin)
    assert 'value="5,1"' in after and "数据库" in after.split('id="lead"')[1]
    audit = admin.get("/audit").get_data(as_text=True)
    assert "修改提前量" in audit and "[30, 14, 7, 3, 1, 0]" in audit and "[5, 1]" in audit


def test_a_bad_lead_time_is_refused_next_to_its_field_and_nothing_changes(admin, cli_run):
    before = _plan(cli_run)
    page = _page(admin)
    answer = admin.post("/settings/lead-times", data={"csrf_token": csrf_of(page), "default": "",
                                                      "kind_once": "7,400"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "默认提前量不能为空" in text and "0 到 366 之间" in text.split('name="kind_once"')[1].split("</label>")[0]
    assert 'value="7,400"' in text
    assert _plan(cli_run) == before


def test_a_calendar_holiday_moves_the_reminders_of_that_day_and_removing_it_moves_them_back(admin, cli_run):
    assert any(r["send_on"] == "2024-06-21" for r in _plan(cli_run))
    page = _page(admin)
    answer = admin.post("/settings/calendar", data={"csrf_token": csrf_of(page), "day": "2024-06-21",
                                                    "workday": "0", "name": "临时停工"})
    assert answer.status_code == 302
    assert not any(r["send_on"] == "2024-06-21" for r in _plan(cli_run))
    page = _page(admin)
    assert "临时停工" in page and "新增日历调整" in admin.get("/audit").get_data(as_text=True)
    assert admin.post("/settings/calendar/2024-06-21/remove", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert any(r["send_on"] == "2024-06-21" for r in _plan(cli_run))


def test_a_bad_calendar_day_is_refused_with_a_message(admin):
    page = _page(admin)
    answer = admin.post("/settings/calendar", data={"csrf_token": csrf_of(page), "day": "2024-02-30",
                                                    "workday": "x", "name": "假" * 101})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "日期应写成" in text and "请选择" in text and "不能超过 100 个字" in text
    assert admin.post("/settings/calendar/2024-13-01/remove", data={"csrf_token": csrf_of(page)}).status_code == 404


def test_a_viewer_reads_the_settings_but_cannot_change_them(viewer, cli_run):
    page = _page(viewer)
    assert "默认" in page and "保存提前量" not in page and "保存日历调整" not in page
    token = csrf_of(page)
    assert viewer.post("/settings/lead-times", data={"csrf_token": token, "default": "1"}).status_code == 403
    assert viewer.post("/settings/calendar", data={"csrf_token": token, "day": "2024-06-21",
                                                   "workday": "0"}).status_code == 403
    assert any(r["send_on"] == "2024-06-21" for r in _plan(cli_run))


def test_a_value_written_in_settings_yaml_names_the_file_and_the_environment_wins_over_it(app, store_config, db_url,
                                                                                          clock, monkeypatch):
    from bot.web import create_app
    from tests.web.conftest import ADMIN_PASSWORD, log_in

    (store_config / "settings.yaml").write_text('send_time: "08:30"\nimplicit_due: "11-30"\n', encoding="utf-8")
    client = create_app(db_url, clock=clock).test_client()
    log_in(client, "admin", ADMIN_PASSWORD)
    office = _page(client).split('id="office"')[1].split("</section>")[0]
    send_row = office.split('id="field-send_time"')[1].split("</label>")[0]
    assert 'value="08:30"' in send_row and f"{store_config / 'settings.yaml'}（send_time）" in send_row
    assert 'name="implicit_due" value="11-30"' in office
    monkeypatch.setenv("DUBAN_SEND_TIME", "07:45")
    client = create_app(db_url, clock=clock).test_client()
    log_in(client, "admin", ADMIN_PASSWORD)
    send_row = _page(client).split('id="field-send_time"')[1].split("</label>")[0]
    assert "当前生效值 07:45" in send_row and "环境变量 DUBAN_SEND_TIME" in send_row
    assert 'value="08:30"' in send_row  # the configured value, in force again once the variable is gone
