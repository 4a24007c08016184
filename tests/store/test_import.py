"""Importing the seed, re-importing it, an amended copy, done and undo — on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.model import Extraction
from bot.pipeline import extract_document
from bot.plan.completion import mark_done, undo_done
from bot.plan.imports import import_extraction
from bot.plan.replan import plan_context
from bot.store.models import (
    CANCELLED,
    DONE,
    PLANNED,
    CompletionEvent,
    Document,
    Milestone,
    MilestoneUnit,
    Reminder,
    ReminderEvent,
    Task,
    Unit,
)

SANMING = "三明市知识产权管理部门"


@pytest.fixture(scope="module")
def seed(seed_path) -> Extraction:
    return extract_document(seed_path)


def amend(seed_path, tmp_path) -> Extraction:
    """Task 8's 6月底前 becomes 9月底前, task 12 is dropped, task 18's 商标处 becomes 法规处."""
    lines = []
    for line in seed_path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("| 12. "):
            continue
        if line.startswith("| 8. "):
            line = line.replace("6月底前", "9月底前", 1)
        if line.startswith("| 18. "):
            line = line.replace("商标处", "法规处", 1)
        lines.append(line)
    path = tmp_path / "amended.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return extract_document(path)


def snapshot(session) -> list[tuple]:
    return sorted(session.execute(select(Reminder.id, Reminder.milestone_id, Reminder.unit_id, Reminder.lead_days,
                                         Reminder.send_at, Reminder.status)).all())


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def do_import(session, settings, extraction, when):
    report = import_extraction(session, extraction, settings=settings, as_of=when, actor="tester")
    session.flush()
    return report


def june_milestone(session) -> Milestone:
    return session.scalars(select(Milestone).join(Task).where(Task.no == 8).order_by(Milestone.id)).first()


def test_it_stores_the_seed_with_a_reminder_per_unit_and_lead_time(session, settings, seed, at):
    report = do_import(session, settings, seed, at("2024-05-22"))
    assert report.created and report.stats.created == count(session, Reminder) > 0
    assert count(session, Milestone) == len(seed.milestones)
    june = june_milestone(session)
    leads = sorted({r.lead_days for r in session.scalars(select(Reminder).where(
        Reminder.milestone_id == june.id, Reminder.kind == "lead"))}, reverse=True)
    assert june.due.isoformat() == "2024-06-30" and leads == [30, 14, 7, 3, 0]  # 1 day before is a Saturday: merged
    assert count(session, ReminderEvent) == 0  # a new row carries its own reason; events record changes
    assert {r.reason for r in session.scalars(select(Reminder))} == {f"导入《{seed.document.title}》"}


def test_it_changes_nothing_when_the_same_file_is_imported_again(session, settings, seed, at):
    do_import(session, settings, seed, at("2024-05-22"))
    before, events = snapshot(session), count(session, ReminderEvent)
    report = do_import(session, settings, seed, at("2024-06-15"))
    assert report.unchanged and "未做任何修改" in report.lines()[0]
    assert snapshot(session) == before and count(session, ReminderEvent) == events
    assert count(session, Document) == 1


def test_it_moves_cancels_and_reassigns_when_an_amended_copy_is_imported(session, settings, seed, seed_path,
                                                                        tmp_path, at):
    do_import(session, settings, seed, at("2024-05-22"))
    june = june_milestone(session)
    june_rows = {r.id for r in session.scalars(select(Reminder).where(Reminder.milestone_id == june.id))}
    report = do_import(session, settings, amend(seed_path, tmp_path), at("2024-06-01"))

    assert count(session, Document) == 1 and not report.created
    text = "\n".join(report.lines())
    assert "2024-06-30 → 「9月底前」 2024-09-30" in text and "删除任务 第12项" in text and "+政策法规处" in text
    session.expire_all()
    moved = june_milestone(session)
    assert moved.id == june.id and moved.due.isoformat() == "2024-09-30"
    open_rows = session.scalars(select(Reminder).where(Reminder.milestone_id == june.id, Reminder.status == PLANNED)).all()
    assert open_rows and all(r.due == moved.due for r in open_rows)
    assert june_rows <= {r.id for r in session.scalars(select(Reminder).where(Reminder.milestone_id == june.id))}

    removed = session.scalars(select(Reminder).join(Milestone).join(Task).where(Task.no == 12)).all()
    assert removed and {r.status for r in removed} == {CANCELLED}
    assert all(r.reason == "任务已从清单中删除" for r in removed)

    task18 = session.scalars(select(Milestone).join(Task).where(Task.no == 18)).one()
    by_unit = {}
    for r in session.scalars(select(Reminder).where(Reminder.milestone_id == task18.id)):
        by_unit.setdefault(r.unit.name, set()).add(r.status)
    assert by_unit["商标监督管理处"] == {CANCELLED} and by_unit["政策法规处"] == {PLANNED}


def test_it_stops_a_units_reminders_when_done_and_resumes_them_on_undo(session, settings, seed, at):
    do_import(session, settings, seed, at("2024-05-22"))
    june = june_milestone(session)
    sanming = session.scalars(select(Unit).where(Unit.name == SANMING)).one()
    ctx = plan_context(session, settings, at("2024-06-03"), actor="王科长")

    def statuses():
        return {r.status for r in session.scalars(select(Reminder).where(
            Reminder.milestone_id == june.id, Reminder.unit_id == sanming.id))}

    result = mark_done(session, f"M{june.id}", sanming.id, "已报送", ctx)
    assert result.units == [SANMING] and statuses() == {DONE}
    mu = session.scalars(select(MilestoneUnit).where(MilestoneUnit.milestone_id == june.id,
                                                     MilestoneUnit.unit_id == sanming.id)).one()
    assert (mu.done_by, mu.done_note) == ("王科长", "已报送") and mu.done_at is not None
    others = {r.status for r in session.scalars(select(Reminder).where(
        Reminder.milestone_id == june.id, Reminder.unit_id != sanming.id, Reminder.send_at >= ctx.as_of))}
    assert others == {PLANNED}

    undo_done(session, None, None, ctx)
    assert PLANNED in statuses() and DONE not in statuses()
    assert [e.action for e in session.scalars(select(CompletionEvent).order_by(CompletionEvent.id))] == ["done", "undo"]
    done_events = session.scalars(select(ReminderEvent).where(ReminderEvent.new_status == DONE)).all()
    assert done_events and {e.actor for e in done_events} == {"王科长"}
