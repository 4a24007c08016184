"""The review screen: the source text with its matches, and corrections that move the plan at once
and survive re-import."""
from __future__ import annotations

import json
import re

from tests.web.conftest import csrf_of

CITIES = ["福州市知识产权管理部门", "厦门市知识产权管理部门", "泉州市知识产权管理部门"]


def _doc_id(client) -> str:
    return re.search(r"/documents/(\d+)/review", client.get("/documents/").get_data(as_text=True)).group(1)


def _task8_june_key(page: str) -> str:
    section = page.split('id="task-8"')[1].split("</section>")[0]
    row = next(r for r in section.split("<tr>") if 'value="2024-06-30"' in r and "milestone.due" in r)
    return re.search(r'name="milestone_key" value="([^"]+)"', row).group(1)


def _correct(client, doc_id, page, **fields):
    return client.post(f"/documents/{doc_id}/corrections", data={"csrf_token": csrf_of(page), **fields})


def _plan_dues(cli_run):
    rows = json.loads(cli_run("plan", "--as-of", "2024-06-20", "--until", "2025-01-31",
                              "--format", "json").output)["reminders"]
    return {r["due"] for r in rows if r["task_no"] == 8}


def test_it_shows_the_source_text_with_each_match_highlighted_and_its_reading_beside(admin):
    page = admin.get(f"/documents/{_doc_id(admin)}/review").get_data(as_text=True)
    task8 = page.split('id="task-8"')[1].split("</section>")[0]
    assert re.search(r"<mark [^>]*title=\"2024-06-30 · 一次 · 规则 [^\"]+\">6月底前</mark>", task8)
    assert 'value="2024-12-31"' in task8 and "乱码" in task8
    assert "人数处" in page and "需要对应到单位目录的名称" in page


def test_changing_a_date_moves_the_plan_at_once_and_marks_the_value_as_set_by_a_person(admin, cli_run):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    assert "2024-06-30" in _plan_dues(cli_run)
    answer = _correct(admin, doc_id, page, kind="milestone.due", task_key="8", milestone_key=_task8_june_key(page),
                      due="2024-07-15", reason="以局务会安排为准")
    assert answer.status_code == 302
    assert _plan_dues(cli_run) == {"2024-07-15", "2024-12-31"}
    after = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    task8 = after.split('id="task-8"')[1].split("</section>")[0]
    assert 'value="2024-07-15"' in task8 and "人工" in task8 and "以局务会安排为准" in task8
    assert "修改截止日期" in admin.get("/audit").get_data(as_text=True)


def test_a_bad_date_is_refused_with_a_message_and_nothing_changes(admin, cli_run):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    answer = _correct(admin, doc_id, page, kind="milestone.due", task_key="8", milestone_key=_task8_june_key(page),
                      due="2024-02-30")
    assert answer.status_code == 400 and "不是有效日期" in answer.get_data(as_text=True)
    assert "2024-06-30" in _plan_dues(cli_run)


def test_unknown_names_and_groups_map_to_directory_units(admin, cli_run):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    assert _correct(admin, doc_id, page, kind="unit.map", name="人数处", units=["人事处"]).status_code == 302
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    group = "有关地市知识产权管理部门"
    assert _correct(admin, doc_id, page, kind="unit.map", name=group, units=CITIES).status_code == 302
    status = {u["unit"] for u in json.loads(cli_run("status", "--as-of", "2024-06-20", "--format", "json").output)["units"]}
    assert "人数处" not in status and "人事处" in status and set(CITIES) <= status and group not in status


def test_corrections_survive_reimport_of_the_seed(admin, cli_run, seed_path, tmp_path):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    _correct(admin, doc_id, page, kind="milestone.due", task_key="8", milestone_key=_task8_june_key(page), due="2024-07-15")
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    _correct(admin, doc_id, page, kind="unit.map", name="人数处", units=["人事处"])
    cli_run("import", str(seed_path), "--as-of", "2024-06-20")
    amended = tmp_path / "amended.md"
    amended.write_text(seed_path.read_text(encoding="utf-8").replace("2024年", "2024 年", 1), encoding="utf-8")
    cli_run("import", str(amended), "--as-of", "2024-06-20")
    assert _plan_dues(cli_run) == {"2024-07-15", "2024-12-31"}
    status = {u["unit"] for u in json.loads(cli_run("status", "--as-of", "2024-06-20", "--format", "json").output)["units"]}
    assert "人数处" not in status


def test_revoking_a_correction_brings_the_reading_back(admin, cli_run):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    _correct(admin, doc_id, page, kind="milestone.due", task_key="8", milestone_key=_task8_june_key(page), due="2024-07-15")
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    revoke = re.search(r'action="(/documents/\d+/corrections/\d+/revoke)"', page).group(1)
    assert admin.post(revoke, data={"csrf_token": csrf_of(page)}).status_code == 302
    assert "2024-06-30" in _plan_dues(cli_run)


def test_a_viewer_cannot_correct(viewer):
    doc_id = _doc_id(viewer)
    page = viewer.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    assert _correct(viewer, doc_id, page, kind="milestone.due", task_key="8", milestone_key="x",
                    due="2024-07-15").status_code == 403


def test_ticking_a_note_answers_htmx_with_the_ticked_note_and_a_plain_form_with_the_page(admin):
    doc_id = _doc_id(admin)
    page = admin.get(f"/documents/{doc_id}/review").get_data(as_text=True)
    message = re.search(r'name="message" value="([^"]+)"', page).group(1)
    fields = dict(kind="flag.checked", task_key="8", code="row-review", message=message)
    partial = admin.post(f"/documents/{doc_id}/corrections", headers={"HX-Request": "true"},
                         data={"csrf_token": csrf_of(page), **fields})
    assert partial.status_code == 200 and "已核对" in partial.get_data(as_text=True)
    assert "<html" not in partial.get_data(as_text=True)
    assert _correct(admin, doc_id, page, **fields).status_code == 302


def test_htmx_is_served_from_the_pinned_package(app):
    answer = app.test_client().get("/static/vendor/htmx.min.js")
    assert answer.status_code == 200 and b"htmx" in answer.data[:2000]


def test_a_long_list_is_reviewed_a_page_at_a_time(admin, cli_run, tmp_path):
    lines = ["2024年某市重点工作任务清单", "", "| 序号 | 重点任务 | 具体措施 | 责任单位 |", "|---|---|---|---|"]
    lines += [f"| {n} | 推进第{n}项工作 | 9月底前完成第{n}项。 | 市发展改革委 |" for n in range(1, 121)]
    (tmp_path / "long.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli_run("import", str(tmp_path / "long.md"), "--as-of", "2024-06-20")
    doc_id = re.findall(r"/documents/(\d+)/review", admin.get("/documents/").get_data(as_text=True))
    long_id = next(i for i in doc_id if "推进第1项工作" in admin.get(f"/documents/{i}/review").get_data(as_text=True))
    first = admin.get(f"/documents/{long_id}/review").get_data(as_text=True)
    assert "第 1 / 3 页" in first and 'id="task-50"' in first and 'id="task-51"' not in first
    third = admin.get(f"/documents/{long_id}/review?page=3").get_data(as_text=True)
    assert 'id="task-120"' in third and 'id="task-1"' not in third
