"""A review page reads only part of a document's stored reading: for its tasks the corrected
result must be exactly what the whole reading gives, and the names to map still cover it all."""
from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

from bot.pipeline import extract_document
from bot.store.corrections import Correction, apply_corrections, keyed, reading_of


def _stored(extraction):
    reading = json.loads(json.dumps(extraction.to_json(), ensure_ascii=False, default=str))
    return SimpleNamespace(reading=reading, title="种子", source="seed.md", sha256="0" * 64)


def test_a_part_corrects_its_tasks_exactly_as_the_whole_reading_does(seed_path, office_config):
    doc = _stored(extract_document(seed_path))
    whole = keyed(reading_of(doc))
    june = next(m for m in whole.milestones if m.task_key == "8" and m.due == date(2024, 6, 30))
    corrections = [
        Correction(1, "milestone.due", "8", june.key, {"due": "2024-07-15"}),
        Correction(2, "unit.map", value={"name": "人数处", "units": ["知识产权保护处"]}),
        Correction(3, "task.units", "3", value={"units": ["运用处甲"]}),
        Correction(4, "milestone.add", "2", value={"due": "2024-09-30", "action": "召开推进会"}),
        Correction(5, "milestone.due", "99", "a000000000000-1", {"due": "2024-07-15"}),
        Correction(6, "milestone.due", "8", "a000000000000-1", {"due": "2024-07-15"}),
    ]
    page = {"1", "4", "5"}
    expected, expected_stale = apply_corrections(whole, corrections)
    part = reading_of(doc, tasks=page | {c.task_key for c in corrections})
    assert len(part.document.tasks) < len(whole.document.tasks)
    got, stale = apply_corrections(keyed(part), corrections)

    assert [(f.code, f.text) for f in stale] == [(f.code, f.text) for f in expected_stale] and len(stale) == 2
    shown = page | {"2", "3", "8"}
    for key in shown:
        assert [t.to_json() for t in got.document.tasks if t.key == key] == \
               [t.to_json() for t in expected.document.tasks if t.key == key]
        assert [m.to_json() for m in got.milestones if m.task_key == key] == \
               [m.to_json() for m in expected.milestones if m.task_key == key], key
    numbers = {t.no for t in got.document.tasks}
    assert [w.to_json() for w in got.warnings if w.task is None or w.task in numbers] == \
           [w.to_json() for w in expected.warnings if w.task is None or w.task in numbers]
    assert {(w.code, w.text) for w in got.warnings} == {(w.code, w.text) for w in expected.warnings}
