"""The scheduled 督办通报's sends (migration 0174): which period went to which contact, and its files.

report_sends   one row per (period kind, period start, contact): UNIQUE, so a period's report
               is queued at most once for a recipient, whichever worker gets there first and
               however often the process restarts. status "queued": handed to the outbox as
               `message_id` (the message's own status, attempts, last_error and sent_at, and its
               deliveries rows, say what became of it, as for every reminder); "expired": the
               send time had passed beyond catch_up_hours, nothing sent, the admin told.
report_files   the rendered attachment of an issue, once per format: every recipient's message
               points at the same bytes, and a retry sends exactly what the first attempt did.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow

QUEUED_SEND, EXPIRED_SEND = "queued", "expired"


class ReportSend(Base):
    __tablename__ = "report_sends"
    __table_args__ = (UniqueConstraint("period_kind", "period_start", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date]
    scheduled_at: Mapped[datetime]  # the configured send instant this row answers
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("report_issues.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportFile(Base):
    __tablename__ = "report_files"
    __table_args__ = (UniqueConstraint("issue_id", "fmt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("report_issues.id"))
    fmt: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only to send
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
