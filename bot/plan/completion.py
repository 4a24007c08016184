"""Marking a unit's milestone done (reminders stop) and undoing it (reminders resume), both on record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.plan.lookup import find_milestone, milestone_options
from bot.plan.replan import PlanContext, ReplanStats, replan_at
from bot.store.models import CompletionEvent, Milestone, MilestoneUnit, utcnow

DONE_ACTION, UNDO_ACTION = "done", "undo"


@dataclass
class CompletionResult:
    milestone: Milestone
    units: list[str]
    stats: ReplanStats


def _targets(row: Milestone, unit_id: int | None) -> list[MilestoneUnit]:
    live = [mu for mu in row.units if mu.removed_at is None]
    if unit_id is None:
        return live
    chosen = [mu for mu in live if mu.unit_id == unit_id]
    if not chosen:
        names = "、".join(mu.unit.name for mu in live)
        raise DubanError(f"M{row.id} 的责任单位中没有该单位。它的责任单位是: {names}")
    return chosen


def mark_done(session: Session, ref: str, unit_id: int | None, note: str | None, ctx: PlanContext,
              at: datetime | None = None) -> CompletionResult:
    """`at`: when it counts as done (an approved 办结 in a replay: the console's clock), default now."""
    row = find_milestone(session, ref)
    targets = [mu for mu in _targets(row, unit_id) if mu.done_at is None]
    if not targets:
        raise DubanError(f"M{row.id} 已经标记为完成，无需重复标记（撤销请用 python -m bot undo M{row.id}）。")
    now = at or utcnow()
    for mu in targets:
        mu.done_at, mu.done_by, mu.done_note = now, ctx.actor, note
        session.add(CompletionEvent(milestone_unit=mu, action=DONE_ACTION, at=now, actor=ctx.actor, note=note))
    session.flush()
    stats = replan_at(session, ctx, "标记完成", [row])
    return CompletionResult(row, [mu.unit.name for mu in targets], stats)


def undo_done(session: Session, ref: str | None, unit_id: int | None, ctx: PlanContext) -> CompletionResult:
    """Undo the done marks of `ref` (all units, or one); without `ref`, the most recent done still standing."""
    if ref is None:
        targets = _last_done(session)
        row = targets[0].milestone
    else:
        row = find_milestone(session, ref)
        targets = [mu for mu in _targets(row, unit_id) if mu.done_at is not None]
    if not targets:
        raise DubanError(f"M{row.id} 没有已完成的标记可以撤销。")
    now = utcnow()
    for mu in targets:
        session.add(CompletionEvent(milestone_unit=mu, action=UNDO_ACTION, at=now, actor=ctx.actor,
                                    note=f"撤销 {mu.done_by} 于 {_local(mu.done_at, ctx)} 的完成标记"))
        mu.done_at, mu.done_by, mu.done_note = None, None, None
    session.flush()
    stats = replan_at(session, ctx, "撤销完成标记", [row])
    return CompletionResult(row, [mu.unit.name for mu in targets], stats)


def _last_done(session: Session) -> list[MilestoneUnit]:
    last = session.scalars(
        select(CompletionEvent).join(CompletionEvent.milestone_unit)
        .where(CompletionEvent.action == DONE_ACTION, MilestoneUnit.done_at.is_not(None))
        .order_by(CompletionEvent.at.desc(), CompletionEvent.id.desc()).limit(1)).first()
    if last is None:
        raise DubanError("没有可以撤销的完成标记。")
    row = session.get(Milestone, last.milestone_unit.milestone_id, options=milestone_options())
    return [mu for mu in row.units if mu.done_at is not None and mu.done_at == last.milestone_unit.done_at]


def _local(at: datetime | None, ctx: PlanContext) -> str:
    return at.astimezone(ctx.policy.tz).strftime("%Y-%m-%d %H:%M") if at else ""
