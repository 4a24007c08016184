"""The pure planner across calendar edges; time is passed in, never read."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config.settings import LeadTimes, OverduePolicy, Settings
from bot.plan.calendar import WorkCalendar
from bot.plan.planner import PlanPolicy, Target, first_send_after, occurrences, plan_milestone
from bot.store.models import AFTER_HOLIDAY, EXPIRED, LEAD, OVERDUE, PLANNED

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=TZ)


def policy(leads=(30, 14, 7, 3, 1, 0), **overdue) -> PlanPolicy:
    settings = Settings(lead_times=LeadTimes(default=leads), overdue=OverduePolicy(**overdue) if overdue else OverduePolicy())
    return PlanPolicy.from_settings(settings)


def plan(due: str, as_of: str = "2024-01-02", leads=(30, 14, 7, 3, 1, 0), **kw):
    target = Target(date.fromisoformat(due), **kw)
    return plan_milestone(target, ["保护处"], policy(leads), CAL, at(as_of))


def lead_days_on(rows, kind=LEAD) -> dict[int, date]:
    return {r.lead_days: r.send_on for r in rows if r.kind == kind and r.status == PLANNED}


def test_it_sends_at_nine_in_shanghai_whatever_the_servers_clock():
    row = plan("2024-06-28", leads=(0,))[0]
    assert row.send_at.isoformat() == "2024-06-28T01:00:00+00:00" and row.send_at.astimezone(TZ).hour == 9


def test_it_moves_a_reminder_in_the_national_day_holiday_to_the_last_working_day_before_it():
    rows = plan("2024-10-08", leads=(7,))
    assert lead_days_on(rows) == {7: date(2024, 9, 30)}
    assert "国庆节" in rows[0].note


def test_it_also_reminds_after_a_long_holiday_that_pushed_a_reminder_back_by_days():
    rows = plan("2024-10-10", leads=(3,))
    assert lead_days_on(rows) == {3: date(2024, 9, 30)}
    assert lead_days_on(rows, AFTER_HOLIDAY) == {3: date(2024, 10, 8)}


def test_it_does_not_add_a_second_send_for_a_weekend_shift():
    rows = plan("2024-06-17", leads=(1,))  # Sunday 06-16 → Friday 06-14: 2 days
    assert lead_days_on(rows) == {1: date(2024, 6, 14)} and not lead_days_on(rows, AFTER_HOLIDAY)


def test_it_sends_on_the_2024_10_12_tiaoxiu_saturday():
    assert lead_days_on(plan("2024-10-15", leads=(3,))) == {3: date(2024, 10, 12)}


def test_it_marks_reminders_in_a_year_without_calendar_data_as_unverified():
    rows = plan("2027-03-08", as_of="2026-12-01", leads=(2, 1))
    assert lead_days_on(rows) == {1: date(2027, 3, 5)}  # Saturday and Sunday both fall back to Friday
    assert all(r.unverified for r in rows)
    assert not any(r.unverified for r in plan("2026-03-09", as_of="2026-01-05", leads=(1,)))


def test_it_sends_lead_times_that_fell_before_the_import_once_at_the_first_send_time():
    rows = plan("2024-06-03", as_of="2024-05-22T10:00", leads=(30, 14, 7))
    planned = [r for r in rows if r.kind == LEAD and r.status == PLANNED]
    expired = [r for r in rows if r.status == EXPIRED]
    assert [(r.lead_days, r.send_on) for r in planned] == [(14, date(2024, 5, 23)), (7, date(2024, 5, 27))]
    assert {(r.lead_days, r.kind) for r in expired} == {(30, LEAD), (30, AFTER_HOLIDAY)}  # 05-04 is in the 劳动节 break
    assert "补发一次" in planned[0].note


def test_it_skips_the_catch_up_when_a_regular_reminder_goes_out_that_same_day():
    rows = plan("2024-06-03", as_of="2024-05-27T08:00", leads=(14, 7))  # 7 days before is 05-27 09:00
    assert lead_days_on(rows) == {7: date(2024, 5, 27)}
    assert [r.lead_days for r in rows if r.status == EXPIRED] == [14]


def test_it_gives_a_deadline_already_passed_at_import_one_overdue_notice_then_escalates():
    rows = plan("2024-05-06", as_of="2024-05-22", leads=(7, 0))
    assert all(r.status == EXPIRED for r in rows if r.kind == LEAD)
    overdue = [r for r in rows if r.kind == OVERDUE and r.status == PLANNED]
    assert overdue[0].send_on == date(2024, 5, 22) and "补发一次" in overdue[0].note
    assert all(r.send_on > date(2024, 5, 22) for r in overdue[1:])


def test_it_escalates_every_n_working_days_and_copies_the_admin_from_m_on():
    target = Target(date(2024, 9, 27))
    rows = plan_milestone(target, ["保护处"], policy((0,), repeat_every_workdays=2, copy_admin_after_workdays=4,
                                                     max_reminders=3), CAL, at("2024-09-01"))
    overdue = [(r.lead_days, r.send_on, r.copy_admin) for r in rows if r.kind == OVERDUE]
    assert overdue == [(-2, date(2024, 9, 30), False), (-4, date(2024, 10, 9), True), (-6, date(2024, 10, 11), True)]


@pytest.mark.parametrize("due, lead, expected", [
    ("2024-02-29", 0, "2024-02-29"),   # leap day, a Thursday
    ("2024-03-01", 1, "2024-02-29"),
    ("2025-03-03", 3, "2025-02-28"),   # 2025 has no 29 February
    ("2024-03-29", 30, "2024-02-28"),  # 02-28 is a Wednesday; 30 days before 03-29 in a leap year
    ("2025-03-30", 30, "2025-02-28"),
])
def test_it_counts_back_across_february_in_leap_and_common_years(due, lead, expected):
    assert lead_days_on(plan(due, leads=(lead,))) == {lead: date.fromisoformat(expected)}


def test_it_plans_each_occurrence_of_a_monthly_rule_from_the_import_on():
    target = Target(date(2024, 1, 31), kind="recurring", rule="FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20241231",
                    planned_from=date(2024, 1, 15))
    dues = [d for _, d in occurrences(target, date(2024, 1, 15), 400)]
    assert dues[:3] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)] and len(dues) == 12
    late = Target(target.due, "recurring", target.rule, planned_from=date(2024, 5, 22))
    assert [i for i, _ in occurrences(late, date(2024, 5, 22), 400)] == list(range(5, 13))


def test_it_plans_nothing_for_a_deadline_flagged_as_before_the_issue_date():
    assert plan("2024-03-31", as_of="2024-05-22", past=True) == []


def test_it_finds_the_first_send_time_after_a_moment():
    p = policy()
    assert first_send_after(at("2024-05-22T08:00"), p, CAL) == date(2024, 5, 22)
    assert first_send_after(at("2024-05-22T10:00"), p, CAL) == date(2024, 5, 23)
    assert first_send_after(at("2024-09-28T10:00"), p, CAL) == date(2024, 9, 29)  # a 调休 Sunday
    assert first_send_after(at("2024-10-01T10:00"), p, CAL) == date(2024, 10, 8)


def test_it_refuses_a_naive_as_of():
    with pytest.raises(ValueError):
        plan_milestone(Target(date(2024, 6, 1)), ["保护处"], policy(), CAL, datetime(2024, 5, 1))


def test_it_plans_nothing_for_a_deadline_whose_escalation_ended_long_ago():
    rows = plan("2024-06-30", as_of="2026-04-28T15:00")
    assert rows and {r.status for r in rows} == {EXPIRED}


def test_it_still_catches_up_an_overdue_escalation_that_is_running():
    rows = plan("2024-06-28", as_of="2024-07-08T10:00", leads=(0,))  # 6 working days late, escalation to 15
    planned = [r for r in rows if r.status == PLANNED]
    assert planned[0].kind == OVERDUE and "补发一次" in planned[0].note and planned[0].send_on == date(2024, 7, 9)
