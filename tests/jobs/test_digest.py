"""Digests: one message per recipient per send time, never the same content twice a day, catch-up after downtime."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.store import session_scope
from bot.store.models import EXPIRED, PLANNED, QUEUED, SENT, Message, Reminder, ReminderEvent
from tests.jobs.conftest import local, markdown_of

DUE = date(2024, 6, 28)  # a Friday; lead times 7, 3, 1, 0 → 06-21, 06-25, 06-27, 06-28


def statuses(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return dict(s.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())


def test_it_sends_one_digest_per_recipient_carrying_all_of_a_units_reminders(office, clock):
    baohu, yunyong = office.unit("保护处"), office.unit("运用处")
    office.admin()
    office.milestone("专利盘点", DUE, [baohu, yunyong])
    office.milestone("商标监测", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))

    report = office.worker(clock).tick()

    assert report.digests.messages == 2 and report.dispatch.sent == 2
    [to_baohu], [to_yunyong] = office.received_by("保护处"), office.received_by("运用处")
    assert "专利盘点" in markdown_of(to_baohu) and "商标监测" in markdown_of(to_baohu)
    assert "还剩 7 天" in markdown_of(to_baohu)
    assert "商标监测" not in markdown_of(to_yunyong)
    assert statuses(office.engine)[SENT] == 3


def test_it_never_sends_the_same_content_to_a_recipient_twice_on_one_day(office, clock):
    baohu = office.unit("保护处")
    office.admin()
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))
    worker = office.worker(clock)
    worker.tick()
    with session_scope(office.engine) as s:  # the same reminder comes due again (e.g. a re-plan reopened it)
        rem = s.scalars(select(Reminder).where(Reminder.status == SENT)).one()
        rem.status = PLANNED
    clock.set(local("2024-06-21", 15))

    report = worker.tick()

    assert report.digests.messages == 0 and report.digests.reused == 1
    assert len(office.received_by("保护处")) == 1
    with session_scope(office.engine) as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 1


def test_a_restart_after_days_of_downtime_sends_what_is_still_relevant_once(office, clock):
    baohu = office.unit("保护处")
    office.admin()
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-27", 10))  # stopped since before 06-21: the 7-, 3- and 1-day sends all passed

    report = office.worker(clock).tick()

    [received] = office.received_by("保护处")
    assert "还剩 1 天" in markdown_of(received)
    assert report.digests.merged == 2 and report.dispatch.sent == 1
    with session_scope(office.engine) as s:
        reasons = s.scalars(select(ReminderEvent.reason).where(ReminderEvent.new_status == EXPIRED)).all()
    assert len(reasons) == 2 and all("只发一次" in r for r in reasons)


def test_lead_reminders_missed_past_the_deadline_become_one_overdue_notice(office, clock):
    baohu = office.unit("保护处")
    office.admin()
    office.milestone("专利盘点", DUE, [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-07-01", 10))  # down from 06-20 to 07-01: every lead send missed, deadline passed

    report = office.worker(clock).tick()

    [received] = office.received_by("保护处")
    assert "已逾期 3 天" in markdown_of(received)
    assert report.digests.overdue_notices == 1 and report.digests.expired == 3
    assert statuses(office.engine).get(QUEUED, 0) == 0


def test_it_expires_long_past_reminders_without_a_wall_of_notices(office, clock):
    units = [office.unit(f"处室{n}") for n in range(5)]
    office.admin()
    office.milestone("专利盘点", DUE, units)
    office.plan(local("2024-06-01", 0))
    clock.set(local("2025-03-03", 10))  # escalation long over

    report = office.worker(clock).tick()

    assert office.robot.received == [] and report.digests.messages == 0
    assert set(statuses(office.engine)) == {EXPIRED}


def test_units_without_a_contact_reach_the_admin_in_one_summary(office, clock):
    silent = [office.unit(f"无联系方式{n}", robot=False) for n in range(3)]
    office.admin()
    office.milestone("专利盘点", DUE, silent)
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))

    office.worker(clock).tick()

    [summary] = office.received_by("督办管理员")
    text = markdown_of(summary)
    assert "没有可用的联系方式" in text and all(f"无联系方式{n}" in text for n in range(3))


def test_with_no_contact_anywhere_messages_are_printed_to_the_console(office, clock, capsys):
    lonely = office.unit("孤立处室", robot=False)
    office.milestone("专利盘点", DUE, [lonely])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))

    report = office.worker(clock).tick()

    printed = capsys.readouterr().out
    assert report.dispatch.sent == 1 and office.robot.received == []
    assert "【控制台预览·未实际发送】" in printed and "孤立处室" in printed


def test_the_admins_summary_lists_each_milestone_once_with_its_units(office, clock):
    cities = [f"{c}市知识产权管理部门" for c in ("福州", "厦门", "泉州", "漳州", "三明", "南平", "龙岩", "宁德")]
    units = [office.unit(name, robot=False) for name in cities]  # no contact: their reminders go to the admin
    office.admin()
    office.milestone("梳理盘活存量专利", DUE, units)
    office.milestone("商标监测", DUE, units[:2])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))

    office.worker(clock).tick()

    [summary] = office.received_by("督办管理员")
    text = markdown_of(summary)
    assert text.count("事项：完成梳理盘活存量专利") == 1 and text.count("事项：完成商标监测") == 1
    listed = [line for line in text.splitlines() if line.startswith("> 单位：")]
    assert len(listed) == 2 and all(name in listed[0] + listed[1] for name in cities)
    assert "8 个单位，2 项时间节点" in text
