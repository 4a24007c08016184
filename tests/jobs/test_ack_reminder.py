"""The reminder to 签收: an item not acknowledged N working days after its first reminder is reminded to acknowledge."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.answers.flows import acknowledge
from bot.config.settings import LeadTimes, Settings, parse_settings
from bot.config.yamlfile import Where
from bot.errors import DubanError
from bot.notify.render import UNACKNOWLEDGED_FACT
from bot.plan.states import CANCELLED, UNACKNOWLEDGED
from bot.store import session_scope
from bot.store.models import MilestoneUnit, Reminder
from tests.jobs.conftest import Office, local, markdown_of

DUE = date(2024, 6, 28)  # a Friday; leads 7, 3, 0 → 06-21, 06-25, 06-28; 签收 after 2 working days → 06-25


@pytest.fixture
def acking(engine, robot) -> Office:
    return Office(engine, robot, Settings(lead_times=LeadTimes(default=(7, 3, 0)), ack_reminder_after_days=2))


def test_only_the_unit_that_has_not_acknowledged_is_asked_to_and_the_other_keeps_its_reminder(acking, clock):
    office = acking
    baohu, yunyong = office.unit("保护处"), office.unit("运用处")
    office.admin()
    milestone = office.milestone("专利盘点", DUE, [baohu, yunyong])
    office.plan(local("2024-06-01", 0))
    worker = office.worker(clock)
    clock.set(local("2024-06-21"))
    worker.tick()
    with session_scope(office.engine) as s:
        mu = s.scalars(select(MilestoneUnit).where(MilestoneUnit.milestone_id == milestone,
                                                   MilestoneUnit.unit_id == yunyong)).one()
        acknowledge(s, mu, "李四", local("2024-06-24", 10))

    clock.set(local("2024-06-25"))
    worker.tick()
    asked = markdown_of(office.received_by("保护处")[-1])
    told = markdown_of(office.received_by("运用处")[-1])
    assert UNACKNOWLEDGED_FACT in asked and "还剩 3 天" in asked
    assert UNACKNOWLEDGED_FACT not in told and "还剩 3 天" in told  # the lead reminder of that day still goes
    with session_scope(office.engine) as s:
        acks = {r.unit_id: r for r in s.scalars(select(Reminder).where(Reminder.kind == UNACKNOWLEDGED))}
        assert set(acks) == {baohu, yunyong} and acks[yunyong].status == CANCELLED
        assert acks[baohu].send_on == date(2024, 6, 25) and acks[baohu].lead_days == 2


def test_without_the_setting_nothing_asks_to_acknowledge(office, clock):
    baohu = office.unit("保护处")
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    with session_scope(office.engine) as s:
        assert not s.scalars(select(Reminder).where(Reminder.kind == UNACKNOWLEDGED)).all()


def test_the_setting_is_a_number_of_working_days():
    assert parse_settings({"ack_reminder_after_days": 3}, Where("settings.yaml")).ack_reminder_after_days == 3
    assert parse_settings({"ack_reminder_after_days": None}, Where("settings.yaml")).ack_reminder_after_days is None
    with pytest.raises(DubanError, match="1 到 60"):
        parse_settings({"ack_reminder_after_days": 0}, Where("settings.yaml"))
