"""Replanning long after an import: the catch-up rules at the real now, whatever path replans."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.pipeline import extract_document
from bot.plan.imports import import_extraction
from bot.plan.replan import replan_all
from bot.plan.states import OPEN_REMINDER, PLANNED
from bot.store.models import Contact, Reminder, ReminderEvent, Unit
from jobs.digest import build_digests

NOW = datetime.fromisoformat("2026-04-28T15:00:00+08:00")  # the live service, two years on


@pytest.fixture(scope="module")
def seed(seed_path):
    return extract_document(seed_path)


def open_2024(session) -> list[Reminder]:
    return [r for r in session.scalars(select(Reminder).where(Reminder.status.in_(OPEN_REMINDER)))
            if r.due.year == 2024]


def test_a_contact_added_after_the_service_expired_last_years_list_revives_nothing(session, settings, seed, at):
    import_extraction(session, seed, settings=settings, as_of=at("2024-05-22"), actor="tester")
    digest = build_digests(session, settings, NOW)  # `run --once` today: everything long past expires
    assert digest.messages == 0 and digest.expired > 2000 and not open_2024(session)
    events = session.scalars(select(ReminderEvent.id)).all()
    unit = session.scalars(select(Unit).where(Unit.name == "知识产权保护处")).one()
    session.add(Contact(unit_id=unit.id, kind="email", target="baohu@example.gov.cn", mentions=[]))

    stats = replan_all(session, settings, NOW, "配置变更", "config apply")

    assert (stats.created, stats.reopened, stats.moved, stats.touched) == (0, 0, 0, 0)
    assert not open_2024(session)
    assert session.scalars(select(ReminderEvent.id)).all() == events  # nothing changed, nothing recorded


def test_a_replan_before_the_service_ran_expires_last_years_sends_at_the_same_now(session, settings, seed, at):
    import_extraction(session, seed, settings=settings, as_of=at("2024-05-22"), actor="tester")
    assert len(open_2024(session)) > 2000

    stats = replan_all(session, settings, NOW, "配置变更", "config apply")

    assert not open_2024(session) and stats.expired > 2000 and stats.reopened == 0
    reasons = set(session.scalars(select(ReminderEvent.reason).where(ReminderEvent.old_status == PLANNED)))
    assert any("已超过有效期" in r for r in reasons)
