"""Escalation: overdue by escalate_after_days working days, the reminder also goes to the unit's leader and the admin, as 催办."""
from __future__ import annotations

from datetime import date

import pytest

from bot.config.settings import KINDS, LeadTimes, OverduePolicy, Settings, parse_settings
from bot.config.yamlfile import Where
from bot.errors import DubanError
from bot.store import session_scope
from bot.store.models import LEADER, Contact
from tests.config.conftest import bot, office  # noqa: F401  (the CLI against the Fujian config folder)
from tests.jobs.conftest import Office, local, markdown_of

DUE = date(2024, 6, 28)  # a Friday; overdue sends every 2 working days: 07-02, 07-04, 07-08 …


@pytest.fixture
def escalating(engine, robot) -> Office:
    return Office(engine, robot, Settings(lead_times=LeadTimes(default=(0,)), escalate_after_days=dict.fromkeys(KINDS, 4),
                                          overdue=OverduePolicy(repeat_every_workdays=2, copy_admin_after_workdays=30)))


def leader_of(office: Office, unit_id: int, name: str) -> None:
    with session_scope(office.engine) as s:
        s.add(Contact(unit_id=unit_id, kind="wecom", target=office.url(name), mentions=[], role=LEADER))


def test_only_an_item_overdue_past_the_threshold_reaches_the_leader_and_the_admin_firmly(escalating, clock):
    office = escalating
    baohu = office.unit("保护处")
    leader_of(office, baohu, "保护处领导")
    office.unit("督办管理员", kind="admin")
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    worker = office.worker(clock)

    for day in ("2024-06-28", "2024-07-02"):  # due day, then 2 working days overdue: the unit only
        clock.set(local(day))
        worker.tick()
    assert not office.received_by("保护处领导") and not office.received_by("督办管理员")
    early = [markdown_of(r) for r in office.received_by("保护处")]
    assert len(early) == 2 and all("督办提醒" in m and "催办" not in m for m in early)

    clock.set(local("2024-07-04"))  # 4 working days overdue: escalated
    worker.tick()
    [to_unit] = office.received_by("保护处")[2:]
    [to_leader] = office.received_by("保护处领导")
    [to_admin] = office.received_by("督办管理员")
    for body in map(markdown_of, (to_unit, to_leader, to_admin)):
        assert "督办催办" in body and "已报单位领导和督办管理员" in body and "已逾期 6 天" in body
    assert "python -m bot" not in markdown_of(to_leader) and "python -m bot done" in markdown_of(to_admin)


def test_a_leader_contact_gets_no_daily_reminder(escalating, clock):
    office = escalating
    baohu = office.unit("保护处")
    leader_of(office, baohu, "保护处领导")
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-28"))
    office.worker(clock).tick()
    assert office.received_by("保护处") and not office.received_by("保护处领导")


def test_the_threshold_is_one_number_or_per_kind():
    where = Where("settings.yaml")
    assert parse_settings({"escalate_after_days": 3}, where).escalate_after_days == dict.fromkeys(KINDS, 3)
    per_kind = parse_settings({"escalate_after_days": {"recurring": 2}}, where)
    assert per_kind.escalate_after("recurring") == 2 and per_kind.escalate_after("once") == 5
    for bad, why in ((0, "1 到 366"), ({"weekly": 2}, "未知配置项"), ("五", "整数")):
        with pytest.raises(DubanError, match=why):
            parse_settings({"escalate_after_days": bad}, where)


def test_contacts_set_role_leader_marks_the_leader_and_staff_takes_it_back(office, bot, sqlite_url):
    from sqlalchemy import select

    from bot.store import open_store

    def roles() -> dict:
        with session_scope(open_store(sqlite_url)) as s:
            return {c.target: c.role for c in s.scalars(select(Contact))}

    bot("config", "apply")
    out = bot("contacts", "set", "保护处", "--email", "chief@example.gov.cn", "--role", "leader").output
    assert "设为单位领导（只接收升级催办）" in out and roles()["chief@example.gov.cn"] == LEADER
    assert "email（领导）" in bot("contacts", "list").output
    bot("contacts", "set", "保护处", "--email", "chief@example.gov.cn", "--role", "staff")
    assert roles()["chief@example.gov.cn"] == ""
