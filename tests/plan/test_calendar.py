"""Working days: holidays move reminders earlier, 调休 Saturdays count, unknown years fall back safely."""
from datetime import date

from bot.plan.calendar import WorkCalendar, year_known

cal = WorkCalendar()


def test_it_moves_a_national_day_holiday_to_the_last_working_day_before_it():
    assert not cal.is_workday(date(2024, 10, 1))
    assert cal.previous_workday(date(2024, 10, 3)) == date(2024, 9, 30)
    assert cal.day_name(date(2024, 10, 3)) == "国庆节"


def test_it_treats_the_2024_10_12_tiaoxiu_saturday_as_a_working_day():
    assert date(2024, 10, 12).weekday() == 5
    assert cal.is_workday(date(2024, 10, 12)) and cal.day_name(date(2024, 10, 12)) == "调休上班"
    assert cal.previous_workday(date(2024, 10, 13)) == date(2024, 10, 12)


def test_it_falls_back_to_monday_to_friday_in_a_year_chinese_calendar_does_not_know():
    assert not year_known(2027)
    assert cal.is_workday(date(2027, 3, 1)) and not cal.is_workday(date(2027, 3, 6))
    assert cal.previous_workday(date(2027, 3, 7)) == date(2027, 3, 5)
    assert not cal.verified(date(2027, 3, 5)) and cal.verified(date(2026, 3, 5))


def test_it_lets_the_admin_list_holidays_and_working_days_for_an_unknown_year():
    admin = WorkCalendar({date(2027, 2, 5): (False, "春节"), date(2027, 2, 6): (True, "春节调休")})
    assert admin.previous_workday(date(2027, 2, 5)) == date(2027, 2, 4)
    assert admin.is_workday(date(2027, 2, 6)) and admin.day_name(date(2027, 2, 5)) == "春节"


def test_it_reports_next_years_missing_calendar_only_from_november():
    assert cal.missing_next_year(date(2026, 10, 31)) is None
    assert cal.missing_next_year(date(2026, 11, 1)) == 2027
    assert cal.missing_next_year(date(2025, 11, 20)) is None  # 2026 is published


def test_it_counts_working_days_across_a_holiday():
    assert cal.add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)
