"""The admin-notice sweep: notices not yet delivered go to the admin in one message per contact."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.settings import Settings
from bot.store.models import AdminNotice
from jobs.compose import system_notice
from jobs.digest import planning_lock
from jobs.outbox import Outgoing, enqueue
from jobs.recipients import admin_contacts, admin_unit


def queue_admin_notices(session: Session, settings: Settings, now: datetime) -> int:
    """Queue every undelivered notice (sent_at empty); returns how many (0 while another worker builds)."""
    if not planning_lock(session):
        return 0
    notices = list(session.scalars(select(AdminNotice).where(AdminNotice.sent_at.is_(None))
                                   .order_by(AdminNotice.id).with_for_update()))
    if not notices:
        return 0
    message = system_notice([n.message for n in notices], settings.admin_name)
    today = now.astimezone(settings.tz).date()
    unit = admin_unit(session, settings)
    enqueue(session, [Outgoing(unit.id, contact, message) for contact in admin_contacts(session, settings)], now, today)
    for notice in notices:
        notice.sent_at = now
    return len(notices)
