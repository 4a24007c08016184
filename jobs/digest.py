"""At each send time: due reminders → one digest per recipient → the outbox.

Per run, first every open unit item past its date is recorded overdue (an event each, once);
then, on the reminders still `planned` whose send time has come:
0. a reminder to 签收 (kind "ack") of an item the unit has acknowledged is cancelled first,
   so the lead reminder merged into it on a shared day is not lost with it; a reminder of a
   reporting calendar's period the unit has reported is closed (bot/answers/reporting.py);
1–3. the catch-up rules (bot/plan/due.py, shared with every replan): expire what is past
   its validity, merge missed sends of one milestone into the newest, and turn a missed
   lead reminder into one overdue notice while the escalation runs;
4. the rest are grouped per unit and routed: to the unit's enabled contacts, else to the
   admin (units without a contact, and items marked copy_admin, as one summary message
   grouped by milestone); escalated items (overdue `escalate_after_days` working days)
   also to the unit's leader contacts and the admin; one message per recipient contact per
   run; the same content is never queued twice for one recipient on one day (the outbox's
   unique key). A unit's messages carry its answer links when a public address is set.
Every status change goes through bot.plan.transitions (a reminder_events row). On
PostgreSQL one worker at a time builds digests (an advisory lock); the others skip the run.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from bot.answers.flows import OVERDUE as ITEM_OVERDUE
from bot.answers.flows import PLANNED as ITEM_PLANNED
from bot.answers.flows import record_overdue
from bot.answers.links import links_for, public_base_url
from bot.answers.reporting import close_reported
from bot.config.settings import Settings
from bot.plan.due import settle_due
from bot.plan.states import CANCELLED, EXPIRED, FAILED, PLANNED, QUEUED, SENT, UNACKNOWLEDGED
from bot.plan.transitions import EventLog, transition
from bot.store.answer_models import UnitItem
from bot.store.models import MessageReminder, MilestoneUnit, Reminder, Unit
from jobs.compose import COPY, FALLBACK, LEADER, OWN, Context, Links, Section, compose, escalated
from jobs.outbox import Outgoing, enqueue
from jobs.recipients import admin_contacts, admin_unit, unit_contacts
from jobs.tally import Tally

PLANNING_LOCK = 0x64756262  # "dubb": one digest/notice builder at a time on PostgreSQL


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


def _route(session: Session, settings: Settings, chosen: list[Reminder]) -> tuple[dict, Unit | None]:
    """contact id → (contact, sections): step 4's recipients."""
    by_unit: dict[int, list[Reminder]] = defaultdict(list)
    for rem in chosen:
        by_unit[rem.unit_id].append(rem)
    own = unit_contacts(session, set(by_unit))
    leaders = unit_contacts(session, set(by_unit), leaders=True)
    escalate_after = settings.escalate_after
    recipients: dict[int, tuple] = {}
    admin = None

    def add(contact, section: Section) -> None:
        recipients.setdefault(contact.id, (contact, []))[1].append(section)

    for unit_id, rems in sorted(by_unit.items()):
        name = rems[0].unit.name
        contacts = own.get(unit_id)
        urgent = [r for r in rems if escalated(r, escalate_after)]
        copies = [r for r in rems if r.copy_admin or r in urgent]
        if contacts:
            for contact in contacts:
                add(contact, Section(name, OWN, rems))
        for contact in leaders.get(unit_id, []) if urgent else []:
            add(contact, Section(name, LEADER, urgent))
        if not contacts or copies:
            admin = admin or admin_contacts(session, settings)
            for contact in admin:
                add(contact, Section(name, FALLBACK, rems) if not contacts else Section(name, COPY, copies))
    return recipients, (admin_unit(session, settings) if admin else None)


def drop_acknowledged(session: Session, now: datetime, log: EventLog) -> int:
    """Cancel the due reminders to 签收 whose unit has acknowledged: 签收, or any other answer."""
    rows = session.execute(
        select(Reminder, UnitItem)
        .join(MilestoneUnit, (MilestoneUnit.milestone_id == Reminder.milestone_id)
              & (MilestoneUnit.unit_id == Reminder.unit_id))
        .join(UnitItem, UnitItem.milestone_unit_id == MilestoneUnit.id)
        .where(Reminder.status == PLANNED, Reminder.kind == UNACKNOWLEDGED, Reminder.send_at <= now))
    count = 0
    for rem, item in rows:
        if item.acknowledged_at is not None or item.state not in (ITEM_PLANNED, ITEM_OVERDUE):
            transition(log, rem, CANCELLED, "单位已签收，不再提醒签收")
            count += 1
    return count


def unit_links(session: Session, settings: Settings, now: datetime) -> Links | None:
    """A reminder → its unit's answer links, or None without a public address (then no links)."""
    base = public_base_url(settings)
    if not base:
        return None
    cache: dict[tuple[int, int, int], dict[str, str]] = {}

    def links(rem: Reminder) -> dict[str, str]:
        key = (rem.unit_id, rem.milestone_id, rem.occurrence)
        if key not in cache:
            cache[key] = links_for(session, rem.unit_id, rem.milestone_id, base_url=base, now=now, settings=settings,
                                   occurrence=rem.occurrence)
        return cache[key]
    return links


def build_digests(session: Session, settings: Settings, now: datetime, actor: str = "dispatcher") -> DigestReport:
    """Queue the digests due at `now`; the caller's transaction makes it all or nothing."""
    report = DigestReport()
    if not planning_lock(session):
        return report
    log = EventLog(now, actor)
    record_overdue(session, now.astimezone(settings.tz).date(), now, actor)  # the items' history says when
    drop_acknowledged(session, now, log)
    close_reported(session, now, settings.tz, log)
    settled = settle_due(session, now, log)
    chosen = settled.chosen
    report.expired, report.merged, report.overdue_notices = settled.expired, settled.merged, settled.overdue_notices
    today = now.astimezone(settings.tz).date()
    recipients, admin = _route(session, settings, chosen)
    ctx = Context.of(settings, today, unit_links(session, settings, now))
    outgoing, carried = [], []
    for contact, sections in recipients.values():
        own = len(sections) == 1 and sections[0].role in (OWN, LEADER)
        unit_id = sections[0].reminders[0].unit_id if own else admin.id
        outgoing.append(Outgoing(unit_id, contact, compose(sections, ctx)))
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
            transition(log, rem, QUEUED, "已生成提醒消息，等待发送")
            report.reminders += 1
        elif SENT in statuses:
            transition(log, rem, SENT, "相同内容今天已发给该收件人，不重复发送")
        else:
            transition(log, rem, EXPIRED, "相同内容今天已发送失败，不再重复发送")
            report.expired += 1
    log.save(session)
    return report

