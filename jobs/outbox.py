"""The outbox's state changes: enqueue, claim with a lease, reap, release, extend.

Claiming is one UPDATE whose subquery picks due messages and whose WHERE re-checks their
status: on PostgreSQL the subquery runs `FOR UPDATE SKIP LOCKED`, so concurrent workers
take disjoint batches without waiting for each other; on SQLite (no row locks) the single
statement is a compare-and-set under SQLite's write lock. Either way attempts+1 and the
lease are committed before anything is sent, which bounds a crash's damage to the one
message in flight (it is re-sent after its lease expires: at-least-once).

Leases are judged by `wall` time (real), due-ness by business time: see jobs/clock.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from bot.notify import Message as Rendered
from bot.store.models import PENDING, RETRY, SENDING, Contact, Delivery, Message
from jobs.compose import content_hash

LOST = "lost"  # delivery status of an attempt whose worker vanished before recording it


def enqueue(session: Session, *, unit_id: int, contact: Contact, message: Rendered, now: datetime,
            today: date) -> tuple[Message, bool]:
    """The outbox row for `message` to `contact` today; an identical one already queued today is reused."""
    digest = content_hash(message)
    existing = session.scalars(select(Message).where(
        Message.contact_id == contact.id, Message.send_date == today, Message.content_hash == digest)).first()
    if existing is not None:
        return existing, False
    row = Message(unit_id=unit_id, contact_id=contact.id, channel=contact.kind, send_at=now, send_date=today,
                  content_hash=digest, subject=message.subject, body=message.markdown, body_text=message.text,
                  body_html=message.html, notice=message.notice, mentions=list(message.mentions),
                  status=PENDING, attempts=0, next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row, True


def claim(session: Session, worker_id: str, now: datetime, lease_until: datetime, limit: int) -> list[int]:
    """Ids of up to `limit` due messages now leased to `worker_id`, oldest due first."""
    due = (select(Message.id)
           .where(Message.status.in_((PENDING, RETRY)), Message.next_attempt_at <= now)
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

