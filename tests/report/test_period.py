"""period_of: the week, month, quarter or year that contains a day, as a title names it."""
from __future__ import annotations

from datetime import date

import pytest

from bot.errors import DubanError
from bot.report.build import period_of


@pytest.mark.parametrize("kind, day, start, end, label", [
    ("week", "2024-12-31", "2024-12-30", "2025-01-05", "2025年第1周"),   # ISO week 1 of 2025 starts in 2024
    ("week", "2021-01-03", "2020-12-28", "2021-01-03", "2020年第53周"),  # a Sunday still in 2020's last week
    ("week", "2024-07-05", "2024-07-01", "2024-07-07", "2024年第27周"),
    ("month", "2024-02-10", "2024-02-01", "2024-02-29", "2024年2月"),      # leap year
    ("month", "2024-12-31", "2024-12-01", "2024-12-31", "2024年12月"),
    ("quarter", "2024-07-05", "2024-07-01", "2024-09-30", "2024年第3季度"),
    ("quarter", "2024-12-31", "2024-10-01", "2024-12-31", "2024年第4季度"),
    ("quarter", "2024-03-31", "2024-01-01", "2024-03-31", "2024年第1季度"),
    ("year", "2024-07-05", "2024-01-01", "2024-12-31", "2024年度"),
])
def test_a_period_contains_its_day_and_is_named_like_a_title(kind, day, start, end, label):
    period = period_of(kind, date.fromisoformat(day))
    assert (period.start, period.end, period.label) == (date.fromisoformat(start), date.fromisoformat(end), label)
    assert period.start <= date.fromisoformat(day) <= period.end


def test_an_unknown_period_is_refused_in_chinese():
    with pytest.raises(DubanError, match="未知的通报周期「fortnight」"):
        period_of("fortnight", date(2024, 7, 5))
