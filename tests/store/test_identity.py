"""Which stored document and task a file's rows belong to (redteam F03, issue 12's task identity)."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from bot.store import open_store, session_scope
from bot.store.models import Document, Milestone, Reminder, Task

FUJIAN = ("福建省知识产权局文件\n\n2024年工作要点\n\n1. 推进规划实施。6月底前完成规划评估。（责任单位：保护处）\n"
          "2. 加强协调。9月底前完成督查。（责任单位：运用处）\n\n福建省知识产权局\n2024年3月1日印发\n")
XIAMEN = ("厦门市知识产权局文件\n\n2024年工作要点\n\n1. 开展专项执法。5月底前完成部署。（责任单位：厦门市知识产权局）\n\n"
          "厦门市知识产权局\n2024年3月5日印发\n")
OTHER_TASKS = ("福建省知识产权局文件\n\n2024年工作要点\n\n1. 开展商标专项整治。5月底前完成部署。（责任单位：商标处）\n"
               "2. 组织专利导航。8月底前完成。（责任单位：运用处）\n\n福建省知识产权局\n2024年4月1日印发\n")


def _count(db_url, model, *where) -> int:
    with session_scope(open_store(db_url)) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _open_reminders(db_url) -> int:
    return _count(db_url, Reminder, Reminder.status == "planned")


def test_another_offices_list_with_the_same_title_is_a_new_document(env, run, tmp_path, db_url):
    """The reproduction of F03: before, the Xiamen list deleted Fujian's tasks and cancelled its reminders."""
    (tmp_path / "a.md").write_text(FUJIAN, encoding="utf-8")
    (tmp_path / "b.md").write_text(XIAMEN, encoding="utf-8")
    run("import", str(tmp_path / "a.md"), "--as-of", "2024-03-01")
    fujian_reminders = _open_reminders(db_url)
    result = run("import", str(tmp_path / "b.md"), "--as-of", "2024-03-05").output
    assert "首次导入" in result and "删除任务" not in result and "取消 0" in result
    assert _count(db_url, Document) == 2
    assert _count(db_url, Task, Task.removed_at.is_(None)) == 3
    assert _open_reminders(db_url) > fujian_reminders


def test_a_same_titled_list_sharing_no_task_is_refused_until_the_admin_says_which_it_is(env, run, tmp_path, db_url):
    (tmp_path / "a.md").write_text(FUJIAN, encoding="utf-8")
    (tmp_path / "c.md").write_text(OTHER_TASKS, encoding="utf-8")
    run("import", str(tmp_path / "a.md"), "--as-of", "2024-03-01")
    before = _open_reminders(db_url)
    refused = run("import", str(tmp_path / "c.md"), "--as-of", "2024-04-01", code=2).output
    assert "没有一项相同" in refused and "--replace" in refused and "--new" in refused
    assert _open_reminders(db_url) == before and _count(db_url, Document) == 1

    run("import", str(tmp_path / "c.md"), "--as-of", "2024-04-01", "--new")
    assert _count(db_url, Document) == 2 and _count(db_url, Task, Task.removed_at.is_(None)) == 4


def test_replace_takes_a_same_titled_list_as_the_revision(env, run, tmp_path, db_url):
    (tmp_path / "a.md").write_text(FUJIAN, encoding="utf-8")
    (tmp_path / "c.md").write_text(OTHER_TASKS, encoding="utf-8")
    run("import", str(tmp_path / "a.md"), "--as-of", "2024-03-01")
    revised = run("import", str(tmp_path / "c.md"), "--as-of", "2024-04-01", "--replace").output
    assert "已更新" in revised and _count(db_url, Document) == 1


def test_tasks_numbered_again_in_each_section_keep_their_own_deadlines_and_units(env, run, tmp_path, db_url):
    """Two "task 1"s once shared each other's milestones (joined by number): doubled reminders."""
    extraction = json.loads(run("extract", "-", "--year", "2024", "--format", "json",
                                input="6月底前完成。").output)
    one = extraction["tasks"][0]
    extraction["document"].update(title="2024年两部分工作要点", issuer="某市人民政府")
    extraction["tasks"] = [dict(one, key="1-1", no=1, title="甲", units=["市发展改革委"]),
                           dict(one, key="2-1", no=1, title="乙", units=["市财政局"])]
    first = dict(extraction["milestones"][0], task_key="1-1", units=["市发展改革委"])
    second = dict(first, task_key="2-1", due="2024-09-30", units=["市财政局"])
    extraction["milestones"] = [first, second]
    (tmp_path / "two.json").write_text(json.dumps(extraction, ensure_ascii=False), encoding="utf-8")
    run("import", str(tmp_path / "two.json"), "--as-of", "2024-03-01")
    with session_scope(open_store(db_url)) as s:
        stored = {t.title: [(m.due.isoformat(), [mu.unit.name for mu in m.units]) for m in t.milestones]
                  for t in s.scalars(select(Task))}
    assert stored == {"甲": [("2024-06-30", ["市发展改革委"])], "乙": [("2024-09-30", ["市财政局"])]}


def test_a_corrected_extraction_imports_and_moves_the_plan(env, run, seed_path, db_url):
    run("import", str(seed_path), "--as-of", "2024-06-01")
    extraction = json.loads(run("extract", str(seed_path), "--format", "json").output)
    for m in extraction["milestones"]:
        if m["task_key"] == "8" and m["due"] == "2024-06-30":
            m["due"] = "2024-07-15"
    result = run("import", "-", "--as-of", "2024-06-01", input=json.dumps(extraction, ensure_ascii=False)).output
    assert "2024-06-30 → 「6月底前」 2024-07-15" in result
    assert _count(db_url, Milestone, Milestone.due == date(2024, 7, 15)) == 1


def test_a_hand_edited_extraction_with_a_bad_field_says_where_and_stores_nothing(env, run, db_url):
    bad = {"document": {"year": 2024, "title": "x"}, "tasks": [{"title": "甲", "key": "1"}],
           "milestones": [{"kind": "once", "due": "2024-13-01", "task_key": "1"}]}
    result = run("import", "-", input=json.dumps(bad), code=2).output
    assert "milestones[0].due" in result and "2024-13-01" in result
    assert "Traceback" not in result
    unknown = dict(bad, milestones=[{"kind": "once", "due": "2024-06-30", "task_key": "9"}])
    assert "task_key" in run("import", "-", input=json.dumps(unknown), code=2).output
    assert "不是有效的 JSON" in run("import", "-", input="{", code=2).output
    assert _count(db_url, Document) == 0


def test_a_unit_name_too_long_for_the_store_is_refused_with_a_message(env, run, tmp_path, db_url):
    long_name = "某" * 240 + "局"
    (tmp_path / "l.md").write_text(f"2024年某工作要点\n\n1. 推进甲。6月底前完成。\n责任单位：{long_name}\n", encoding="utf-8")
    result = run("import", str(tmp_path / "l.md"), "--as-of", "2024-03-01", code=2).output
    assert "名称过长" in result and _count(db_url, Document) == 0
