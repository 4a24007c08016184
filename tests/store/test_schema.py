"""The schema migrates from code on both databases and enforces the outbox's promises."""
from datetime import date, datetime, timedelta, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from bot.store import session_scope
from bot.store.migrate import alembic_config, upgrade
from bot.store.models import Contact, Message, Unit


def test_it_creates_every_table_and_the_version_in_the_connections_schema(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"documents", "tasks", "milestones", "units", "contacts", "milestone_units", "reminders",
            "reminder_events", "messages", "message_reminders", "deliveries", "worker_heartbeats",
            "lead_time_rules", "calendar_overrides", "completion_events", "admin_notices", "alembic_version"} <= tables
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head


def test_it_migrates_again_without_changing_anything(engine):
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1


def test_it_reads_instants_back_as_aware_utc(engine):
    sent = datetime(2024, 5, 22, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    with session_scope(engine) as s:
        unit = Unit(name="保护处")
        contact = Contact(unit=unit, kind="wecom", target="${WECOM_KEY}")
        s.add(Message(unit=unit, contact=contact, channel="wecom", send_at=sent, send_date=date(2024, 5, 22),
                      content_hash="h", body="b", next_attempt_at=sent))
    with session_scope(engine) as s:
        stored = s.scalars(select(Message)).one().send_at
    assert stored == sent and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_it_refuses_the_same_content_to_one_contact_twice_on_one_day(engine):
    now = datetime(2024, 5, 22, 1, 0, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        contact = Contact(unit=Unit(name="保护处"), kind="wecom", target="${WECOM_KEY}")
        s.add(contact)
        s.flush()
        row = dict(unit_id=contact.unit_id, contact_id=contact.id, channel="wecom", send_at=now,
                   send_date=date(2024, 5, 22), content_hash="same", body="b", next_attempt_at=now)
        s.add(Message(**row))
        s.flush()
        s.add(Message(**row))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
