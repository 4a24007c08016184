"""A unit's item (milestone × unit): its states, the one table of moves, and what each answer does.

    planned ─签收─▶ acknowledged ─进展─▶ in_progress ─办结─▶ pending_review ─approve─▶ done
       │                 │                   ▲                    └─return─▶ returned ─▶ in_progress
       └──────────申请延期 (from any open state)──▶ extension_requested ─approve─▶ extended
                                                          └─refuse─▶ back to the state it came from

Every move goes through `_move`, which checks it against ITEM and records a unit_item_events
row (who, when, note). The reminders follow only the admin's decisions: an approved 办结 is
the unit's done mark (bot.plan.completion.mark_done: its reminders stop, the other units'
go on); an approved 延期 sets the item's own due date, which the replan plans that unit's
reminders for (bot.answers.dues), while original_due keeps the date for statistics.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.dues import PENDING_REVIEW
from bot.config.settings import Settings
from bot.errors import DubanError
from bot.plan.completion import mark_done
from bot.plan.lookup import live_milestones
from bot.plan.planner import current_due
from bot.plan.replan import plan_context, replan_at, target_of
from bot.plan.states import Machine
from bot.store.answer_models import AnswerRequest, Attachment, ProgressReport, UnitItem, UnitItemEvent
from bot.store.models import Milestone, MilestoneUnit

PLANNED, ACKNOWLEDGED, IN_PROGRESS = "planned", "acknowledged", "in_progress"
RETURNED, DONE, EXTENSION_REQUESTED, EXTENDED, OVERDUE = "returned", "done", "extension_requested", "extended", "overdue"
LABELS = {PLANNED: "待签收", ACKNOWLEDGED: "已签收", IN_PROGRESS: "办理中", PENDING_REVIEW: "待审核",
          RETURNED: "已退回", DONE: "已办结", EXTENSION_REQUESTED: "延期申请中", EXTENDED: "已延期", OVERDUE: "已逾期"}
DONE_REQUEST, EXTENSION_REQUEST = "done", "extension"
APPROVED, RETURNED_DECISION, REFUSED = "approved", "returned", "refused"
OPEN_STATES = (PLANNED, ACKNOWLEDGED, IN_PROGRESS, RETURNED, EXTENDED, OVERDUE)
NAME_MAX, NOTE_MAX = 100, 4000

_WORKING = {
    IN_PROGRESS: "the unit reported progress",
    PENDING_REVIEW: "the unit reported 办结, waiting for the admin's review",
    EXTENSION_REQUESTED: "the unit asked for a later date",
    OVERDUE: "the due date passed without 办结",
}
ITEM = Machine("unit_item", {
    PLANNED: {ACKNOWLEDGED: "the unit acknowledged (签收)", **_WORKING},
    ACKNOWLEDGED: dict(_WORKING),
    IN_PROGRESS: {**_WORKING, IN_PROGRESS: "another progress report"},
    OVERDUE: {ACKNOWLEDGED: "acknowledged after the due date", **{k: v for k, v in _WORKING.items() if k != OVERDUE}},
    EXTENDED: {ACKNOWLEDGED: "acknowledged after the extension", **_WORKING},
    RETURNED: {IN_PROGRESS: "back to work after the admin returned the 办结"},
    PENDING_REVIEW: {DONE: "the admin approved the 办结 (销号)", RETURNED: "the admin returned the 办结 with a reason"},
    EXTENSION_REQUESTED: {
        EXTENDED: "the admin approved the extension",
        PLANNED: "refused: back to where it was", ACKNOWLEDGED: "refused: back to where it was",
        IN_PROGRESS: "refused: back to where it was", OVERDUE: "refused: back to where it was",
    },
})


class AnswerRefused(DubanError):
    """An answer the item's state does not allow (already acknowledged, waiting for review …)."""


@dataclass(frozen=True)
class Answer:
    """Who answers and when: the name the person typed, or the admin's username."""

    name: str
    at: datetime


def item_of(session: Session, mu: MilestoneUnit) -> UnitItem | None:
    return session.scalar(select(UnitItem).where(UnitItem.milestone_unit_id == mu.id))


def state_of(session: Session, mu: MilestoneUnit, today: date) -> str:
    return shown_state(mu, item_of(session, mu), today)


def shown_state(mu: MilestoneUnit, item: UnitItem | None, today: date) -> str:
    """The state shown for an item (read only): its stored state; done when marked done (also
    by `python -m bot done`); overdue when an open item is past its date; else planned."""
    due = item.due if item is not None and item.due else milestone_due_on(mu.milestone, today)
    return state_shown(mu.done_at is not None, item.state if item is not None else None, due, today)


def milestone_due_on(milestone, today: date) -> date:
    """The milestone's due date that counts on `today` (a recurring one's current occurrence)."""
    return (current_due(target_of(milestone), today) or milestone.due) if milestone.rule else milestone.due


def state_shown(done: bool, stored: str | None, due: date, today: date) -> str:
    """`shown_state` from plain values, so a report can ask it of an item as it stood on a past date."""
    if done:
        return DONE
    if stored is not None and stored not in OPEN_STATES:
        return stored
    if due < today:
        return OVERDUE
    return stored or PLANNED


def _ensure(session: Session, mu: MilestoneUnit, at: datetime) -> UnitItem:
    item = item_of(session, mu)
    if item is None:
        item = UnitItem(milestone_unit_id=mu.id, state=PLANNED, original_due=mu.milestone.due, updated_at=at)
        session.add(item)
        session.flush()
    return item


def _move(session: Session, item: UnitItem, new: str, actor: str, note: str, at: datetime) -> None:
    edge = ITEM.edge(item.state, new)
    session.add(UnitItemEvent(unit_item_id=item.id, at=at, old_state=edge.old, new_state=new,
                              actor=actor[:200], note=note))
    item.state, item.updated_at = new, at


def _open_item(session: Session, mu: MilestoneUnit, answer: Answer, wanted: str) -> UnitItem:
    """The item, checked open and able to move to `wanted`; otherwise a clear refusal."""
    if mu.removed_at is not None or mu.milestone.removed_at is not None:
        raise AnswerRefused("该事项已撤销，无需再答复。")
    if mu.done_at is not None:
        raise AnswerRefused("该事项已办结销号，无需再答复。")
    item = _ensure(session, mu, answer.at)
    if item.state == PENDING_REVIEW:
        raise AnswerRefused("办结情况已提交，正在等待督办部门审核，请等待审核结果。")
    if item.state == EXTENSION_REQUESTED:
        raise AnswerRefused("延期申请正在等待督办部门审批，审批后再继续操作。")
    if wanted == ACKNOWLEDGED or ITEM.allows(item.state, wanted):
        return item
    raise AnswerRefused(f"当前状态为「{LABELS[item.state]}」，不能{_VERB[wanted]}。")


_VERB = {ACKNOWLEDGED: "签收", IN_PROGRESS: "反馈进展", PENDING_REVIEW: "报送办结", EXTENSION_REQUESTED: "申请延期"}


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise AnswerRefused("请填写经办人姓名。")
    if len(name) > NAME_MAX:
        raise AnswerRefused(f"姓名过长（最多 {NAME_MAX} 字），请只填写姓名。")
    return name


def _note(value: str, what: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise AnswerRefused(f"请填写{what}。")
    if len(text) > NOTE_MAX:
        raise AnswerRefused(f"{what}过长（最多 {NOTE_MAX} 字），请精简或作为附件上传。")
    return text


def actor(mu: MilestoneUnit, name: str) -> str:
    return f"{mu.unit.name}·{name}"


def acknowledge(session: Session, mu: MilestoneUnit, name: str, at: datetime) -> UnitItem:
    """签收: the time and the name typed; the state moves only from where 签收 means something."""
    answer = Answer(_name(name), at)
    item = _open_item(session, mu, answer, ACKNOWLEDGED)
    if item.acknowledged_at is not None:
        raise AnswerRefused(f"该事项已由 {item.acknowledged_by} 签收，无需重复签收。")
    item.acknowledged_by, item.acknowledged_at = answer.name, at
    if ITEM.allows(item.state, ACKNOWLEDGED):
        _move(session, item, ACKNOWLEDGED, actor(mu, answer.name), "签收", at)
    return item


def report_progress(session: Session, mu: MilestoneUnit, name: str, text: str, percent: int | None,
                    attachment: Attachment | None, at: datetime, occurrence: int | None = None) -> ProgressReport:
    """`occurrence`: the period of a reporting calendar the report is for (its period's link)."""
    answer = Answer(_name(name), at)
    body = _note(text, "进展情况")
    if percent is not None and not 0 <= percent <= 100:
        raise AnswerRefused("完成进度应为 0 到 100 之间的整数。")
    item = _open_item(session, mu, answer, IN_PROGRESS)
    report = ProgressReport(unit_item_id=item.id, by_name=answer.name, text=body, percent=percent,
                            attachment=attachment, at=at, occurrence=occurrence)
    session.add(report)
    if percent is not None:
        item.percent = percent
    _move(session, item, IN_PROGRESS, actor(mu, answer.name), body[:200], at)
    return report


def submit_done(session: Session, mu: MilestoneUnit, name: str, note: str, attachment: Attachment | None,
                at: datetime, settings: Settings) -> AnswerRequest:
    """办结: the note and evidence wait for the admin's review (待审核); the unit's reminders pause
    meanwhile (it has answered; the office's turn), and a return plans them again."""
    answer = Answer(_name(name), at)
    body = _note(note, "办结情况说明")
    item = _open_item(session, mu, answer, PENDING_REVIEW)
    request = AnswerRequest(unit_item_id=item.id, kind=DONE_REQUEST, by_name=answer.name, note=body,
                            prior_state=item.state, attachment=attachment, at=at)
    session.add(request)
    _move(session, item, PENDING_REVIEW, actor(mu, answer.name), body[:200], at)
    replan_at(session, plan_context(session, settings, at, actor(mu, answer.name)),
              f"{mu.unit.name} 报办结，等待审核", [mu.milestone])
    return request


def request_extension(session: Session, mu: MilestoneUnit, name: str, new_due: date | None, reason: str,
                      at: datetime, today: date) -> AnswerRequest:
    answer = Answer(_name(name), at)
    body = _note(reason, "延期理由")
    if new_due is None:
        raise AnswerRefused("请填写申请延期到的日期（形如 2024-07-31）。")
    if mu.milestone.rule:
        raise AnswerRefused("周期性事项按期报送，不能整体延期；请在进展中说明情况。")
    item = _open_item(session, mu, answer, EXTENSION_REQUESTED)
    current = item.due or mu.milestone.due
    if new_due <= max(current, today):
        raise AnswerRefused(f"申请的日期 {new_due} 应晚于当前截止日期 {current} 和今天。")
    request = AnswerRequest(unit_item_id=item.id, kind=EXTENSION_REQUEST, by_name=answer.name, note=body,
                            requested_due=new_due, prior_state=item.state, at=at)
    session.add(request)
    _move(session, item, EXTENSION_REQUESTED, actor(mu, answer.name), f"申请延期至 {new_due}：{body[:160]}", at)
    return request


def pending(session: Session) -> list[AnswerRequest]:
    """The admin's queue: 办结 waiting for review and extension requests, oldest first."""
    return list(session.scalars(select(AnswerRequest).where(AnswerRequest.decision.is_(None))
                                .order_by(AnswerRequest.at, AnswerRequest.id)))


def decide(session: Session, request: AnswerRequest, decision: str, reason: str, admin: str,
           settings: Settings, now: datetime) -> str:
    """The admin's decision on a request; returns what happened, in Chinese, for the flash line.

    办结: approve → done mark (reminders of that unit stop), return (reason required) → back to
    work, reminders continue. 延期: approve → the unit's due date moves and its reminders with
    it; refuse (reason required) → back to the state before the request."""
    if request.decision is not None:
        raise AnswerRefused("该申请已经处理过了。")
    item = request.item
    mu = item.milestone_unit
    why = (reason or "").strip()
    if decision != APPROVED and not why:
        raise AnswerRefused("退回或不同意时请填写理由，单位会看到这条理由。")
    if len(why) > NOTE_MAX:
        raise AnswerRefused(f"理由过长（最多 {NOTE_MAX} 字）。")
    request.decision, request.decided_by, request.decided_at, request.decision_reason = decision, admin, now, why
    ctx = plan_context(session, settings, now, admin)
    label = f"M{mu.milestone_id} {mu.unit.name}"
    if request.kind == DONE_REQUEST and decision == APPROVED:
        _move(session, item, DONE, admin, why or "审核通过，销号", now)
        mark_done(session, f"M{mu.milestone_id}", mu.unit_id, f"{request.by_name}：{request.note}"[:NOTE_MAX], ctx,
                  at=now)
        return f"{label} 办结审核通过，已销号，该单位的提醒已停止。"
    if request.kind == DONE_REQUEST and decision == RETURNED_DECISION:
        _move(session, item, RETURNED, admin, why, now)
        _move(session, item, IN_PROGRESS, admin, "退回后继续办理", now)
        stats = replan_at(session, ctx, f"办结被退回：{mu.unit.name} 继续办理", [mu.milestone])
        return f"{label} 办结已退回，提醒继续；{stats.summary()}"
    if request.kind == EXTENSION_REQUEST and decision == APPROVED:
        item.due = request.requested_due
        _move(session, item, EXTENDED, admin, f"同意延期至 {request.requested_due}（原定 {item.original_due}）"
              + (f"：{why}" if why else ""), now)
        stats = replan_at(session, ctx, f"延期获批：{mu.unit.name} 改至 {request.requested_due}", [mu.milestone])
        return f"{label} 已同意延期至 {request.requested_due}；{stats.summary()}"
    if request.kind == EXTENSION_REQUEST and decision == REFUSED:
        _move(session, item, request.prior_state, admin, f"不同意延期：{why}", now)
        return f"{label} 延期申请未获同意，仍按 {item.due or item.original_due} 办理。"
    raise AnswerRefused("无法识别的审核决定。")


def record_overdue(session: Session, today: date, at: datetime, actor: str = "system") -> int:
    """Move every open item past its (extended) date to overdue, each with its event; the digest
    calls this before it sends, so the history says when an item fell overdue. Only milestones
    already past (an extension only ever moves a date later) and not recurring: a recurring
    one's periods are chased by its own reminders, not by one item state."""
    items = {i.milestone_unit_id: i for i in session.scalars(select(UnitItem))}
    extended = {mu_id: i.due for mu_id, i in items.items() if i.due is not None}
    moved = 0
    for m in live_milestones(session, Milestone.due < today, Milestone.rule.is_(None)):
        for mu in m.units:
            if mu.removed_at is not None or mu.done_at is not None or extended.get(mu.id, m.due) >= today:
                continue
            item = items.get(mu.id) or _ensure(session, mu, at)
            if ITEM.allows(item.state, OVERDUE):
                _move(session, item, OVERDUE, actor, f"已过截止日期 {extended.get(mu.id, m.due)}", at)
                moved += 1
    return moved


def history(session: Session, unit_id: int) -> list[UnitItemEvent]:
    """Every recorded change of the unit's items, newest first."""
    return list(session.scalars(select(UnitItemEvent).join(UnitItem, UnitItem.id == UnitItemEvent.unit_item_id)
                                .join(MilestoneUnit, MilestoneUnit.id == UnitItem.milestone_unit_id)
                                .where(MilestoneUnit.unit_id == unit_id)
                                .order_by(UnitItemEvent.at.desc(), UnitItemEvent.id.desc())))
