"""The one way a reminder changes state: checked against bot.plan.states and recorded.

Writers change many reminders in one unit of work (a replan, a digest, a send outcome),
so events are collected in an `EventLog` and written in one statement by `save`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.plan.states import REMINDER, Edge
from bot.store.models import Reminder, ReminderEvent


def event_row(reminder_id: int, edge: Edge, reason: str, at: datetime, actor: str) -> dict:
    return dict(reminder_id=reminder_id, at=at, old_status=edge.old, new_status=edge.new, reason=reason, actor=actor)


class EventLog:
    """The reminder_events rows of one unit of work, all at `at` by `actor`."""

    def __init__(self, at: datetime, actor: str):
        self.at, self.actor, self.rows = at, actor, []

    def save(self, session: Session) -> None:
        """Flush the changed reminders, then write their events (nothing when nothing changed)."""
        session.flush()
        if self.rows:
            session.execute(insert(ReminderEvent), self.rows)
            self.rows = []


def transition(log: EventLog, rem: Reminder, new: str, reason: str, values: dict | None = None) -> None:
    """Move `rem` to `new` (IllegalTransition if the table forbids it), with its reason and event.

    `values` are the plan fields that change with it (a moved deadline's due and send time).
    """
    edge = REMINDER.edge(rem.status, new)
    log.rows.append(event_row(rem.id, edge, reason, log.at, log.actor))
    for key, value in (values or {}).items():
        setattr(rem, key, value)
    rem.status, rem.reason, rem.updated_at = new, reason, log.at
