"""审核: the admin approves or returns a unit's 办结 and approves or refuses its 延期; the
reminders follow (stop for that unit only, or move to the new date with the original kept)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from bot.plan.states import OPEN_REMINDER
from bot.store.answer_models import UnitItem
from bot.store.console_models import AuditEntry
from bot.store.models import MilestoneUnit, Reminder, Unit
from tests.web.conftest import csrf_of
from tests.web.test_answers import REFUSED, paths, post, session_of

PROTECTION, FUZHOU = "知识产权保护处", "福州市知识产权管理部门"


def reminders(app, milestone_id: int, unit: str) -> list[Reminder]:
    with session_of(app) as db:
        return list(db.scalars(select(Reminder).join(Unit, Unit.id == Reminder.unit_id)
                               .where(Reminder.milestone_id == milestone_id, Unit.name == unit)))


def item(app, milestone_id: int, unit: str) -> tuple[UnitItem, MilestoneUnit]:
    with session_of(app) as db:
        mu = db.scalar(select(MilestoneUnit).join(Unit, Unit.id == MilestoneUnit.unit_id)
                       .where(MilestoneUnit.milestone_id == milestone_id, Unit.name == unit))
        found = db.scalar(select(UnitItem).where(UnitItem.milestone_unit_id == mu.id))
        if found is not None:
            found.events, mu.milestone  # loaded for the caller, after the session closes
        return found, mu


def decide(admin, decision: str, reason: str = ""):
    page = admin.get("/approvals").get_data(as_text=True)
    request_id = re.search(r'id="request-(\d+)"', page).group(1)
    return admin.post(f"/approvals/{request_id}", data={"csrf_token": csrf_of(page), "decision": decision,
                                                        "reason": reason}, follow_redirects=True)


def test_an_approved_done_stops_that_units_reminders_only(app, admin, clock):
    links = paths(app, clock, PROTECTION, 13)
    unit = app.test_client()
    assert post(unit, links["done"], name="张三", note="协作机制已建立，文件已印发").status_code == 200
    assert item(app, 13, PROTECTION)[0].state == "pending_review"
    assert not any(r.status in OPEN_REMINDER for r in reminders(app, 13, PROTECTION))  # paused while reviewed
    queue = admin.get("/approvals").get_data(as_text=True)
    assert "协作机制已建立，文件已印发" in queue and "办结审核" in queue
    answer = decide(admin, "approved")
    assert "办结审核通过，已销号" in answer.get_data(as_text=True)
    found, mu = item(app, 13, PROTECTION)
    assert found.state == "done" and (mu.done_at, mu.done_by) == (clock.now, "admin")
    mine = reminders(app, 13, PROTECTION)
    assert mine and not any(r.status in OPEN_REMINDER for r in mine)
    assert any(r.status in OPEN_REMINDER for r in reminders(app, 13, FUZHOU))
    assert "没有待审核" in admin.get("/approvals").get_data(as_text=True)
    page = unit.get(links["page"]).get_data(as_text=True)
    assert "已办结事项（1）" in page and "待审核 → 已办结" in page
    with session_of(app) as db:
        assert db.scalar(select(AuditEntry).where(AuditEntry.action == "审核办结")).target == f"M13 {PROTECTION}"


def test_a_returned_done_goes_back_to_work_with_the_reason_and_reminders_continue(app, admin, clock):
    links = paths(app, clock, PROTECTION, 13)
    unit = app.test_client()
    post(unit, links["done"], name="张三", note="已完成")
    assert "退回或不同意时请填写理由" in decide(admin, "returned").get_data(as_text=True)
    assert item(app, 13, PROTECTION)[0].state == "pending_review"  # no reason: not returned
    decide(admin, "returned", "缺少印发文件，请补充佐证材料")
    found, mu = item(app, 13, PROTECTION)
    assert found.state == "in_progress" and mu.done_at is None
    assert [e.new_state for e in found.events] == ["pending_review", "returned", "in_progress"]
    assert any(r.status in OPEN_REMINDER for r in reminders(app, 13, PROTECTION))
    assert "缺少印发文件，请补充佐证材料" in unit.get(links["page"]).get_data(as_text=True)
    assert unit.get(links["done"]).status_code == 404  # the used 办结 link stays used
    fresh = paths(app, clock, PROTECTION, 13)["done"]
    assert fresh != links["done"] and post(unit, fresh, name="张三", note="补充了印发文件").status_code == 200


def test_an_approved_extension_moves_that_units_milestone_and_reminders_and_keeps_the_original(app, admin, clock):
    links = paths(app, clock, FUZHOU, 8)
    unit = app.test_client()
    sent = post(unit, links["extend"], name="李四", new_due="2024-07-31", reason="需等待省局批复")
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert item(app, 8, FUZHOU)[0].state == "extension_requested"
    assert "申请延期至 <strong>2024-07-31</strong>（原定 2024-06-30）" in admin.get("/approvals").get_data(as_text=True)
    assert "已同意延期至 2024-07-31" in decide(admin, "approved").get_data(as_text=True)
    found, mu = item(app, 8, FUZHOU)
    assert (found.state, found.due, found.original_due, mu.milestone.due) == (
        "extended", date(2024, 7, 31), date(2024, 6, 30), date(2024, 6, 30))
    moved = [r for r in reminders(app, 8, FUZHOU) if r.status in OPEN_REMINDER]
    assert moved and all(r.due == date(2024, 7, 31) for r in moved)
    assert min(r.send_on for r in moved) > date(2024, 6, 30)
    others = [r for r in reminders(app, 8, "厦门市知识产权管理部门") if r.status in OPEN_REMINDER]
    assert others and all(r.due == date(2024, 6, 30) for r in others)
    page = unit.get(links["page"]).get_data(as_text=True)
    assert "2024-07-31" in page and "原定 2024-06-30" in page


def test_a_refused_extension_goes_back_and_nothing_moves(app, admin, clock):
    links = paths(app, clock, FUZHOU, 8)
    unit = app.test_client()
    post(unit, links["ack"], name="李四")
    before = sorted((r.id, r.due, r.status) for r in reminders(app, 8, FUZHOU))
    post(unit, links["extend"], name="李四", new_due="2024-07-31", reason="需等待批复")
    decide(admin, "refused", "时限不能调整")
    found, _ = item(app, 8, FUZHOU)
    assert (found.state, found.due) == ("acknowledged", None)
    assert sorted((r.id, r.due, r.status) for r in reminders(app, 8, FUZHOU)) == before


def test_an_extension_must_be_later_than_the_due_date(app, clock):
    links = paths(app, clock, FUZHOU, 8)
    answer = post(app.test_client(), links["extend"], name="李四", new_due="2024-06-01", reason="x")
    assert answer.status_code == 400 and "应晚于当前截止日期 2024-06-30" in answer.get_data(as_text=True)


def test_nothing_a_unit_types_becomes_markup_in_the_admins_pages(app, admin, clock):
    links = paths(app, clock, PROTECTION, 13)
    unit = app.test_client()
    note = '<script>alert(1)</script><img src=x onerror=alert(2)> <@all> [点此](http://evil.example)'
    post(unit, links["progress"], name="<b>王五</b>", text=note)
    post(unit, links["done"], name="<b>王五</b>", note=note)
    for html in (admin.get("/approvals").get_data(as_text=True), unit.get(links["page"]).get_data(as_text=True)):
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>王五" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;@all&gt;" in html
        assert "[点此](http://evil.example)" in html and 'href="http://evil.example"' not in html


def test_a_viewer_sees_the_queue_but_cannot_decide(app, viewer, clock):
    post(app.test_client(), paths(app, clock, PROTECTION, 13)["done"], name="张三", note="已完成")
    page = viewer.get("/approvals")
    assert page.status_code == 200 and "已完成" in page.get_data(as_text=True)
    assert "通过（销号）" not in page.get_data(as_text=True)
    assert viewer.post("/approvals/1", data={"csrf_token": csrf_of(page.get_data(as_text=True)),
                                             "decision": "approved"}).status_code == 403
    assert item(app, 13, PROTECTION)[0].state == "pending_review"


def test_the_admin_revokes_a_units_links(app, admin, clock):
    links = paths(app, clock, PROTECTION, 13)
    unit = app.test_client()
    assert unit.get(links["page"]).status_code == 200
    page = admin.get("/approvals").get_data(as_text=True)
    unit_id = re.search(r'action="/approvals/revoke/(\d+)"', page).group(1)
    done = admin.post(f"/approvals/revoke/{unit_id}", data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert f"已撤销 {PROTECTION} 的 5 个链接" in done.get_data(as_text=True)
    for path in links.values():
        assert REFUSED in unit.get(path).get_data(as_text=True)
    assert paths(app, clock, PROTECTION, 13) != links


def test_a_units_attachment_downloads_only_as_an_attachment_for_a_logged_in_user(app, admin, clock, tmp_path,
                                                                                monkeypatch):
    import io

    monkeypatch.setenv("DUBAN_ATTACHMENTS_DIR", str(tmp_path))
    done = paths(app, clock, PROTECTION, 13)["done"]
    unit = app.test_client()
    page = unit.get(done)
    unit.post(done, content_type="multipart/form-data", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "name": "张三", "note": "见附件",
        "attachment": (io.BytesIO(b"%PDF-1.4 evidence"), "佐证.pdf")})
    queue = admin.get("/approvals").get_data(as_text=True)
    href = re.search(r'href="(/approvals/attachments/\d+)"', queue).group(1)
    got = admin.get(href)
    assert got.data == b"%PDF-1.4 evidence" and got.mimetype == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert unit.get(href).status_code == 302  # not a public page
