"""Each unit × milestone's answer state, as `status --format json` shows it.

`timeliness` is what statistics need: 按期办结 (done by the original date), 延期办结 (by an
approved extension), 逾期办结 (later), 逾期 (open and past its date), or empty.

Everything is read as it stood at `as_of`: a done mark, answer, extension or progress report
recorded later does not count yet, so a report for a past month end (the console's history)
shows that month's figures. Plain-row queries, as many for 12,000 items as for 12.
`reports_missing` is the unit's 未报 periods of a reporting calendar (bot/answers/reporting.py;
None for a milestone that is none).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers import reporting
from bot.answers.flows import APPROVED, DONE, EXTENSION_REQUEST, LABELS, PLANNED, state_shown
from bot.config.settings import Settings
from bot.plan.lookup import live_milestones
from bot.store.answer_models import AnswerRequest, ProgressReport, UnitItem, UnitItemEvent
from bot.store.models import LEAD_ROLE, Milestone, MilestoneUnit, Task, Unit

ROLES = {True: "牵头", False: "配合"}


def _timeliness(state: str, done_on, original, due, today) -> str:
    if state == DONE and done_on is not None:
        return "按期办结" if done_on <= original else "延期办结" if done_on <= due else "逾期办结"
    return "逾期" if state != DONE and due < today else ""


@dataclass(frozen=True)
class Then:
    """One unit item as it stood at `as_of` (None fields: not yet at that time)."""

    state: str
    original_due: date
    due: date | None            # the approved extension's date, if approved by then
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    percent: int | None
    progress: str               # the latest 进展 text by then, "" when none


def items_then(session: Session, as_of: datetime) -> dict[int, Then]:
    """milestone_unit_id → its item at `as_of`. An item with nothing recorded after `as_of` is
    read as stored; otherwise its state, extension and percentage are replayed from its events,
    decisions and progress reports up to `as_of`."""
    items = list(session.scalars(select(UnitItem)))
    later = set(session.scalars(select(UnitItemEvent.unit_item_id).where(UnitItemEvent.at > as_of).distinct()))
    state: dict[int, str] = {}
    extended: dict[int, date] = {}
    if later:
        for item_id, new in session.execute(select(UnitItemEvent.unit_item_id, UnitItemEvent.new_state)
                                            .where(UnitItemEvent.at <= as_of)
                                            .order_by(UnitItemEvent.at, UnitItemEvent.id)):
            state[item_id] = new
        for item_id, due in session.execute(
                select(AnswerRequest.unit_item_id, AnswerRequest.requested_due)
                .where(AnswerRequest.kind == EXTENSION_REQUEST, AnswerRequest.decision == APPROVED,
                       AnswerRequest.decided_at <= as_of).order_by(AnswerRequest.decided_at, AnswerRequest.id)):
            extended[item_id] = due
    progress: dict[int, str] = {}
    percent: dict[int, int] = {}
    for item_id, text, pct in session.execute(select(ProgressReport.unit_item_id, ProgressReport.text,
                                                     ProgressReport.percent).where(ProgressReport.at <= as_of)
                                              .order_by(ProgressReport.at, ProgressReport.id)):
        progress[item_id] = text
        if pct is not None:
            percent[item_id] = pct
    out = {}
    for i in items:
        replay = i.id in later
        acked = i.acknowledged_at is not None and i.acknowledged_at <= as_of
        out[i.milestone_unit_id] = Then(
            state=state.get(i.id, PLANNED) if replay else i.state, original_due=i.original_due,
            due=extended.get(i.id) if replay else i.due,
            acknowledged_by=i.acknowledged_by if acked else None,
            acknowledged_at=i.acknowledged_at if acked else None,
            percent=percent.get(i.id) if replay else i.percent,
            progress=progress.get(i.id, ""))
    return out


def _unit_items(session: Session):
    """Every live unit × live milestone as plain rows, in milestone order (lead unit first): not
    the ORM graph, which costs seconds for a 2,000-task list."""
    return session.execute(
        select(Milestone.id, Milestone.due, Milestone.action, Task.no, Task.title, MilestoneUnit.id,
               MilestoneUnit.unit_id, Unit.name, MilestoneUnit.role, MilestoneUnit.done_at)
        .join(Task, Milestone.task_id == Task.id).join(MilestoneUnit, MilestoneUnit.milestone_id == Milestone.id)
        .join(Unit, MilestoneUnit.unit_id == Unit.id)
        .where(Milestone.removed_at.is_(None), Task.removed_at.is_(None), MilestoneUnit.removed_at.is_(None))
        .order_by(Milestone.id, MilestoneUnit.position))


def item_rows(session: Session, settings: Settings, as_of: datetime) -> list[dict]:
    tz = settings.tz
    today = as_of.astimezone(tz).date()
    items = items_then(session, as_of)
    # 未报进展 of the reporting calendars, which are recurring milestones: None for no calendar
    missing = reporting.missing_by_unit(session, live_milestones(session, Milestone.rule.is_not(None)), today, tz,
                                        as_of)
    rows = []
    for mid, m_due, action, task_no, task, mu_id, unit_id, unit, role, mu_done in _unit_items(session):
        item = items.get(mu_id)
        done_at = mu_done if mu_done is not None and mu_done <= as_of else None
        original = item.original_due if item else m_due
        due = item.due if item and item.due else m_due
        state = state_shown(done_at is not None, item.state if item else None, due, today)
        done_on = done_at.astimezone(tz).date() if done_at else None
        rows.append({
            "milestone": f"M{mid}", "milestone_id": mid, "unit": unit, "state": state,
            "label": LABELS[state], "due": due.isoformat(), "original_due": original.isoformat(),
            "acknowledged_by": item.acknowledged_by if item else None,
            "acknowledged_at": item.acknowledged_at.astimezone(tz).isoformat(timespec="minutes")
            if item and item.acknowledged_at else None,
            "percent": item.percent if item else None,
            "done_at": done_at.astimezone(tz).isoformat(timespec="minutes") if done_at else None,
            "timeliness": _timeliness(state, done_on, original, due, today),
            "task_no": task_no, "task": task, "action": action, "role": ROLES[role == LEAD_ROLE],
            "latest_progress": item.progress if item else "",
            "reports_missing": missing.get((mid, unit_id)),
        })
    return rows
