"""The store commands end to end through `python -m bot …`, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime

from icalendar import Calendar
from sqlalchemy import func, select

from bot.store import open_store, session_scope
from bot.store.models import AdminNotice, Contact, Document, LeadTimeRule


def test_it_prints_a_readable_plan_of_the_seed_and_the_same_as_json(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    shown = run("plan", "--as-of", "2024-05-22", "--until", "2024-12-31").output
    assert shown.splitlines()[0].split()[:4] == ["发送时间", "单位", "渠道", "时间节点"]
    assert "2024-05-31 周五 09:00" in shown and "6月底前" in shown and "兜底:督办管理员" in shown
    reminders = json.loads(run("plan", "--as-of", "2024-05-22", "--until", "2024-12-31", "--format", "json").output)["reminders"]
    assert f"共 {len(reminders)} 条提醒" in shown
    first = reminders[0]
    assert {"send_at", "unit", "channel", "milestone", "task", "due", "lead_days", "status"} <= first.keys()
    assert all(r["send_at"].endswith("+08:00") and r["send_at"][11:16] == "09:00" for r in reminders)
    assert all("2024-05-22" <= r["send_on"] <= "2024-12-31" for r in reminders)
    assert [r["send_at"] for r in reminders] == sorted(r["send_at"] for r in reminders)
    assert any(r["lead_days"] < 0 for r in reminders) and {r["status"] for r in reminders} == {"planned"}


def test_it_filters_the_plan_by_unit_alias_and_writes_it_as_ics(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    rows = json.loads(run("plan", "--as-of", "2024-05-22", "--unit", "保护处", "--format", "json").output)["reminders"]
    assert rows and {r["unit"] for r in rows} == {"知识产权保护处"}
    ics = Calendar.from_ical(run("plan", "--as-of", "2024-05-22", "--unit", "保护处", "--format", "ics").output)
    assert len(ics.walk("VEVENT")) == len(rows)


def test_it_stores_nothing_when_the_document_cannot_be_read(env, run, tmp_path, db_url):
    bad = tmp_path / "notes.txt"
    bad.write_text("没有年份的一段文字，6月底前完成。", encoding="utf-8")
    result = run("import", str(bad), code=2)
    assert result.output.startswith("错误: ") and "notes.txt" in result.output
    with session_scope(open_store(db_url)) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_it_applies_config_once_and_reports_nothing_the_second_time(env, run, db_url):
    (env / "settings.yaml").write_text(
        "lead_times:\n  default: [14, 3, 0]\n  by_unit:\n    知识产权保护处: [7, 1]\n"
        "admin:\n  name: 督办管理员\n  contacts:\n    - email: admin@example.gov.cn\n"
        "calendar:\n  - {date: 2027-02-05, workday: false, name: 春节}\n", encoding="utf-8")
    (env / "contacts.yaml").write_text(
        "units:\n  知识产权保护处:\n    - wecom: ${WECOM_KEY_BAOHU}\n      mentions: ['13800000000']\n", encoding="utf-8")
    first = run("config", "apply").output
    assert "知识产权保护处: 新增 wecom 联系方式 ${WECOM_KEY_BAOHU}" in first and "提前量 unit:知识产权保护处: [7, 1]" in first
    assert run("config", "apply").output.strip() == "配置与数据库一致，没有变化。"
    exported = run("config", "export").output
    assert "${WECOM_KEY_BAOHU}" in exported and "admin@example.gov.cn" in exported and "2027-02-05" in exported
    with session_scope(open_store(db_url)) as s:
        assert {r.scope for r in s.scalars(select(LeadTimeRule))} == {"default", "unit:知识产权保护处"}


def test_it_names_file_key_and_line_for_a_bad_setting(env, run):
    (env / "settings.yaml").write_text("timezone: Asia/Shanghai\nlead_times:\n  default: [30, -1]\n", encoding="utf-8")
    result = run("config", "apply", code=2)
    assert "settings.yaml 第 3 行 `lead_times.default[1]`" in result.output and "0 到 366" in result.output


def test_it_rejects_a_contact_for_an_unknown_unit_with_its_line(env, run):
    (env / "contacts.yaml").write_text("units:\n  知识产权保护处: []\n  不存在处:\n    - email: a@b.cn\n", encoding="utf-8")
    result = run("config", "apply", code=2)
    assert "contacts.yaml 第 3 行 `units.不存在处`" in result.output


def test_it_sets_lists_and_removes_a_units_contacts_without_showing_secrets(env, run, seed_path, db_url):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    run("contacts", "set", "运用处", "--wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}",
        "--mention", "13900000000", "--email", "yy@example.gov.cn")
    listing = run("contacts", "list").output
    assert key not in listing and "key=693a…" in listing and "yy@example.gov.cn" in listing
    assert "无联系方式：提醒发给管理员" in listing
    plan = json.loads(run("plan", "--as-of", "2024-05-22", "--unit", "运用处", "--format", "json").output)["reminders"]
    assert {r["channel"] for r in plan} == {"wecom+email"}
    run("contacts", "remove", "运用处", "--email", "yy@example.gov.cn")
    with session_scope(open_store(db_url)) as s:
        assert [c.kind for c in s.scalars(select(Contact))] == ["wecom"]
    assert "不是 11 位手机号" in run("contacts", "set", "运用处", "--wecom", "${K}", "--mention", "12", code=2).output


def test_it_marks_done_and_undoes_from_the_command_line(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    rows = json.loads(run("plan", "--as-of", "2024-05-22", "--format", "json").output)["reminders"]
    june = next(r for r in rows if r["milestone"] == "6月底前")
    unit = june["unit"]
    before = [r for r in rows if r["milestone_id"] == june["milestone_id"] and r["unit"] == unit]
    out = run("done", f"M{june['milestone_id']}", "--unit", unit, "--note", "已报送", "--by", "李四",
              "--as-of", "2024-06-28").output  # status --as-of counts only marks made by then
    assert "已标记完成" in out and unit in out
    after = json.loads(run("plan", "--as-of", "2024-05-22", "--format", "json").output)["reminders"]
    assert not [r for r in after if r["milestone_id"] == june["milestone_id"] and r["unit"] == unit]
    status = json.loads(run("status", "--as-of", "2024-07-02", "--format", "json").output)["units"]
    mine = next(s for s in status if s["unit"] == unit)
    assert mine["done"] == 1 and f"M{june['milestone_id']}" not in mine["overdue_items"]
    assert "已撤销完成标记" in run("undo", "--by", "李四").output
    again = json.loads(run("plan", "--as-of", "2024-05-22", "--format", "json").output)["reminders"]
    assert len([r for r in again if r["milestone_id"] == june["milestone_id"] and r["unit"] == unit]) == len(before)


def test_it_shows_each_units_overdue_and_due_soon_milestones(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    units = json.loads(run("status", "--as-of", "2024-07-02", "--format", "json").output)["units"]
    assert units[0]["light"] == "红" and units[0]["overdue"] >= 1
    soon = json.loads(run("status", "--as-of", "2024-06-25", "--format", "json").output)["units"]
    assert any(u["due_soon"] for u in soon) and not any(u["overdue"] for u in soon)
    assert "逾期(红)" in run("status", "--as-of", "2024-07-02").output


def test_it_exports_a_units_milestones_with_alarms_at_its_lead_times(env, run, seed_path, tmp_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    out = tmp_path / "baohu.ics"
    run("export-ics", "--unit", "保护处", "--output", str(out))
    cal = Calendar.from_ical(out.read_bytes())
    events = cal.walk("VEVENT")
    assert events and all(len(e.walk("VALARM")) == 6 for e in events)
    first = Calendar.from_ical(out.read_bytes())
    run("export-ics", "--unit", "保护处", "--output", str(out))
    assert [str(e["UID"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")] == \
        [str(e["UID"]) for e in first.walk("VEVENT")]


def test_it_warns_the_admin_once_from_november_that_next_years_calendar_is_missing(env, run, seed_path, db_url):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    assert "注意" not in run("status", "--as-of", "2026-10-30").output
    first = run("status", "--as-of", "2026-11-02").output
    assert "2027 年的法定节假日安排尚未收录" in first
    assert "尚未收录" not in run("status", "--as-of", "2026-11-03").output
    with session_scope(open_store(db_url)) as s:
        assert [n.key for n in s.scalars(select(AdminNotice))] == ["calendar-missing-2027"]


def test_it_sends_a_lead_time_missed_before_import_only_once_across_replans(env, run, seed_path, db_url):
    run("import", str(seed_path), "--as-of", "2024-06-18T10:00")
    planned = json.loads(run("plan", "--format", "json").output)["reminders"]
    catch_up = [r for r in planned if "补发一次" in r["note"]]
    assert catch_up and {r["send_on"] for r in catch_up} == {"2024-06-19"}
    from bot.config.settings import Settings
    from bot.plan.replan import replan_all

    with session_scope(open_store(db_url)) as s:  # a replan later that day (config apply replans at the real now)
        replan_all(s, Settings(), datetime.fromisoformat("2024-06-18T15:00+08:00"), "配置变更", "test")
    again = json.loads(run("plan", "--format", "json").output)["reminders"]
    assert [r for r in again if "补发一次" in r["note"]] == catch_up
    assert isinstance(datetime.fromisoformat(catch_up[0]["send_at"]).date(), date)


def test_done_without_a_unit_asks_for_all_and_status_and_plan_show_who_marked_it(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    rows = json.loads(run("plan", "--as-of", "2024-05-22", "--format", "json").output)["reminders"]
    june = next(r for r in rows if r["milestone"] == "6月底前")
    ref = f"M{june['milestone_id']}"
    refused = run("done", ref, code=2).output
    assert "--all" in refused and "--unit" in refused
    assert "两者选一" in run("done", ref, "--all", "--unit", june["unit"], code=2).output
    out = run("done", ref, "--all", "--note", "全部已报送", "--by", "王五", "--as-of", "2024-06-28").output
    assert "已标记完成" in out and june["unit"] in out

    status = json.loads(run("status", "--as-of", "2024-07-02", "--format", "json").output)["units"]
    mine = next(s for s in status if s["unit"] == june["unit"])
    [mark] = [m for m in mine["done_items"] if m["milestone"] == ref]
    assert (mark["done_by"], mark["note"]) == ("王五", "全部已报送") and mark["done_at"]
    assert "王五" in run("status", "--as-of", "2024-07-02").output
    plan = json.loads(run("plan", "--format", "json").output)
    assert {(m["milestone"], m["done_by"], m["note"]) for m in plan["done"]} == {(ref, "王五", "全部已报送")}
    assert "已标记完成" in run("plan", "--as-of", "2024-05-22").output


def test_a_contact_added_after_run_once_expired_last_year_plans_nothing_for_last_year(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    assert "过期" in run("run", "--once").output  # the live service today: 2024 is long past
    (env / "contacts.yaml").write_text("units:\n  知识产权保护处:\n    - email: baohu@example.gov.cn\n",
                                       encoding="utf-8")
    applied = run("config", "apply").output
    assert "恢复 0" in applied and "新增 0" in applied
    plan = json.loads(run("plan", "--format", "json").output)["reminders"]
    assert [r for r in plan if r["due"].startswith("2024")] == []


def test_run_once_reports_its_round_as_json(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-05-22")
    report = json.loads(run("run", "--once", "--format", "json").stdout)
    assert report["digests"]["messages"] == 0 and report["digests"]["expired"] > 2000
    assert set(report["dispatch"]) >= {"sent", "retry", "failed"}
