"""At each send time: due reminders → one digest per recipient → the outbox.

Per run, on the reminders still `planned` whose send time has come:
1. those past `not_after` are expired (the send is pointless now);
2. of one milestone occurrence for one unit, only the newest due reminder is sent (after
   downtime the missed ones are merged into it, not sent one per missed tick);
3. when downtime made a unit miss every lead reminder of a milestone whose deadline has
   since passed, and its overdue escalation is still running, the newest missed one goes
   out once, as an overdue notice (the digest shows it as 已逾期 N 天), the others expire;
4. the rest are grouped per unit and routed: to the unit's enabled contacts, else to the
   admin (units without a contact, and items marked copy_admin, as sections of one summary
   message); one message per recipient contact per run; the same content is never queued
   twice for one recipient on one day (the outbox's unique key).
Every status change is a reminder_events row. On PostgreSQL one worker at a time builds
digests (an advisory lock); the others skip the run.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, selectinload

from bot.config.settings import Settings
from bot.store.models import (
    CANCELLED,
    EXPIRED,
    FAILED,
    OVERDUE,
    PLANNED,
    QUEUED,
    SENT,
    MessageReminder,
    Milestone,
    Reminder,
    ReminderEvent,
    Task,
    Unit,
)
from jobs.compose import COPY, FALLBACK, OWN, Section, compose
from jobs.outbox import Outgoing, enqueue
from jobs.recipients import admin_contacts, admin_unit, unit_contacts
from jobs.tally import Tally

PLANNING_LOCK = 0x64756262  # "dubb": one digest/notice builder at a time on PostgreSQL
GroupKey = tuple[int, int, int]  # (milestone_id, unit_id, occurrence)


@dataclass
class DigestReport(Tally):
    messages: int = 0
    reminders: int = 0
    expired: int = 0
    merged: int = 0
    overdue_notices: int = 0
    reused: int = 0


    def summary(self) -> str:
        return (f"生成消息 {self.messages} 条（含 {self.reminders} 项提醒，其中逾期补发 {self.overdue_notices} 项）；"
                f"合并 {self.merged} 项，过期 {self.expired} 项")


def planning_lock(session: Session) -> bool:
    """True when this transaction may build digests (always on SQLite: one process at a time)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    # keyed by schema too: deployments (or test runs) in other schemas of one database do not block each other
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(current_schema()), :id)"),
                                {"id": PLANNING_LOCK}).scalar())


class _Events:
    def __init__(self, now: datetime, actor: str):
        self.now, self.actor, self.rows = now, actor, []

    def change(self, rem: Reminder, status: str, reason: str) -> None:
        self.rows.append(dict(reminder_id=rem.id, at=self.now, old_status=rem.status, new_status=status,
                              reason=reason, actor=self.actor))
        rem.status, rem.reason, rem.updated_at = status, reason, self.now


def _group(rem: Reminder) -> GroupKey:
    return (rem.milestone_id, rem.unit_id, rem.occurrence)


def _newest(rems: list[Reminder]) -> Reminder:
    return max(rems, key=lambda r: (r.send_at, r.id))


def _escalating(session: Session, keys: set[GroupKey], now: datetime) -> set[GroupKey]:
    """Groups whose overdue escalation still has a send ahead."""
    if not keys:
        return set()
    rows = session.execute(select(Reminder.milestone_id, Reminder.unit_id, Reminder.occurrence).where(
        Reminder.status == PLANNED, Reminder.kind == OVERDUE, Reminder.send_at > now,
        Reminder.milestone_id.in_({k[0] for k in keys})))
    return {tuple(r) for r in rows} & keys


def select_due(session: Session, now: datetime, events: _Events, report: DigestReport) -> list[Reminder]:
    """Steps 1–3: expire, merge and pick the reminders to send now."""
    rows = list(session.scalars(
        select(Reminder).where(Reminder.status == PLANNED, Reminder.send_at <= now)
        .order_by(Reminder.send_at, Reminder.id).with_for_update(of=Reminder)
        .options(selectinload(Reminder.unit),
                 selectinload(Reminder.milestone).selectinload(Milestone.task).selectinload(Task.document))))
    due: dict[GroupKey, list[Reminder]] = defaultdict(list)
    stale: dict[GroupKey, list[Reminder]] = defaultdict(list)
    for rem in rows:
        (due if rem.not_after > now else stale)[_group(rem)].append(rem)
    chosen = []
    for rems in due.values():
        keep = _newest(rems)
        chosen.append(keep)
        for rem in rems:
            if rem is not keep:
                events.change(rem, EXPIRED, f"已并入 {keep.send_on} 的同一时间节点提醒，只发一次")
                report.merged += 1
    missed = {k for k in stale if any(r.kind != OVERDUE for r in stale[k])} - set(due)
    notify = _escalating(session, missed, now)
    for key, rems in stale.items():
        leads = [r for r in rems if r.kind != OVERDUE]
        notice = _newest(leads) if key in notify else None
        for rem in rems:
            if rem is notice:
                continue
            events.change(rem, EXPIRED, f"已超过有效期（{rem.not_after.isoformat(timespec='minutes')}），不再补发")
            report.expired += 1
        if notice is not None:
            chosen.append(notice)
            report.overdue_notices += 1
    return chosen


def _route(session: Session, settings: Settings, chosen: list[Reminder]) -> tuple[dict, Unit | None]:
    """contact id → (contact, sections): step 4's recipients."""
    by_unit: dict[int, list[Reminder]] = defaultdict(list)
    for rem in chosen:
        by_unit[rem.unit_id].append(rem)
    own = unit_contacts(session, set(by_unit))
    recipients: dict[int, tuple] = {}
    admin = None

    def add(contact, section: Section) -> None:
        recipients.setdefault(contact.id, (contact, []))[1].append(section)

    for unit_id, rems in sorted(by_unit.items()):
        name = rems[0].unit.name
        contacts = own.get(unit_id)
        copies = [r for r in rems if r.copy_admin]
        if contacts:
            for contact in contacts:
                add(contact, Section(name, OWN, rems))
        if not contacts or copies:
            admin = admin or admin_contacts(session, settings)
            for contact in admin:
                add(contact, Section(name, FALLBACK, rems) if not contacts else Section(name, COPY, copies))
    return recipients, (admin_unit(session, settings) if admin else None)


def build_digests(session: Session, settings: Settings, now: datetime, actor: str = "dispatcher") -> DigestReport:
    """Queue the digests due at `now`; the caller's transaction makes it all or nothing."""
    report = DigestReport()
    if not planning_lock(session):
        return report
    events = _Events(now, actor)
    chosen = select_due(session, now, events, report)
    today = now.astimezone(settings.tz).date()
    recipients, admin = _route(session, settings, chosen)
    outgoing, carried = [], []
    for contact, sections in recipients.values():
        own = len(sections) == 1 and sections[0].role == OWN
        unit_id = sections[0].reminders[0].unit_id if own else admin.id
        outgoing.append(Outgoing(unit_id, contact, compose(sections, today, settings.admin_name)))
        carried.append({r.id for s in sections for r in s.reminders})
    queued = enqueue(session, outgoing, now, today)
    reused = [mid for mid, _, created in queued if not created]
    linked = set(session.execute(select(MessageReminder.message_id, MessageReminder.reminder_id)
                                 .where(MessageReminder.message_id.in_(reused)))) if reused else set()
    outcome: dict[int, set[str]] = defaultdict(set)  # reminder id → statuses of the messages carrying it
    links: list[dict] = []
    for (mid, status, created), reminder_ids in zip(queued, carried):
        report.messages += created
        report.reused += not created
        for rid in reminder_ids:
            outcome[rid].add(status)
            if (mid, rid) not in linked:
                links.append(dict(message_id=mid, reminder_id=rid))
    if links:
        session.execute(insert(MessageReminder), links)
    for rem in chosen:
        statuses = outcome.get(rem.id, set())
        if statuses - {SENT, FAILED, CANCELLED}:
            events.change(rem, QUEUED, "已生成提醒消息，等待发送")
            report.reminders += 1
        elif SENT in statuses:
            events.change(rem, SENT, "相同内容今天已发给该收件人，不重复发送")
        else:
            events.change(rem, EXPIRED, "相同内容今天已发送失败，不再重复发送")
            report.expired += 1
    session.flush()
    if events.rows:
        session.execute(insert(ReminderEvent), events.rows)
    return report

