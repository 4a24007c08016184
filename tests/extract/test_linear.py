"""F09: extraction is linear in the length of one cell (the red team's 10,000 clauses in one cell).

Work is measured as the number of Python calls (sys.setprofile events), which does not depend
on the machine's speed, and as the characters the milestones' actions hold (one action per
deadline must not copy the whole cell). Wall-clock timing lives in bench/extract_bench.py.
"""
from __future__ import annotations

import sys
from datetime import date

import pytest

from bot.extract import extract_clause, extract_task
from bot.model import Context, Task

CTX = Context(2024, date(2024, 5, 22))
LINEAR_BOUND = 1.5  # ten times the clauses may cost at most 15 times the calls (quadratic: 100)


def _cell(clauses: int, sep: str = "；") -> str:
    """The reproduction in redteam-findings.md F09: "1月底前完成第0项；2月底前完成第1项；…"."""
    return sep.join(f"{i % 12 + 1}月底前完成第{i}项" for i in range(clauses))


def _calls(text: str) -> int:
    count = 0

    def tick(frame, event, arg):
        nonlocal count
        count += 1

    sys.setprofile(tick)
    try:
        extract_clause(text, CTX)
    finally:
        sys.setprofile(None)
    return count


def test_it_reads_all_10000_clauses_of_one_cell_each_with_its_own_deadline_and_action():
    task = Task(no=1, title="推进甲", measures=_cell(10_000) + "。")
    milestones, flags = extract_task(task, CTX)
    assert len(milestones) == 10_000
    assert [m.due.month for m in milestones[:13]] == [*range(1, 13), 1]
    assert milestones[9_999].action == "完成第9999项"
    assert all(m.action == f"完成第{i}项" for i, m in enumerate(milestones))
    assert sum(f.code == "past-deadline" for f in flags) == 10_000 // 12 * 4 + 4  # Jan–Apr before 22 May


def test_it_spends_about_ten_times_the_work_on_ten_times_the_clauses():
    small, large = _calls(_cell(1_000)), _calls(_cell(10_000))
    assert large <= 10 * LINEAR_BOUND * small, f"{large / small:.1f}× the calls for 10× the clauses"


@pytest.mark.parametrize("sep", ["，", "", "、", "。"], ids=["comma", "no separator", "enumeration comma", "full stop"])
def test_it_stays_linear_however_the_clauses_are_joined(sep):
    small_text, large_text = _cell(400, sep), _cell(4_000, sep)
    small, large = _calls(small_text), _calls(large_text)
    assert large <= 10 * LINEAR_BOUND * small, f"{large / small:.1f}× the calls for 10× the clauses"
    milestones = extract_clause(large_text, CTX)[0]
    assert len(milestones) == 4_000
    held = sum(len(m.action) for m in milestones)
    assert held <= 3 * len(large_text), f"actions hold {held} characters for a {len(large_text)}-character cell"
