"""Working days in mainland China: chinese-calendar, admin overrides, and a safe fallback.

chinese-calendar knows each year only once the State Council publishes it (around
November) and raises NotImplementedError beyond. Here an unknown year falls back to
Monday–Friday plus the days the admin lists, and every date computed in such a year is
reported as unverified (未核验) instead of crashing the planner.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Mapping

import chinese_calendar

MISSING_YEAR_WARN_MONTH = 11


@lru_cache(maxsize=None)
def year_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=None)
def _official_workday(day: date) -> bool | None:
    """chinese-calendar's answer, or None for a year it does not know."""
    if not year_known(day.year):
        return None
    return chinese_calendar.is_workday(day)


@lru_cache(maxsize=8192)
def _holiday_name(day: date) -> str:
    if not year_known(day.year):
        return ""
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return _HOLIDAY_NAMES.get(name, "") if on_holiday and name else ""


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class WorkCalendar:
    """`overrides` maps a day to (is_workday, name); the admin's word wins over chinese-calendar."""

    def __init__(self, overrides: Mapping[date, tuple[bool, str]] | None = None):
        self.overrides = dict(overrides or {})
        self._workday: dict[date, bool] = {}

    def is_workday(self, day: date) -> bool:
        known = self._workday.get(day)
        if known is None:
            known = self._workday[day] = self._compute_workday(day)
        return known

    def _compute_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day][0]
        official = _official_workday(day)
        return day.weekday() < 5 if official is None else official

    def verified(self, day: date) -> bool:
        """True when the answer for `day` comes from published data, not the Mon–Fri fallback."""
        return year_known(day.year)

    def day_name(self, day: date) -> str:
        """Why a day is off or on, for notes: 国庆节, 周末, 调休上班 …"""
        if day in self.overrides:
            is_work, name = self.overrides[day]
            return name or ("调休上班" if is_work else "放假")
        if self.is_workday(day):
            return "调休上班" if day.weekday() >= 5 else ""
        return _holiday_name(day) or ("周末" if day.weekday() >= 5 else "节假日")

    def previous_workday(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    def next_workday(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (count ≥ 1)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def missing_next_year(self, today: date) -> int | None:
        """Next year's number when it is November or later and no published calendar covers it."""
        nxt = today.year + 1
        if today.month >= MISSING_YEAR_WARN_MONTH and not year_known(nxt):
            return nxt
        return None
