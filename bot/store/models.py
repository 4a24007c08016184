"""The store's tables: the runtime truth shared by every worker (SQLite or PostgreSQL).

Data flows one way: documents → tasks → milestones → milestone_units → reminders →
messages → deliveries. Rows are never deleted: a removed task or milestone gets
`removed_at`, a reminder that is no longer wanted becomes `cancelled`, and every status
change of a reminder is a row in reminder_events (healthchecks' Flip).

Tables
------
documents          one per task list; identity = `key` (normalised title + working year) so an
                   amended file of the same list updates it; `sha256` of the last imported file
                   makes a repeated import a no-op.
tasks              rows of a document; `key` is stable across amendments ("n12" or a title hash).
milestones         dated deadlines of a task: due, kind (once/recurring/implicit), rule (RRULE),
                   expr, start/end, action, matched_by, past, planned_from (import day); `key` is stable across amendments so a
                   moved deadline updates the same row; `removed_at` when gone from the document.
units              canonical unit names with aliases and group membership (JSON lists); kind is
                   "unit", or "admin" for the single admin/fallback recipient.
contacts           per unit: kind (wecom/email/dingtalk/feishu), target (webhook URL or key, an
                   env reference such as ${WECOM_KEY_BAOHU}, or an email address), secret (env
                   reference for signed robots), mentions (mobiles), enabled, disabled_reason.
milestone_units    who answers for a milestone: role lead/assist, done_at/done_by/done_note.
completion_events  append-only log of done/undo (who, when, note): what `undo` reverses.
lead_time_rules    lead days by scope: "default", "unit:<name>", "kind:<kind>".
calendar_overrides admin-listed holidays and 调休 working days (wins over chinese-calendar).
reminders          one planned send per (milestone, unit, occurrence, kind, lead_days):
                   kind "lead" (lead_days ≥ 0), "overdue" (lead_days < 0: working days overdue),
                   "after_holiday" (the extra send after a long holiday). occurrence is 0 for a
                   one-off milestone, 1..n for the occurrences of a recurring one. send_on is the
                   working day, send_at the UTC instant, not_after the UTC instant after which the
                   send is pointless (expire instead). status and its allowed moves: bot/plan/states.py.
                   unverified = computed on a fallback calendar (未核验).
reminder_events    append-only status changes of reminders (old, new, reason, actor, at).
messages           the outbox: one message to one contact. UNIQUE(contact_id, send_date,
                   content_hash): the same content never goes twice to a recipient on one day.
                   status: pending → sending → sent | retry | failed | cancelled, with a lease
                   (lease_owner, lease_until) for multi-worker claiming.
message_reminders  which reminders a (digest) message carries.
deliveries         every send attempt of a message and its result.
admin_notices      things the admin must hear once (key unique; sent_at set by whoever delivers it).
worker_heartbeats  one row per running worker, for `bot health`.

All instants are stored as UTC and read back timezone-aware (UTCDateTime); dates are dates.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The statuses and kinds live with the state machine (bot/plan/states.py); importable here too.
from bot.config.contacts import LEADER_ROLE
from bot.plan.states import (  # noqa: F401
    AFTER_HOLIDAY,
    CANCELLED,
    DONE,
    EXPIRED,
    FAILED,
    LEAD,
    OPEN_REMINDER,
    OVERDUE,
    PENDING,
    PLANNED,
    QUEUED,
    RETRY,
    SENDING,
    SENT,
)

# Claimable once next_attempt_at has come: the predicate of the partial index ix_messages_due.
DUE_SQL = text(f"status IN ('{PENDING}', '{RETRY}')")
# Contact kinds and unit kinds.
CHANNELS = ("wecom", "email", "dingtalk", "feishu")
UNIT, ADMIN = "unit", "admin"
LEADER = LEADER_ROLE  # Contact.role of a unit's leader: told only of escalated (long overdue) items
CONTACT_ROLES = ("", LEADER)
LEAD_ROLE, ASSIST_ROLE = "lead", "assist"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no tz support) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict: JSON, list: JSON}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    doc_date: Mapped[date | None]
    issuer: Mapped[str] = mapped_column(Text, default="")
    doc_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # The Extraction as read, before corrections (bot/store/corrections.py): large, so loaded
    # only when asked for, never with every task that joins its document.
    reading: Mapped[dict | None] = mapped_column(deferred=True)
    withdrawn_at: Mapped[datetime | None]  # withdrawn in the console: its reminders stopped, history kept
    source: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    tasks: Mapped[list[Task]] = relationship(back_populates="document")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    key: Mapped[str] = mapped_column(String(80))
    no: Mapped[int | None]
    section: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text, default="")
    raw_units: Mapped[str] = mapped_column(Text, default="")
    removed_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(back_populates="tasks")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="task")


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("task_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    expr: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(default=0)
    end: Mapped[int] = mapped_column(default=0)
    due: Mapped[date]
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text, default="")
    matched_by: Mapped[str] = mapped_column(String(80), default="")
    past: Mapped[bool] = mapped_column(default=False)
    planned_from: Mapped[date]  # the import day: earlier lead times and occurrences are not chased
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(back_populates="milestones")
    units: Mapped[list[MilestoneUnit]] = relationship(back_populates="milestone", order_by="MilestoneUnit.position")


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=UNIT)
    aliases: Mapped[list] = mapped_column(default=list)
    groups: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(back_populates="unit", order_by="Contact.id")


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    mentions: Mapped[list] = mapped_column(default=list)
    label: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="contacts")


class MilestoneUnit(Base):
    __tablename__ = "milestone_units"
    __table_args__ = (UniqueConstraint("milestone_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=LEAD_ROLE)
    position: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(200))
    done_note: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None]

    milestone: Mapped[Milestone] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class CompletionEvent(Base):
    __tablename__ = "completion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_unit_id: Mapped[int] = mapped_column(ForeignKey("milestone_units.id"), index=True)
    action: Mapped[str] = mapped_column(String(8))  # "done" | "undo"
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    milestone_unit: Mapped[MilestoneUnit] = relationship()


class LeadTimeRule(Base):
    __tablename__ = "lead_time_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(250), unique=True)  # default | unit:<name> | kind:<kind>
    lead_days: Mapped[list] = mapped_column()


class CalendarOverride(Base):
    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100), default="")


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("milestone_id", "unit_id", "occurrence", "kind", "lead_days"),
        Index("ix_reminders_status_send_at", "status", "send_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    occurrence: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16), default=LEAD)
    lead_days: Mapped[int]
    due: Mapped[date]
    send_on: Mapped[date]
    send_at: Mapped[datetime]
    not_after: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=PLANNED)
    unverified: Mapped[bool] = mapped_column(default=False)
    copy_admin: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")  # why this day: holiday shift, catch-up …
    reason: Mapped[str | None] = mapped_column(Text)  # why cancelled / moved / expired
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    milestone: Mapped[Milestone] = relationship()
    unit: Mapped[Unit] = relationship()


class ReminderEvent(Base):
    __tablename__ = "reminder_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200), default="")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("contact_id", "send_date", "content_hash"),
        Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
        # The claim's queue: only waiting messages, in the order they are claimed (migration 0101).
        Index("ix_messages_due", "next_attempt_at", "id", postgresql_where=DUE_SQL, sqlite_where=DUE_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    channel: Mapped[str] = mapped_column(String(16))
    send_at: Mapped[datetime]
    send_date: Mapped[date]  # the Asia/Shanghai day of send_at: the "same day" of the quiet rule
    content_hash: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)  # markdown
    body_text: Mapped[str] = mapped_column(Text, default="")
    mentions: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship()
    unit: Mapped[Unit] = relationship()


class MessageReminder(Base):
    __tablename__ = "message_reminders"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), primary_key=True, index=True)


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    attempt: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(200), default="")


class AdminNotice(Base):
    """Something the admin must hear once (e.g. next year's holiday calendar is missing)."""

    __tablename__ = "admin_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_beat: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------------------------------
# Delivery additions (migration 0100_delivery_outbox, owned by jobs/): the outbox keeps the
# whole rendered message (HTML body for email, the short @-notice line), and robot_budgets
# is the per-robot send budget every worker shares (jobs/throttle.py).
# ---------------------------------------------------------------------------------------
Message.body_html = mapped_column(Text, nullable=True)
Message.notice = mapped_column(Text, nullable=False, default="", server_default="")


class RobotBudget(Base):
    """The start times (epoch seconds) of a robot's latest sends; key = limiter_key(kind, secret)."""

    __tablename__ = "robot_budgets"

    robot_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    slots: Mapped[list] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
