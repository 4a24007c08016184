"""The console's tables: accounts, login failures, browser sessions, the audit trail, secrets.

Everything the console remembers lives here, in the shared database, so several console
processes behind one address agree on who is logged in, who is locked out and what changed.

users            one per person at the issuing office; role admin (may change) or viewer
login_failures   one row per failed login, counted per name over a window (the lock)
web_sessions     one per login; the cookie carries a random token, the row only its hash,
                 so a session can be ended (logout, disabled account) from any process
audit_entries    who changed what, when, before → after (JSON), for every admin change
app_secrets      the key that signs cookies and forms, made once and shared by all processes
corrections      what a person changed in what was read (see bot/store/corrections.py)
pending_uploads  an uploaded file's reading, shown as a preview until the admin imports it
directory_aliases  aliases saved from the review screen, added to units.yaml for every import (history kept)
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.models import Base, utcnow

ADMIN, VIEWER = "admin", "viewer"
ROLES = (ADMIN, VIEWER)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None]
    after: Mapped[dict | None]


class CorrectionRow(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    task_key: Mapped[str] = mapped_column(String(80), default="")
    milestone_key: Mapped[str] = mapped_column(String(80), default="")
    value: Mapped[dict] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PendingUpload(Base):
    __tablename__ = "pending_uploads"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    reading: Mapped[dict]
    sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSecret(Base):
    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DirectoryAlias(Base):
    """An alias saved in the console (review screen): `alias` is another way documents write
    `unit`, a unit of units.yaml. Rows are never deleted: a removed alias keeps who removed it
    and when, so the units page and the audit tell what documents were read with."""

    __tablename__ = "directory_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)  # in name_key form (bot/names.py)
    unit: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(64))
