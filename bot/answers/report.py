"""Each unit × milestone's answer state, as `status --format json` shows it.

`timeliness` is what statistics need: 按期办结 (done by the original date), 延期办结 (by an
approved extension), 逾期办结 (later), 逾期 (open and past its date), or empty.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.flows import DONE, LABELS, shown_state
from bot.config.settings import Settings
from bot.plan.lookup import live_milestones
from bot.store.answer_models import UnitItem


def _timeliness(state: str, done_on, original, due, today) -> str:
    if state == DONE and done_on is not None:
        return "按期办结" if done_on <= original else "延期办结" if done_on <= due else "逾期办结"
    return "逾期" if state != DONE and due < today else ""


def item_rows(session: Session, settings: Settings, as_of: datetime) -> list[dict]:
    tz = settings.tz
    today = as_of.astimezone(tz).date()
    items = {i.milestone_unit_id: i for i in session.scalars(select(UnitItem))}
    rows = []
    for m in live_milestones(session):
        for mu in m.units:
            if mu.removed_at is not None:
                continue
            item = items.get(mu.id)
            state = shown_state(mu, item, today)
            original = item.original_due if item else m.due
            due = item.due if item and item.due else m.due
            done_on = mu.done_at.astimezone(tz).date() if mu.done_at else None
            rows.append({
                "milestone": f"M{m.id}", "milestone_id": m.id, "unit": mu.unit.name, "state": state,
                "label": LABELS[state], "due": due.isoformat(), "original_due": original.isoformat(),
                "acknowledged_by": item.acknowledged_by if item else None,
                "acknowledged_at": item.acknowledged_at.astimezone(tz).isoformat(timespec="minutes")
                if item and item.acknowledged_at else None,
                "percent": item.percent if item else None,
                "done_at": mu.done_at.astimezone(tz).isoformat(timespec="minutes") if mu.done_at else None,
                "timeliness": _timeliness(state, done_on, original, due, today),
            })
    return rows
