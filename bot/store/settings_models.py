"""office_settings: the office-level settings edited in the console (send time, escalation …).

One row per settings.yaml top-level key that a person changed in the console; `value` is
that key's YAML form as JSON text (e.g. "\"09:30\"", {"repeat_every_workdays": 3, …}), so the
same parser checks the file and the store (bot/store/office_settings.py). A stored key wins
over settings.yaml; an environment variable (DUBAN_SEND_TIME, DUBAN_PUBLIC_URL) still wins
over both. Every change is also an audit row, before → after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class OfficeSetting(Base):
    __tablename__ = "office_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
