"""An alias saved in the console (review screen) names its unit on the command line exactly as a
units.yaml alias does: contacts, plan, status, done, export-ics and send-test all resolve it."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.store import open_store, session_scope
from bot.store.aliases import save_alias
from tests.store.conftest import run  # noqa: F401  (the store tests' in-process `python -m bot`)

ALIAS, UNIT = "维权处", "知识产权保护处"  # 维权处 is in neither units.yaml nor the seed


@pytest.fixture
def aliased(store_config, run, db_url, seed_path):
    """The seed imported, then 维权处 saved in the console as an alias of 知识产权保护处."""
    run("import", str(seed_path), "--as-of", "2024-05-22")
    with session_scope(open_store(db_url)) as session:
        save_alias(session, ALIAS, [UNIT], actor="李四", now=datetime(2024, 5, 23, tzinfo=timezone.utc))


def _plan(run, unit: str) -> list[dict]:
    return json.loads(run("plan", "--as-of", "2024-05-22", "--unit", unit, "--format", "json").output)["reminders"]


def test_plan_status_and_export_ics_read_a_console_alias_as_its_unit(aliased, run, tmp_path):
    rows = _plan(run, ALIAS)
    assert rows and {r["unit"] for r in rows} == {UNIT} and rows == _plan(run, UNIT)
    status = json.loads(run("status", "--as-of", "2024-07-02", "--unit", ALIAS, "--format", "json").output)["units"]
    assert [s["unit"] for s in status] == [UNIT]
    out = tmp_path / "baohu.ics"
    run("export-ics", "--unit", ALIAS, "--output", str(out))
    assert out.read_text(encoding="utf-8").count("BEGIN:VEVENT") > 0


def test_done_marks_the_console_aliases_unit(aliased, run):
    first = _plan(run, UNIT)[0]
    out = run("done", f"M{first['milestone_id']}", "--unit", ALIAS, "--by", "李四", "--as-of", "2024-05-23").output
    assert "已标记完成" in out and UNIT in out
    assert not [r for r in _plan(run, UNIT) if r["milestone_id"] == first["milestone_id"]]


def test_contacts_and_send_test_reach_the_unit_through_a_console_alias(aliased, run):
    refused = run("send-test", ALIAS, code=2).output  # found, but it has no contact yet
    assert f"单位「{UNIT}」没有联系方式" in refused
    out = run("contacts", "set", ALIAS, "--email", "weiquan@example.gov.cn").output
    assert UNIT in out and "新增 email 联系方式" in out
    listed = json.loads(run("contacts", "list", "--unit", ALIAS, "--format", "json").output)["contacts"]
    assert [(c["unit"], c["kind"]) for c in listed] == [(UNIT, "email")]
    assert "删除" in run("contacts", "remove", ALIAS, "--email", "weiquan@example.gov.cn").output


def test_a_name_no_directory_and_no_console_alias_knows_is_still_refused(aliased, run):
    out = run("plan", "--as-of", "2024-05-22", "--unit", "宣教处", code=2).output
    assert "找不到单位「宣教处」" in out
