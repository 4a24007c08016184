"""What `deliveries` shows: attempts and failed messages as plain rows (secrets masked)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from bot.store.models import CANCELLED, FAILED, Delivery, Message, MessageReminder
from jobs.channels import describe_contact


def _local(at, tz) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def attempt_rows(session: Session, tz, limit: int) -> list[dict]:
    rows = session.execute(
        select(Delivery, Message).join(Message, Message.id == Delivery.message_id)
        .options(joinedload(Message.unit), joinedload(Message.contact))
        .order_by(Delivery.at.desc(), Delivery.id.desc()).limit(limit)).all()
    return [{"at": _local(d.at, tz), "message_id": m.id, "unit": m.unit.name, "contact": describe_contact(m.contact),
             "channel": d.channel, "attempt": d.attempt, "status": d.status, "duration_ms": d.duration_ms,
             "worker": d.worker, "error": d.error or ""} for d, m in rows]


def failed_rows(session: Session, tz, limit: int) -> list[dict]:
    counts = (select(MessageReminder.message_id, func.count().label("n"))
              .group_by(MessageReminder.message_id).subquery())
    last = (select(Delivery.message_id, func.max(Delivery.at).label("at")).group_by(Delivery.message_id).subquery())
    rows = session.execute(
        select(Message, counts.c.n, last.c.at)
        .outerjoin(counts, counts.c.message_id == Message.id).outerjoin(last, last.c.message_id == Message.id)
        .where(Message.status.in_((FAILED, CANCELLED)))
        .options(joinedload(Message.unit), joinedload(Message.contact))
        .order_by(Message.id.desc()).limit(limit)).all()
    return [{"updated": _local(at or m.send_at, tz), "message_id": m.id, "unit": m.unit.name,
             "contact": describe_contact(m.contact), "channel": m.channel, "attempts": m.attempts,
             "reminders": n or 0, "status": m.status, "subject": m.subject, "error": m.last_error or ""}
            for m, n, at in rows]
