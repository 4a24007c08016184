"""设置 → 办公室设置: send time, escalation, implicit due date, public address … edited in the console.

The stored value wins over settings.yaml (the environment over both), is seen by every new
Settings load through the store and by the run loop's next tick, moves the plan at once,
is audited, and round-trips through `config export` / `config apply`."""
from __future__ import annotations

import html
import json
import re
from datetime import time

from sqlalchemy import select

from bot.store import open_store, session_scope
from bot.store.settings_models import OfficeSetting
from tests.web.conftest import csrf_of


def _page(client) -> str:
    return client.get("/settings/").get_data(as_text=True)


def _form(page: str, **changes) -> dict:
    """The office form as the page fills it in, with `changes` typed over it."""
    office = page.split('id="office"')[1].split("</form>")[0]
    data = dict(re.findall(r'<input type="text" name="([^"]+)" value="([^"]*)"', office))
    data |= {name: re.search(r'value="(\d)" selected', body).group(1) if "selected" in body else "0"
             for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', office, re.S)}
    return data | {"csrf_token": csrf_of(page)} | changes


def _save(client, **changes):
    return client.post("/settings/office", data=_form(_page(client), **changes))


def _plan(cli_run) -> list[dict]:
    return json.loads(cli_run("plan", "--as-of", "2024-06-20", "--until", "2025-03-31", "--format", "json").output)["reminders"]


def _stored(db_url) -> dict:
    with session_scope(open_store(db_url)) as s:
        return {r.key: json.loads(r.value) for r in s.scalars(select(OfficeSetting))}


def test_the_send_time_saved_in_the_console_moves_the_plan_is_audited_and_is_what_a_new_load_sees(admin, cli_run,
                                                                                                  db_url):
    assert {r["send_at"][11:16] for r in _plan(cli_run)} == {"09:00"}
    answer = _save(admin, send_time=" 9:05")
    assert answer.status_code == 302
    assert _stored(db_url) == {"send_time": "09:05"}
    assert {r["send_at"][11:16] for r in _plan(cli_run)} == {"09:05"}
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已保存：send_time 09:00 → 09:05" in page and "改期" in page
    assert 'name="send_time" value="09:05"' in page
    assert "数据库（控制台修改）" in page.split('id="field-send_time"')[1].split("</label>")[0]
    audit = admin.get("/audit").get_data(as_text=True)
    assert "修改设置" in audit and "09:00" in audit and "09:05" in audit

    from bot.cli.store_options import store_session

    with store_session() as (_, settings):
        assert settings.send_time == time(9, 5)


def test_escalation_and_the_ack_reminder_replan_at_once(admin, cli_run):
    before = _plan(cli_run)
    assert not any(r["kind"] == "ack" for r in before)
    overdue = [r for r in before if r["kind"] == "overdue"]
    assert any(sum(1 for o in overdue if (o["unit"], o["milestone_id"]) == (r["unit"], r["milestone_id"])) > 1
               for r in overdue)
    assert _save(admin, overdue_max="1", ack_reminder_after_days="2").status_code == 302
    after = _plan(cli_run)
    chased = [(r["unit"], r["milestone_id"]) for r in after if r["kind"] == "overdue"]
    assert chased and len(chased) == len(set(chased))  # at most one overdue reminder per unit and milestone
    assert any(r["kind"] == "ack" for r in after)


def test_the_implicit_due_date_moves_the_undated_tasks_but_not_one_a_person_set(admin, cli_run, db_url, seed_path):
    from bot.store.models import Milestone

    with session_scope(open_store(db_url)) as s:
        implicit = s.scalars(select(Milestone).where(Milestone.matched_by == "implicit-year-end")).all()
        assert implicit and {m.due.isoformat() for m in implicit} == {"2024-12-31"}
        person = implicit[0]
        person.matched_by, person_id = "manual", person.id
    answer = _save(admin, implicit_due="11-30")
    assert answer.status_code == 302
    assert "个默认截止日已改为新日期" in admin.get(answer.headers["Location"]).get_data(as_text=True)
    with session_scope(open_store(db_url)) as s:
        dues = {m.id: m.due.isoformat() for m in s.scalars(select(Milestone).where(
            Milestone.kind == "implicit", Milestone.removed_at.is_(None)))}
    assert dues.pop(person_id) == "2024-12-31"
    assert set(dues.values()) == {"2024-11-30"}
    assert "2024-11-30" in {r["due"] for r in _plan(cli_run)}
    from bot.pipeline import extract_document

    with session_scope(open_store(db_url)) as s:  # a document read now (an upload, `import`) reads the new date
        read = extract_document(seed_path, session=s)
    assert {m.due.isoformat() for m in read.milestones if m.matched_by == "implicit-year-end"} == {"2024-11-30"}


BAD = [  # field, typed, the message shown next to it (settings.yaml's own rule)
    [("send_time", "25:00", "发送时间应写成 \"HH:MM\""), ("overdue_repeat", "0", "应为 1 到 60 之间的整数"),
     ("overdue_max", "很多", "应为 0 到 100 之间的整数"), ("escalate_once", "400", "应为 1 到 366 之间的整数"),
     ("ack_reminder_after_days", "61", "应为 1 到 60 之间的整数"), ("implicit_due", "02-30", "应写成每年都有的日期"),
     ("due_soon_days", "0", "应为 1 到 60 之间的整数"), ("public_url", "ftp://duban.example.gov.cn", "以 http:// 或 https:// 开头"),
     ("secrecy", "maybe", "应为 true"), ("link_expiry_days", "-1", "应为 1 到 366 之间的整数")],
    [("send_time", "9点", "发送时间应写成 \"HH:MM\""), ("implicit_due", "02-29", "02-29 只在闰年存在"),
     ("public_url", "https://duban.example.gov.cn/(x)", "不含空格和括号")],
]


def test_bad_values_are_refused_next_to_their_fields_and_nothing_is_stored(admin, cli_run, db_url):
    before = _plan(cli_run)
    for bad in BAD:
        answer = _save(admin, overdue_copy="4", **{field: text for field, text, _ in bad})
        page = html.unescape(answer.get_data(as_text=True))
        assert answer.status_code == 400
        for field, text, message in bad:
            label = page.split(f'id="field-{field}"')[1].split("</label>")[0]
            assert message in label and 'role="alert"' in label, field
            if field != "secrecy":
                assert f'value="{text}"' in label  # what was typed stays, to be corrected
        assert 'value="4"' in page.split('id="field-overdue_copy"')[1].split("</label>")[0]
        assert 'role="alert"' not in page.split('id="field-overdue_copy"')[1].split("</label>")[0]
    assert _stored(db_url) == {} and _plan(cli_run) == before


def test_settings_that_do_not_move_the_plan_are_stored_without_a_replan(admin, db_url):
    answer = _save(admin, due_soon_days="10", public_url="https://duban.example.gov.cn/", secrecy="1",
                   link_expiry_days="60")
    assert answer.status_code == 302
    assert _stored(db_url) == {"due_soon_days": 10, "public_url": "https://duban.example.gov.cn", "secrecy": True,
                               "link_expiry_days": 60}
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已保存" in page and "提醒：新增" not in page
    assert 'name="public_url" value="https://duban.example.gov.cn"' in page
    assert _save(admin).status_code == 302
    assert "设置没有变化" in _page(admin)


def test_the_environment_still_wins_and_the_page_says_so(admin, db_url, monkeypatch, cli_run):
    monkeypatch.setenv("DUBAN_SEND_TIME", "07:45")
    answer = _save(admin, send_time="10:30")
    assert answer.status_code == 302
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "环境变量 DUBAN_SEND_TIME 优先" in page
    row = page.split('id="field-send_time"')[1].split("</label>")[0]
    assert 'value="10:30"' in row and "当前生效值 07:45" in row
    assert {r["send_at"][11:16] for r in _plan(cli_run)} == {"07:45"}
    monkeypatch.delenv("DUBAN_SEND_TIME")
    assert {r["send_at"][11:16] for r in _plan(cli_run)} == {"10:30"}  # the stored value, once nothing overrides it
    from bot.cli.store_options import store_session

    with store_session() as (_, settings):
        assert settings.send_time == time(10, 30)


def test_a_viewer_sees_the_values_but_cannot_change_them_and_a_post_needs_its_token(viewer, admin, db_url):
    page = _page(viewer)
    office = page.split('id="office"')[1].split("</section>")[0]
    assert "<form" not in office and "09:00" in office and "每日发送时间" in office
    assert viewer.post("/settings/office", data={"csrf_token": csrf_of(page), "send_time": "10:00"}).status_code == 403
    data = _form(_page(admin), send_time="10:00")
    assert admin.post("/settings/office", data={k: v for k, v in data.items() if k != "csrf_token"}).status_code == 400
    assert admin.post("/settings/office", data=data | {"csrf_token": "wrong"}).status_code == 400
    assert _stored(db_url) == {}


def test_config_apply_shows_what_it_would_overwrite_and_export_writes_it_back(admin, cli_run, db_url, store_config):
    assert _save(admin, send_time="10:30", overdue_copy="2").status_code == 302
    refused = cli_run("config", "apply", code=2)
    assert "设置 send_time: 数据库（控制台修改）10:30 → 文件 09:00" in refused.output
    assert "设置 overdue" in refused.output and "--yes" in refused.output
    assert _stored(db_url) == {"send_time": "10:30", "overdue": {"repeat_every_workdays": 3,
                                                                 "copy_admin_after_workdays": 2, "max_reminders": 5}}
    cli_run("config", "export", "-o", str(store_config))  # the office's own folder (the old file kept as .bak)
    text = (store_config / "settings.yaml").read_text(encoding="utf-8")
    assert "send_time: '10:30'" in text and "copy_admin_after_workdays: 2" in text
    assert (store_config / "settings.yaml.bak").exists()
    quiet = cli_run("config", "apply")  # the file now says what the store did: nothing to confirm
    assert "设置 " not in quiet.output
    assert _stored(db_url) == {}
    assert {r["send_at"][11:16] for r in _plan(cli_run)} == {"10:30"}
    assert _save(admin, send_time="11:00").status_code == 302
    applied = cli_run("config", "apply", "--yes")  # the file wins again, and says over what
    assert "设置 send_time: 数据库（控制台修改）11:00 → 文件 10:30" in applied.output
    assert _stored(db_url) == {} and {r["send_at"][11:16] for r in _plan(cli_run)} == {"10:30"}


def test_the_run_loop_moves_its_digest_to_the_new_send_time_at_its_next_tick(admin, db_url, store_config):
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.config.settings import load_settings
    from jobs.runner import Guard, schedule
    from jobs.worker import Worker

    worker = Worker(open_store(db_url), load_settings(), worker_id="settings-test", throttle=False)
    worker.prepare()
    scheduler = BackgroundScheduler(timezone=worker.settings.tz)
    jobs = schedule(scheduler, worker, Guard(worker.stop, worker.wall))
    scheduler.start(paused=True)
    try:
        def fields() -> dict:
            trigger = scheduler.get_job("digest").trigger
            return {f.name: str(f) for f in trigger.fields if f.name in ("hour", "minute")}

        tick = scheduler.get_job("settings")
        assert fields() == {"hour": "9", "minute": "0"}
        tick.func(*tick.args)
        assert fields() == {"hour": "9", "minute": "0"}
        assert _save(admin, send_time="14:20").status_code == 302
        tick.func(*tick.args)  # what the scheduler runs every 30 s
        assert fields() == {"hour": "14", "minute": "20"}
        assert worker.settings.send_time == time(14, 20) and jobs.send == time(14, 20)
    finally:
        scheduler.shutdown(wait=False)
