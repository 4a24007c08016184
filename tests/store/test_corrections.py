"""Corrections are stored apart from the reading and survive every re-import."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from bot.config.settings import Settings
from bot.errors import DubanError
from bot.pipeline import extract_document
from bot.plan.imports import import_extraction
from bot.store import open_store, session_scope
from bot.store.corrections import Correction, add_correction, apply_corrections, keyed, reading_of
from bot.store.models import Document, Milestone, Task

AS_OF = datetime(2024, 6, 1, 1, tzinfo=timezone.utc)


def _task8_june(extraction):
    return next(m for m in keyed(extraction).milestones if m.task_key == "8" and m.due == date(2024, 6, 30))


def test_applying_corrections_changes_only_their_targets(seed_path, office_config):
    reading = keyed(extract_document(seed_path))
    june = _task8_june(reading)
    corrections = [
        Correction(1, "milestone.due", "8", june.key, {"due": "2024-07-15"}),
        Correction(2, "unit.map", value={"name": "人数处", "units": ["知识产权保护处"]}),
        Correction(3, "milestone.add", "2", value={"due": "2024-09-30", "action": "召开推进会"}),
        Correction(4, "task.units", "3", value={"units": ["运用处甲", "商标处乙"]}),
    ]
    corrected, stale = apply_corrections(reading, corrections)
    assert stale == []
    moved = next(m for m in corrected.milestones if m.key == june.key and m.task_key == "8")
    assert moved.due == date(2024, 7, 15) and moved.matched_by == "manual"
    assert sum(1 for m in corrected.milestones if m.due != next(
        (o.due for o in reading.milestones if (o.task_key, o.key) == (m.task_key, m.key)), m.due)) == 1
    assert not any("人数处" in m.units for m in corrected.milestones)
    [added] = [m for m in corrected.milestones if m.key == "c3"]
    assert (added.task_key, added.due) == ("2", date(2024, 9, 30))
    task2 = next(t for t in corrected.document.tasks if t.key == "2")
    assert added.units == tuple(task2.units) and added.units, "an added milestone is the task's units' to do"
    assert all(m.units == ("运用处甲", "商标处乙") for m in corrected.milestones if m.task_key == "3")
    assert any("人数处" in m.units for m in reading.milestones), "the reading itself is left as read"


def test_a_correction_whose_target_is_gone_is_reported_not_dropped(seed_path, office_config):
    reading = keyed(extract_document(seed_path))
    _, stale = apply_corrections(reading, [Correction(1, "milestone.due", "8", "a000000000000-1", {"due": "2024-07-15"}),
                                           Correction(2, "task.units", "99", value={"units": ["x"]})])
    assert [f.code for f in stale] == ["stale-correction", "stale-correction"]


def _import(db_url, path):
    with session_scope(open_store(db_url)) as s:
        return import_extraction(s, extract_document(path), settings=Settings(), as_of=AS_OF, actor="t")


def test_a_correction_survives_reimport_of_the_same_and_of_an_amended_file(store_config, db_url, seed_path, tmp_path):
    _import(db_url, seed_path)
    with session_scope(open_store(db_url)) as s:
        doc = s.scalars(select(Document)).one()
        june = _task8_june(reading_of(doc))
        add_correction(s, doc, "milestone.due", {"due": "2024-07-15"}, actor="admin", task_key="8",
                       milestone_key=june.key, reason="以实际安排为准")
        import_extraction(s, reading_of(doc), settings=Settings(), as_of=AS_OF, actor="admin", target=doc)

    def task8_dues():
        with session_scope(open_store(db_url)) as s:
            task = s.scalars(select(Task).where(Task.key == "n8")).one()
            return sorted(m.due for m in s.scalars(select(Milestone).where(
                Milestone.task_id == task.id, Milestone.removed_at.is_(None))))

    assert task8_dues() == [date(2024, 7, 15), date(2024, 12, 31)]
    amended = tmp_path / "amended.md"
    amended.write_text(seed_path.read_text(encoding="utf-8").replace("年底前", "11月底前", 1), encoding="utf-8")
    _import(db_url, amended)
    assert date(2024, 7, 15) in task8_dues()
    _import(db_url, seed_path)
    assert date(2024, 7, 15) in task8_dues()


def test_a_correction_must_name_a_real_target_and_a_valid_value(store_config, db_url, seed_path):
    _import(db_url, seed_path)
    with session_scope(open_store(db_url)) as s:
        doc = s.scalars(select(Document)).one()
        with pytest.raises(DubanError, match="不是有效日期"):
            add_correction(s, doc, "milestone.due", {"due": "2024-02-30"}, actor="a", task_key="8", milestone_key="x")
        with pytest.raises(DubanError, match="不在文件的读取结果中"):
            add_correction(s, doc, "milestone.due", {"due": "2024-07-15"}, actor="a", task_key="8", milestone_key="x")
        with pytest.raises(DubanError, match="不在"):
            add_correction(s, doc, "task.units", {"units": ["甲"]}, actor="a", task_key="99")
