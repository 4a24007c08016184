"""report_issues: the 督办通报 that took a number (期号), one row per issue.

The number is per year (unique year, number). A scheduled issue also carries
`scheduled_period` ("month:2024-07-01"), unique, so that several workers (or one after a
restart) cannot each take a number for the same period: the second insert fails and finds
the first. A preview takes no number and leaves no row.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class ReportIssue(Base):
    __tablename__ = "report_issues"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    number: Mapped[int]
    period_kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date]
    period_end: Mapped[date]
    as_of: Mapped[datetime]
    scheduled_period: Mapped[str | None] = mapped_column(String(40), unique=True)
    formats: Mapped[str] = mapped_column(String(60), default="")  # "docx,xlsx": what was produced
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
