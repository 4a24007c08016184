"""What a person counts in one task: a date stated twice is one deadline (issue 12, real notices)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.extract import extract_task
from bot.model import Context, Task

CTX = Context(2024, date(2024, 2, 20))


def _dues(measures: str, ctx: Context = CTX) -> list[tuple[str, date]]:
    milestones, _ = extract_task(Task(no=1, title="t", measures=measures), ctx)
    return [(m.kind, m.due) for m in milestones]


@pytest.mark.parametrize("measures, dues", [
    # a stage's range end and its own "X日前" on that day
    ("自查阶段（7月3日至7月15日）。各地要于7月15日前报送检查情况。", [("once", date(2024, 7, 15))]),
    # a recurring phrase whose occurrences are listed
    ("各单位要在每季度末（分别在6月、9月和12月底）报送进展。",
     [("once", date(2024, 6, 30)), ("once", date(2024, 9, 30)), ("once", date(2024, 12, 31))]),
    # the same recurring rule said twice
    ("按季报送进展。各责任单位要在每季度末报送。", [("recurring", date(2024, 3, 31))]),
])
def test_a_date_stated_twice_in_one_task_is_one_deadline(measures, dues):
    assert _dues(measures) == dues


def test_two_deadlines_that_fall_on_one_date_stay_two():
    assert _dues("6月底前完成入库；6月底前完成评估。") == [("once", date(2024, 6, 30))] * 2


def test_a_recurrence_that_lists_only_some_of_its_occurrences_stays_recurring():
    assert _dues("每季度末报送进展，其中6月底前报送半年总结。") == [("recurring", date(2024, 3, 31)), ("once", date(2024, 6, 30))]


def test_a_recurrence_from_a_quarter_on_begins_at_that_quarter():
    ctx = Context(2023, None)
    assert _dues("从2023年第二季度起，各牵头单位要在每个季度第1个月的20日前报送。", ctx) == [("recurring", date(2023, 4, 20))]
