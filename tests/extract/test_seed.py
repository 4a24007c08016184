"""The extractor on the seed document's own cells, exactly as OCR left them."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from bot.extract import extract_clause, extract_task, working_year
from bot.model import Context, Task
from tests.conftest import ROOT
from tests.extract.seed_cells import SEED_MEASURES, SEED_TITLE

CTX = Context(2024, date(2024, 5, 22))


def test_it_finds_both_dated_milestones_of_task_8_with_their_own_actions():
    title, measures = SEED_MEASURES[8]
    milestones, flags, notes = extract_clause(measures, CTX, task=8)
    assert [(m.expr, m.due, m.kind, m.task) for m in milestones] == [
        ("6月底前", date(2024, 6, 30), "once", 8),
        ("年底前", date(2024, 12, 31), "once", 8),
    ]
    assert milestones[0].action == "组织省内国家知识产权试点示范高校完成存量专利盘点入库"
    assert milestones[1].action.startswith("实现各高校和科研机构未转化有效专利盘点全覆盖")
    assert milestones[1].action.endswith("形成若干存量专利实现转化运用的典型案例")
    assert all(measures[m.start:m.end] == m.expr for m in milestones)
    assert flags == [] and notes == []


@pytest.mark.parametrize("no", [n for n in SEED_MEASURES if n != 8])
def test_it_gives_each_undated_seed_task_one_implicit_year_end_milestone(no):
    title, measures = SEED_MEASURES[no]
    task = Task(no=no, title=title, measures=measures)
    milestones, flags = extract_task(task, CTX)
    assert [(m.kind, m.due, m.expr, m.action, m.matched_by) for m in milestones] == [
        ("implicit", date(2024, 12, 31), "", title, "implicit-year-end")
    ]
    assert flags == []


def test_it_reads_the_seed_title_as_a_2024_list():
    assert working_year(SEED_TITLE, date(2024, 5, 22)) == 2024
    assert working_year("福建省知识产权局关于印发 2024 年福建省 推动知识产权高质量发展 任务清单的通知", None) == 2024


def test_it_never_loads_jieba_for_the_seed():
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from bot.extract import extract_clause\n"
        "from bot.model import Context\n"
        "from tests.extract.seed_cells import SEED_MEASURES\n"
        "for _, text in SEED_MEASURES.values():\n"
        "    extract_clause(text, Context(2024, date(2024, 5, 22)))\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
