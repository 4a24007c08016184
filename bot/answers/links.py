"""The links a reminder carries for one unit's item: the one API the message builders call.

    links_for(session, unit_id, milestone_id, base_url=public_base_url(settings), now=now)
    → {"ack": …, "progress": …, "done": …, "extend": …, "page": …}   (absolute URLs)

Idempotent: the same unit × milestone × action gets the same URL while its link is usable,
so a digest's content (and the outbox's deduplication) stays the same from day to day.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from datetime import timezone as tzone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers import reporting
from bot.answers.tokens import issue
from bot.answers.flows import milestone_due_on
from bot.config.settings import Settings
from bot.store.answer_models import UnitItem
from bot.store.models import Milestone, MilestoneUnit

PUBLIC_URL_ENV = "DUBAN_PUBLIC_URL"
LINK_DAYS = 30        # a link works until this many days after the (extended) due date
PAGE_DAYS = 180       # the unit page's link, renewed while reminders carry it
ITEM_ACTIONS = {"ack": "签收", "progress": "反馈进展", "done": "办结", "extend": "申请延期"}
PAGE, CALENDAR = "page", "ics"
LABELS = {**ITEM_ACTIONS, PAGE: "本单位事项"}


def public_base_url(settings: Settings | None) -> str:
    """The console's public address without a trailing slash: DUBAN_PUBLIC_URL wins over the
    setting `public_url`; empty when neither is set (then no links can be given)."""
    value = os.environ.get(PUBLIC_URL_ENV) or getattr(settings, "public_url", "") or ""
    return value.strip().rstrip("/")


def link_days(settings: Settings | None) -> int:
    return int(getattr(settings, "answer_link_days", LINK_DAYS) or LINK_DAYS)


def effective_due(session: Session, mu: MilestoneUnit, today: date) -> date:
    """The unit's due date on `today`: an approved extension, else the milestone's (a recurring
    one's current occurrence)."""
    item = session.scalar(select(UnitItem).where(UnitItem.milestone_unit_id == mu.id))
    return item.due if item is not None and item.due is not None else milestone_due_on(mu.milestone, today)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzone.utc)


def url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def page_link(session: Session, unit_id: int, *, base_url: str, now: datetime) -> str:
    return url(base_url, issue(session, unit_id, None, PAGE, now + timedelta(days=PAGE_DAYS), now))


def calendar_link(session: Session, unit_id: int, *, base_url: str, now: datetime) -> str:
    """The unit's ICS feed: valid until revoked (calendar apps poll it for months)."""
    return url(base_url, issue(session, unit_id, None, CALENDAR, None, now)) + "/calendar.ics"


def links_for(session: Session, unit_id: int, milestone_id: int, *, base_url: str, now: datetime,
              settings: Settings | None = None, occurrence: int | None = None) -> dict[str, str]:
    """Absolute URLs for 签收/反馈进展/办结/申请延期 of this unit's item and its unit page.

    A link expires `answer_link_days` (default 30) after the later of the due date and today,
    so an overdue item's link keeps working while it is reminded. For an `occurrence` of a
    reporting calendar, 反馈进展 is that period's own link (bot/answers/reporting.py), expiring
    after the period's date in the same way."""
    mu = session.scalar(select(MilestoneUnit).where(MilestoneUnit.milestone_id == milestone_id,
                                                    MilestoneUnit.unit_id == unit_id))
    if mu is None:
        milestone = session.get(Milestone, milestone_id)
        raise ValueError(f"unit {unit_id} does not answer for milestone {milestone and milestone.id}")
    today = now.date()
    expires = _end_of(max(effective_due(session, mu, today), today) + timedelta(days=link_days(settings)))
    links = {action: url(base_url, issue(session, unit_id, milestone_id, action, expires, now))
             for action in ITEM_ACTIONS}
    period = reporting.period_of(mu.milestone, occurrence) if occurrence and reporting.is_calendar(
        session, mu.milestone) else None
    if period is not None:
        until = _end_of(max(period.due, today) + timedelta(days=link_days(settings)))
        links["progress"] = url(base_url, issue(session, unit_id, milestone_id, "progress", until, now, occurrence))
    links[PAGE] = page_link(session, unit_id, base_url=base_url, now=now)
    return links
