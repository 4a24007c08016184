"""The units' answers (issue 14): links, each unit's item per milestone, its events and requests.

A unit has no account: it acts through opaque links (answer_tokens, only a hash stored).
What it answers is the state of its item (milestone × unit), kept beside milestone_units so
the reminder tables stay as they are; the approved outcomes reach the reminders through
bot.plan.completion (办结) and the replan (延期: unit_items.due).

answer_tokens      one link: a unit and a milestone (or the unit's page / calendar) and one
                   action; token_hash = SHA-256 of the token, salt derives it again (tokens.py);
                   expires_at (NULL: until revoked), revoked_at, used_at (a 办结 link works once);
                   occurrence: the period a 反馈进展 link is bound to (reporting calendars)
unit_items         one per milestone_unit that has been answered or planned for: state (see
                   bot/answers/flows.py), original_due (the milestone's date when first seen,
                   for statistics), due (an approved extension, else NULL), 签收 name and time
unit_item_events   every state change of an item: old → new, who, when, note
answer_requests    a 办结 or 延期 submission waiting for the admin, then its decision
progress_reports   进展: text, percentage, optional attachment; occurrence: the period it was
                   reported for through a period's link (bot/answers/reporting.py)
answer_attachments a file a unit sent, stored under the attachments folder by its SHA-256
answer_hits        one row per request to a unit page, counted per client for the rate limit
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.models import Base, Milestone, MilestoneUnit, Unit, utcnow


class AnswerToken(Base):
    __tablename__ = "answer_tokens"
    __table_args__ = (Index("ix_answer_tokens_unit_id_milestone_id_action", "unit_id", "milestone_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    action: Mapped[str] = mapped_column(String(16))
    occurrence: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
    milestone: Mapped[Milestone | None] = relationship()


class UnitItem(Base):
    __tablename__ = "unit_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_unit_id: Mapped[int] = mapped_column(ForeignKey("milestone_units.id"), unique=True)
    state: Mapped[str] = mapped_column(String(24))
    original_due: Mapped[date]
    due: Mapped[date | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None]
    percent: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    milestone_unit: Mapped[MilestoneUnit] = relationship()
    events: Mapped[list[UnitItemEvent]] = relationship(order_by="UnitItemEvent.id", viewonly=True)


class UnitItemEvent(Base):
    __tablename__ = "unit_item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_item_id: Mapped[int] = mapped_column(ForeignKey("unit_items.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_state: Mapped[str | None] = mapped_column(String(24))
    new_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    __tablename__ = "answer_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerRequest(Base):
    __tablename__ = "answer_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_item_id: Mapped[int] = mapped_column(ForeignKey("unit_items.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "done" | "extension"
    by_name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_due: Mapped[date | None]
    prior_state: Mapped[str] = mapped_column(String(24))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("answer_attachments.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))  # approved | returned | refused
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    item: Mapped[UnitItem] = relationship()
    attachment: Mapped[Attachment | None] = relationship()


class ProgressReport(Base):
    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_item_id: Mapped[int] = mapped_column(ForeignKey("unit_items.id"), index=True)
    by_name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None]
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("answer_attachments.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    occurrence: Mapped[int | None]

    attachment: Mapped[Attachment | None] = relationship()


class AnswerHit(Base):
    __tablename__ = "answer_hits"
    __table_args__ = (Index("ix_answer_hits_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
