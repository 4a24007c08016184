"""Each unit × milestone's answer state, as `status --format json` shows it.

`timeliness` is what statistics need: 按期办结 (done by the original date), 延期办结 (by an
approved extension), 逾期办结 (later), 逾期 (open and past its date), or empty.

Everything is read as it stood at `as_of`: a done mark, answer, extension or progress report
recorded later does not count yet, so a report for a past month end (the console's history)
shows that month's figures. `Recorded` reads the rows once (plain-row queries, as many for
12,000 items as for 12) and answers for any number of as-of dates, so the statistics page's
twelve month ends cost one read.
`reports_missing` is the unit's 未报 periods of a reporting calendar (bot/answers/reporting.py;
None for a milestone that is none).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers import reporting
from bot.answers.flows import APPROVED, DONE, EXTENSION_REQUEST, LABELS, PLANNED, state_shown
from bot.config.settings import Settings
from bot.plan.lookup import live_milestones
from bot.plan.planner import Target, current_due
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


class _Timeline:
    """Values recorded at times (oldest first, ties in id order): the latest one by a moment."""

    __slots__ = ("times", "values")

    def __init__(self):
        self.times: list[datetime] = []
        self.values: list = []

    def add(self, at: datetime, value) -> None:
        self.times.append(at)
        self.values.append(value)

    def by(self, moment: datetime, default=None):
        n = bisect_right(self.times, moment)
        return self.values[n - 1] if n else default


class Answers:
    """Every unit item with its state changes, approved extensions and progress reports, read
    once, to be read as it stood at any `as_of` (`at`)."""

    def __init__(self, session: Session):
        self.items = session.execute(select(
            UnitItem.id, UnitItem.milestone_unit_id, UnitItem.state, UnitItem.original_due, UnitItem.due,
            UnitItem.acknowledged_by, UnitItem.acknowledged_at, UnitItem.percent)).all()
        self.states: dict[int, _Timeline] = defaultdict(_Timeline)
        self.extended: dict[int, _Timeline] = defaultdict(_Timeline)
        self.progress: dict[int, _Timeline] = defaultdict(_Timeline)
        self.percent: dict[int, _Timeline] = defaultdict(_Timeline)
        for item_id, at, new in session.execute(select(UnitItemEvent.unit_item_id, UnitItemEvent.at,
                                                       UnitItemEvent.new_state)
                                                .order_by(UnitItemEvent.at, UnitItemEvent.id)):
            self.states[item_id].add(at, new)
        for item_id, at, due in session.execute(
                select(AnswerRequest.unit_item_id, AnswerRequest.decided_at, AnswerRequest.requested_due)
                .where(AnswerRequest.kind == EXTENSION_REQUEST, AnswerRequest.decision == APPROVED,
                       AnswerRequest.decided_at.is_not(None))
                .order_by(AnswerRequest.decided_at, AnswerRequest.id)):
            self.extended[item_id].add(at, due)
        for item_id, at, text, pct in session.execute(
                select(ProgressReport.unit_item_id, ProgressReport.at, ProgressReport.text, ProgressReport.percent)
                .order_by(ProgressReport.at, ProgressReport.id)):
            self.progress[item_id].add(at, text)
            if pct is not None:
                self.percent[item_id].add(at, pct)

    def at(self, as_of: datetime) -> dict[int, Then]:
        """milestone_unit_id → its item at `as_of`. An item with nothing recorded after `as_of` is
        read as stored; otherwise its state, extension and percentage are replayed from its events,
        decisions and progress reports up to `as_of`."""
        out = {}
        for item_id, mu_id, state, original, due, acked_by, acked_at, pct in self.items:
            events = self.states.get(item_id)
            if events is not None and events.times[-1] > as_of:  # replay
                state, due, pct = (events.by(as_of, PLANNED), _by(self.extended, item_id, as_of),
                                   _by(self.percent, item_id, as_of))
            acked = acked_at is not None and acked_at <= as_of
            out[mu_id] = Then(state=state, original_due=original, due=due,
                              acknowledged_by=acked_by if acked else None, acknowledged_at=acked_at if acked else None,
                              percent=pct, progress=_by(self.progress, item_id, as_of, ""))
        return out


def _by(timelines: dict[int, _Timeline], item_id: int, moment: datetime, default=None):
    line = timelines.get(item_id)
    return line.by(moment, default) if line else default


class UnitItemRow(NamedTuple):
    milestone_id: int
    milestone_due: date
    action: str
    task_no: str
    task: str
    mu_id: int
    unit_id: int
    unit: str
    role: str
    done_at: datetime | None
    kind: str
    rule: str | None
    past: bool
    planned_from: date | None

    @property
    def schedule(self) -> tuple:
        return self.milestone_due, self.kind, self.rule, self.past, self.planned_from

    def due_on(self, today: date) -> date:
        """The milestone's due date that counts on `today`: a recurring one's current occurrence,
        not its first (a monthly report is not overdue all year once January's date passed)."""
        return self.milestone_due if not self.rule else _current_due(self.schedule, today)


@lru_cache(maxsize=4096)
def _current_due(schedule: tuple, today: date) -> date:
    return current_due(Target(*schedule), today) or schedule[0]


class Shown(NamedTuple):
    """A unit item's figures at `as_of`: what `status` shows and the 通报 counts."""

    state: str
    original_due: date
    due: date
    done_at: datetime | None     # the done mark, if made by `as_of`
    timeliness: str


def shown(row: UnitItemRow, item: Then | None, as_of: datetime, today: date, tz: ZoneInfo) -> Shown:
    done_at = row.done_at if row.done_at is not None and row.done_at <= as_of else None
    base = row.due_on(today)
    original = item.original_due if item and not row.rule else base  # a recurring item has no extension
    due = item.due if item and item.due else base
    state = state_shown(done_at is not None, item.state if item else None, due, today)
    done_on = done_at.astimezone(tz).date() if done_at else None
    return Shown(state, original, due, done_at, _timeliness(state, done_on, original, due, today))


def _unit_items(session: Session) -> list[UnitItemRow]:
    """Every live unit × live milestone as plain rows, in milestone order (lead unit first): not
    the ORM graph, which costs seconds for a 2,000-task list."""
    return [UnitItemRow(*r) for r in session.execute(
        select(Milestone.id, Milestone.due, Milestone.action, Task.no, Task.title, MilestoneUnit.id,
               MilestoneUnit.unit_id, Unit.name, MilestoneUnit.role, MilestoneUnit.done_at, Milestone.kind,
               Milestone.rule, Milestone.past, Milestone.planned_from)
        .join(Task, Milestone.task_id == Task.id).join(MilestoneUnit, MilestoneUnit.milestone_id == Milestone.id)
        .join(Unit, MilestoneUnit.unit_id == Unit.id)
        .where(Milestone.removed_at.is_(None), Task.removed_at.is_(None), MilestoneUnit.removed_at.is_(None))
        .order_by(Milestone.id, MilestoneUnit.position))]


class Recorded:
    """The live unit items and their answers, read once; `rows(as_of)` for each date asked."""

    def __init__(self, session: Session, tz: ZoneInfo):
        self.tz = tz
        self.units = _unit_items(session)
        self.answers = Answers(session)

    def rows(self, as_of: datetime, missing: dict[tuple[int, int], int] | None = None) -> list[dict]:
        """`status --format json`'s items at `as_of`; `missing`: the calendars' 未报 counts."""
        tz, today, missing = self.tz, as_of.astimezone(self.tz).date(), missing or {}
        items = self.answers.at(as_of)
        out = []
        for row in self.units:
            item = items.get(row.mu_id)
            s = shown(row, item, as_of, today, tz)
            out.append({
                "milestone": f"M{row.milestone_id}", "milestone_id": row.milestone_id, "unit": row.unit,
                "state": s.state, "label": LABELS[s.state], "due": s.due.isoformat(),
                "original_due": s.original_due.isoformat(),
                "acknowledged_by": item.acknowledged_by if item else None,
                "acknowledged_at": item.acknowledged_at.astimezone(tz).isoformat(timespec="minutes")
                if item and item.acknowledged_at else None,
                "percent": item.percent if item else None,
                "done_at": s.done_at.astimezone(tz).isoformat(timespec="minutes") if s.done_at else None,
                "timeliness": s.timeliness,
                "task_no": row.task_no, "task": row.task, "action": row.action,
                "role": ROLES[row.role == LEAD_ROLE],
                "latest_progress": item.progress if item else "",
                "reports_missing": missing.get((row.milestone_id, row.unit_id)),
            })
        return out


def item_rows(session: Session, settings: Settings, as_of: datetime) -> list[dict]:
    tz = settings.tz
    # 未报进展 of the reporting calendars, which are recurring milestones: None for no calendar
    missing = reporting.missing_by_unit(session, live_milestones(session, Milestone.rule.is_not(None)),
                                        as_of.astimezone(tz).date(), tz, as_of)
    return Recorded(session, tz).rows(as_of, missing)
