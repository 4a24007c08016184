"""The reminder state table, walked: every allowed move records an event, every other is refused."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.plan.states import REMINDER, IllegalTransition
from bot.plan.transitions import EventLog, transition
from bot.store.models import Reminder

AT = datetime(2024, 6, 21, 1, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]
PAIRS = list(itertools.product(REMINDER.states, repeat=2))


@pytest.mark.parametrize("old, new", [p for p in PAIRS if REMINDER.allows(*p)])
def test_an_allowed_move_changes_the_reminder_and_records_its_event(old, new):
    rem, log = Reminder(id=7, status=old), EventLog(AT, "tester")
    transition(log, rem, new, "为何如此", {"note": "新的说明"})
    assert (rem.status, rem.reason, rem.updated_at, rem.note) == (new, "为何如此", AT, "新的说明")
    assert log.rows == [dict(reminder_id=7, at=AT, old_status=old, new_status=new, reason="为何如此", actor="tester")]


@pytest.mark.parametrize("old, new", [p for p in PAIRS if not REMINDER.allows(*p)])
def test_any_other_move_is_refused_and_changes_nothing(old, new):
    rem, log = Reminder(id=7, status=old, reason="原因"), EventLog(AT, "tester")
    with pytest.raises(IllegalTransition):
        transition(log, rem, new, "不该发生")
    assert (rem.status, rem.reason, log.rows) == (old, "原因", [])


def test_the_table_covers_every_status_and_each_move_says_what_it_means():
    assert set(REMINDER.states) == {"planned", "queued", "sent", "cancelled", "expired", "done"}
    assert all(edge.meaning for edge in REMINDER.edges())
    assert not REMINDER.allows("sent", "queued")  # a delivered reminder is never queued twice


def sources_with(pattern: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for d in ("bot", "jobs") for p in (ROOT / d).rglob("*.py")
                  if re.search(pattern, p.read_text(encoding="utf-8")))


def test_only_the_transitions_module_and_the_bulk_success_path_change_reminders_and_write_their_events():
    assert sources_with("ReminderEvent") == ["bot/plan/transitions.py", "bot/store/models.py", "jobs/outcomes.py"]
    assert sources_with(r"\brem\.status(, [^=]+)? = ") == ["bot/plan/transitions.py"]  # an assignment, not ==
    assert sources_with(r"update\(Reminder\)") == ["jobs/outcomes.py"]
    assert "SENT_EDGE = REMINDER.edge(" in (ROOT / "jobs/outcomes.py").read_text(encoding="utf-8")
