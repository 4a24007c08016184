"""The audit trail: every change an admin makes, who, when, what, before → after.

Console pages and the `users` command call `record`; the console's 审计 page reads `recent`.
Values are stored as JSON with secrets already masked by the caller.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.console_models import AuditEntry
from bot.store.models import utcnow


def record(session: Session, actor: str, action: str, target: str = "", before: dict | None = None,
           after: dict | None = None, at: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(actor=actor[:64], action=action[:80], target=target, before=before, after=after,
                       at=at or utcnow())
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                .offset(offset).limit(limit)))
