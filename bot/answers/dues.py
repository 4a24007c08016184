"""Approved extensions as the planner reads them: a unit's own due date for a milestone.

Kept apart from flows.py so the replan can read it without importing the flows (which call
the replan).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.answer_models import UnitItem
from bot.store.models import MilestoneUnit


def extended_dues(session: Session, milestone_ids: list[int]) -> dict[int, dict[int, date]]:
    """{milestone_id: {unit_id: extended due}} for the given milestones (only extended units)."""
    out: dict[int, dict[int, date]] = {}
    rows = session.execute(select(MilestoneUnit.milestone_id, MilestoneUnit.unit_id, UnitItem.due)
                           .join(UnitItem, UnitItem.milestone_unit_id == MilestoneUnit.id)
                           .where(UnitItem.due.is_not(None), MilestoneUnit.milestone_id.in_(milestone_ids)))
    for milestone_id, unit_id, due in rows:
        out.setdefault(milestone_id, {})[unit_id] = due
    return out


def unit_dues(session: Session, unit_id: int, milestone_ids: list[int]) -> dict[int, date]:
    """{milestone_id: extended due} of one unit (its calendar feed shows these dates)."""
    return {mid: by_unit[unit_id] for mid, by_unit in extended_dues(session, milestone_ids).items()
            if unit_id in by_unit}


PENDING_REVIEW = "pending_review"  # bot.answers.flows names it; flows imports the replan, so not from there


def held_units(session: Session, milestone_ids: list[int]) -> dict[int, frozenset[int]]:
    """{milestone_id: unit ids whose 办结 waits for the admin's review}: their reminders pause."""
    out: dict[int, set[int]] = {}
    rows = session.execute(select(MilestoneUnit.milestone_id, MilestoneUnit.unit_id)
                           .join(UnitItem, UnitItem.milestone_unit_id == MilestoneUnit.id)
                           .where(UnitItem.state == PENDING_REVIEW, MilestoneUnit.milestone_id.in_(milestone_ids)))
    for milestone_id, unit_id in rows:
        out.setdefault(milestone_id, set()).add(unit_id)
    return {mid: frozenset(units) for mid, units in out.items()}
