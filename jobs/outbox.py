"""The outbox's state changes: enqueue, claim with a lease, reap, release, extend.

Claiming is one UPDATE whose subquery picks due messages and whose WHERE re-checks their
status: on PostgreSQL the subquery runs `FOR UPDATE SKIP LOCKED`, so concurrent workers
take disjoint batches without waiting for each other; on SQLite (no row locks) the single
statement is a compare-and-set under SQLite's write lock. Either way attempts+1 and the
lease are committed before anything is sent, which bounds a crash's damage to the one
message in flight (it is re-sent after its lease expires: at-least-once).

Leases are judged by `wall` time (real), due-ness by business time: see jobs/clock.py.
`resend` puts failed messages back in the queue when the admin asks (`deliveries resend`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from bot.notify import Message as Rendered
from bot.plan.states import EXPIRED, FAILED, PENDING, PLANNED, QUEUED, RETRY, SENDING
from bot.plan.transitions import EventLog, transition
from bot.store.models import DUE_SQL, Contact, Delivery, Message, MessageReminder, Reminder
from jobs.compose import content_hash

CHUNK = 500
RESENDABLE = (QUEUED, PLANNED, EXPIRED)  # a resent message carries these reminders again
LOST = "lost"  # delivery status of an attempt whose worker vanished before recording it


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: for `contact`, on behalf of unit `unit_id`."""

    unit_id: int
    contact: Contact
    message: Rendered


def enqueue(session: Session, outgoing: list[Outgoing], now: datetime, today: date) -> list[tuple[int, str, bool]]:
    """(message id, status, created) per outgoing message, in order.

    A message whose content was already queued today for that contact is not queued
    again: the existing row is returned (the outbox's unique key says the same).
    """
    hashes = [content_hash(o.message) for o in outgoing]
    existing: dict[tuple[int, str], tuple[int, str]] = {}
    contacts = sorted({o.contact.id for o in outgoing})
    for start in range(0, len(contacts), CHUNK):
        rows = session.execute(select(Message.contact_id, Message.content_hash, Message.id, Message.status).where(
            Message.send_date == today, Message.contact_id.in_(contacts[start:start + CHUNK])))
        existing.update({(cid, digest): (mid, status) for cid, digest, mid, status in rows})
    fresh = [(o, h) for o, h in zip(outgoing, hashes) if (o.contact.id, h) not in existing]
    fresh = list({(o.contact.id, h): (o, h) for o, h in fresh}.values())
    if fresh:
        ids = session.execute(insert(Message).returning(Message.id, sort_by_parameter_order=True), [
            dict(unit_id=o.unit_id, contact_id=o.contact.id, channel=o.contact.kind, send_at=now, send_date=today,
                 content_hash=h, subject=o.message.subject, body=o.message.markdown, body_text=o.message.text,
                 body_html=o.message.html, notice=o.message.notice, mentions=list(o.message.mentions),
                 status=PENDING, attempts=0, next_attempt_at=now, created_at=now)
            for o, h in fresh]).scalars().all()
        new = {(o.contact.id, h): mid for (o, h), mid in zip(fresh, ids)}
    else:
        new = {}
    out = []
    for o, h in zip(outgoing, hashes):
        key = (o.contact.id, h)
        out.append((new[key], PENDING, True) if key in new else (*existing[key], False))
    return out


def claim(session: Session, worker_id: str, now: datetime, lease_until: datetime, limit: int) -> list[int]:
    """Ids of up to `limit` due messages now leased to `worker_id`, oldest due first."""
    # The partial index's own predicate, as literal SQL: a prepared statement's generic plan can
    # only use ix_messages_due when the statuses are not parameters.
    due = (select(Message.id)
           .where(DUE_SQL, Message.next_attempt_at <= now)
           .order_by(Message.next_attempt_at, Message.id)
           .limit(limit)
           .with_for_update(skip_locked=True))
    claimed = session.execute(
        update(Message)
        .where(Message.id.in_(due.scalar_subquery()), Message.status.in_((PENDING, RETRY)))
        .values(status=SENDING, attempts=Message.attempts + 1, lease_owner=worker_id, lease_until=lease_until)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    return sorted(claimed)


def reap(session: Session, wall_now: datetime | None, worker_id: str, owner: str | None = None) -> list[int]:
    """Return `sending` messages whose lease ran out to retry; ids returned.

    `wall_now` None: every lease counts as expired (the caller knows no other sender is
    alive, e.g. it holds the SQLite run lock); `owner`: only that worker's leases (a worker
    restarted under the same id). Each gets a delivery row saying the attempt was lost:
    its worker stopped between claiming and recording, so the recipient may or may not
    have received it.
    """
    stale = Message.status == SENDING
    if wall_now is not None:
        stale = stale & (Message.lease_until < wall_now)
    if owner is not None:
        stale = stale & (Message.lease_owner == owner)
    rows = session.execute(
        update(Message).where(stale)
        .values(status=RETRY, lease_owner=None, lease_until=None,
                next_attempt_at=Message.send_at,  # due again at once, whatever the business clock says
                last_error="上次发送中途中断（工作进程停止或失联），重新发送")
        .returning(Message.id, Message.attempts, Message.channel)
        .execution_options(synchronize_session=False)
    ).all()
    if rows:
        session.execute(insert(Delivery), [
            dict(message_id=mid, attempt=attempts, channel=channel, status=LOST, worker=worker_id,
                 error="发送途中工作进程中断，租约到期后收回；收件人可能已收到，本条将重发")
            for mid, attempts, channel in rows])
    return sorted(mid for mid, _, _ in rows)


def release(session: Session, ids: list[int], worker_id: str, next_attempt_at: datetime | None = None) -> int:
    """Give claimed, unsent messages back (stopping, or throttled): the claim's attempt is not counted."""
    if not ids:
        return 0
    values: dict = dict(status=case((Message.attempts > 1, RETRY), else_=PENDING),
                        attempts=Message.attempts - 1, lease_owner=None, lease_until=None)
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    return session.execute(
        update(Message).where(Message.id.in_(ids), Message.status == SENDING, Message.lease_owner == worker_id)
        .values(**values).execution_options(synchronize_session=False)).rowcount


def extend(session: Session, ids: list[int], worker_id: str, lease_until: datetime) -> set[int]:
    """Push the lease of our claimed messages; the ids returned are still ours."""
    if not ids:
        return set()
    return set(session.execute(
        update(Message).where(Message.id.in_(ids), Message.status == SENDING, Message.lease_owner == worker_id)
        .values(lease_until=lease_until).returning(Message.id)
        .execution_options(synchronize_session=False)).scalars())


def lease_end(wall_now: datetime, seconds: float) -> datetime:
    return wall_now + timedelta(seconds=seconds)



@dataclass
class Resent:
    """What `deliveries resend` did: message ids queued again, and those left with the reason why."""

    queued: list[int]
    skipped: dict[int, str]


def resend(session: Session, now: datetime, actor: str, *, ids: list[int] | None = None, unit_id: int | None = None,
           since: date | None = None) -> Resent:
    """Put failed messages back in the queue, due at once, so the next dispatch sends each once more.

    The reminders each carries go back to `queued` on it (unless already sent another way,
    done or cancelled): the digest does not route them a second time. A message whose
    contact is disabled, or none of whose reminders still wants sending, is left as it is.
    """
    query = select(Message).where(Message.status == FAILED).order_by(Message.id)
    if ids:
        query = query.where(Message.id.in_(ids))
    if unit_id is not None:
        query = query.where(Message.unit_id == unit_id)
    if since is not None:
        query = query.where(Message.send_date >= since)
    out = Resent([], {})
    log = EventLog(now, actor)
    for message in session.scalars(query.with_for_update()):
        if not message.contact.enabled:
            out.skipped[message.id] = f"联系方式已停用（{message.contact.disabled_reason or '未说明原因'}），请先修正并重新启用"
            continue
        carried = list(session.scalars(select(Reminder).join(MessageReminder)
                                       .where(MessageReminder.message_id == message.id)))
        waiting = [r for r in carried if r.status in RESENDABLE]
        if carried and not waiting:
            out.skipped[message.id] = "所含提醒已送达、办结或取消，无需重发"
            continue
        for rem in waiting:
            if rem.status != QUEUED:
                transition(log, rem, QUEUED, f"管理员重新发送失败的消息 #{message.id}")
        # due at once, whatever the business clock says (as `reap` does): a replay's clock may lag the wall's
        message.status, message.next_attempt_at = RETRY, message.send_at
        message.lease_owner = message.lease_until = None
        out.queued.append(message.id)
    log.save(session)
    return out
