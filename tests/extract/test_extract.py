"""extract_clause / extract_task / working_year: the contract other stages code against."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from bot.extract import extract_clause, extract_task, working_year
from bot.extract.normalize import normalize
from bot.model import Context, Task
from tests.conftest import ROOT

CTX = Context(2024, date(2024, 5, 22))


def normalize_text(text: str) -> str:
    return normalize(text).text


def _dues(text, ctx=CTX):
    return [m.due.isoformat() for m in extract_clause(text, ctx)[0]]


# --- invalid dates ----------------------------------------------------------------------

@pytest.mark.parametrize("text, code, words, says", [
    ("各单位于2月30日前完成统计", "invalid-date", "2月30日前", "不是有效日期"),
    ("13月底前报送材料", "invalid-date", "13月底前", "不是有效日期"),
    ("请于6月31日前报送", "invalid-date", "6月31日前", "不是有效日期"),
    ("2023年2月29日前完成", "invalid-date", "2023年2月29日前", "不是有效日期"),
    ("材料于6.31前报送", "invalid-date", "6.31前", "不是有效日期"),
    ("每月35日前报送", "invalid-date", "每月35日前", "不是有效日期"),
    ("9月10日至9月31日开展宣传", "invalid-date", "9月10日至9月31日", "不是有效日期"),
    # A date read as the name of a period is a guess: flagged, never dropped silently.
    ("报送上半年工作总结", "period-name", "上半年", "时段名称"),
    ("编制三季度专利统计报告", "period-name", "三季度", "时段名称"),
    ("做好一季度数据统计分析", "period-name", "一季度", "时段名称"),
])
def test_it_flags_a_date_it_does_not_make_a_milestone_of_with_its_position(text, code, words, says):
    milestones, flags, _ = extract_clause(text, CTX, task=3)
    assert milestones == []
    assert [(f.code, f.text, f.task) for f in flags] == [(code, words, 3)]
    assert text[flags[0].start:flags[0].end] == words
    assert says in flags[0].message


def test_it_keeps_reading_after_an_invalid_date():
    milestones, flags, _ = extract_clause("2月30日前完成统计;6月底前完成入库", CTX)
    assert [m.due for m in milestones] == [date(2024, 6, 30)]
    assert [f.code for f in flags] == ["invalid-date"]


def test_it_accepts_29_february_in_a_leap_year_only():
    assert _dues("2024年2月29日前完成") == ["2024-02-29"]
    assert _dues("2月29日前完成", Context(2023, date(2023, 1, 5))) == []


# --- past deadlines, notes, unknown time words -------------------------------------------

def test_it_flags_a_deadline_already_past_and_never_rolls_it_forward():
    milestones, flags, _ = extract_clause("3月底前完成年度任务分解", CTX, task=1)
    assert [(m.due, m.past) for m in milestones] == [(date(2024, 3, 31), True)]
    assert [(f.code, f.text, f.start, f.end) for f in flags] == [("past-deadline", "3月底前", 0, 4)]


def test_it_keeps_a_relative_duration_as_a_note_not_a_milestone():
    milestones, flags, notes = extract_clause("收到转办线索后3个工作日内完成核查", CTX)
    assert milestones == [] and flags == []
    assert notes == ["3个工作日内"]


@pytest.mark.parametrize("text, word", [
    ("6月中完成摸底", "6月中"),
    ("2025年前完成全部试点", "2025年前"),
    ("清明节前完成祭扫安全检查", "清明节前"),
    ("汛期前完成排查整改", "汛期"),
    ("近期组织开展专项检查", "近期"),
    ("每三周检查一次", "每三周"),
    ("每五个月通报一次", "每五个月"),
    ("每天报送舆情", "每天"),
    ("每月结束后30日内报送", "每月结束后"),
])
def test_it_warns_about_a_time_word_no_rule_understood(text, word):
    milestones, flags, _ = extract_clause(text, CTX)
    assert milestones == []
    assert [(f.code, f.text) for f in flags] == [("unknown-time-word", word)]
    assert text[flags[0].start:flags[0].end] == word


@pytest.mark.parametrize("text", ["2024年6月30日前总结经验。", "9月底前报告工作进展。", "11月底前考核验收。",
                                  "6月底前统计数据。", "3月底前完成部署；9月底前总结经验。"])
def test_it_keeps_a_deadline_followed_by_a_verb_that_looks_like_a_noun(text):
    """F02: these fell back to the year-end default with no warning."""
    milestones, flags, _ = extract_clause(text, CTX)
    assert milestones and all(m.due.month in (3, 6, 9, 11) for m in milestones)
    assert [f.code for f in flags if f.code != "past-deadline"] == []


def test_it_keeps_a_deadline_said_to_be_done_and_flags_it_once():
    milestones, flags, _ = extract_clause("一季度末已完成首批项目遴选", CTX, task=2)
    assert [(m.expr, m.due, m.past) for m in milestones] == [("一季度末", date(2024, 3, 31), True)]
    assert [(f.code, f.text) for f in flags] == [("already-done", "一季度末")]


def test_it_reads_a_date_that_lost_its_separators_and_flags_it():
    text = "资金拨付20251230日前完成"
    milestones, flags, _ = extract_clause(text, Context(2025, date(2025, 3, 1)))
    assert [(m.expr, m.due) for m in milestones] == [("20251230日前", date(2025, 12, 30))]
    assert [(f.code, text[f.start:f.end]) for f in flags] == [("ocr-date", "20251230日前")]
    assert "2025-12-30" in flags[0].message


@pytest.mark.parametrize("text, expr, due", [
    ("请于6月30曰前报送", "6月30曰前", date(2024, 6, 30)),
    ("6月未前完成自查", "6月未前", date(2024, 6, 30)),
    ("2O24年9月底前完成验收", "2O24年9月底前", date(2024, 9, 30)),
])
def test_it_reads_through_an_ocr_confusion_that_changes_a_date_and_flags_it(text, expr, due):
    (m,), flags, _ = extract_clause(text, CTX)
    assert (m.expr, m.due) == (expr, due)
    assert [(f.code, f.text) for f in flags] == [("ocr-confusion", expr)]


def test_it_leaves_look_alike_characters_alone_outside_a_date():
    assert extract_clause("一曰学习,二曰实践", CTX) == ([], [], [])
    assert normalize_text("6月未完成的项目") == "6月未完成的项目"


@pytest.mark.parametrize("doc_date, due", [(date(2024, 5, 10), date(2024, 7, 15)), (None, date(2024, 1, 15)),
                                          (date(2024, 11, 2), date(2024, 1, 15))])
def test_it_dues_a_recurring_deadline_at_its_first_occurrence_on_or_after_the_issue_date(doc_date, due):
    (m,), flags, _ = extract_clause("每季度首月15日前报送上季度工作情况", Context(2024, doc_date))
    assert m.due == due
    assert m.past == (doc_date is not None and due < doc_date)  # none left after November: the first, flagged


@pytest.mark.parametrize("text, due", [("自8月起，每月10日前报送进展", date(2024, 8, 10)),
                                       ("自9月15日起，每季度末报送", date(2024, 9, 30)),
                                       ("自8月起开展检查。每月10日前报送进展", date(2024, 6, 10))])
def test_it_begins_a_recurrence_at_a_start_in_its_sentence(text, due):
    (m,), _, _ = extract_clause(text, CTX)
    assert (m.kind, m.due) == ("recurring", due)


def test_it_counts_next_year_from_the_issue_date_not_the_working_year():
    ctx = Context(2023, date(2022, 12, 27))
    assert _dues("明年7月份完成全部验收", ctx) == ["2023-07-31"]
    assert _dues("今年底前完成准备工作", ctx) == ["2022-12-31"]
    assert _dues("本年度内完成整改", ctx) == ["2023-12-31"]


def test_it_says_a_range_is_due_at_its_end():
    (m,), _, _ = extract_clause("第一阶段：动员部署（5月15日至5月31日）", CTX)
    assert (m.expr, m.due) == ("5月15日至5月31日", date(2024, 5, 31))
    assert "range end" in m.matched_by


def test_it_does_not_warn_about_words_that_only_look_like_time():
    for text in ("加强专利申请环节管理", "举办2024年全国知识产权宣传周活动", "定期开展宣贯培训", "目前已建成工作站"):
        assert extract_clause(text, CTX) == ([], [], [])


def test_it_loads_jieba_only_for_a_vague_leftover_time_word():
    code = (
        "import sys\nfrom datetime import date\nfrom bot.extract import extract_clause\n"
        "from bot.model import Context\nctx = Context(2024, date(2024, 5, 22))\n"
        "extract_clause('6月底前完成入库;年底前实现全覆盖;春节前走访', ctx)\n"
        "before = 'jieba' in sys.modules\n"
        "extract_clause('汛期前完成排查', ctx)\n"
        "print(before, 'jieba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


# --- actions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, actions", [
    ("6月底前完成摸底调查;9月底前形成工作方案", ["完成摸底调查", "形成工作方案"]),
    ("上半年完成试点遴选,下半年开展评估验收", ["完成试点遴选", "开展评估验收"]),
    ("组织开展知识产权执法培训,8月底前完成", ["组织开展知识产权执法培训,8月底前完成"]),
    ("6月底、9月底、12月底前分别报送进展情况", ["分别报送进展情况"] * 3),
    ("加强行业监管。力争10月底前出台实施细则。做好宣传", ["出台实施细则"]),
    ("6月底前", [""]),
    ("市应急管理局要于6月底前完成隐患排查，各县区要在每月5日前报送进展。",
     ["市应急管理局要于6月底前完成隐患排查", "各县区要在每月5日前报送进展"]),
])
def test_it_gives_each_deadline_the_words_it_governs(text, actions):
    assert [m.action for m in extract_clause(text, CTX)[0]] == actions


def test_it_shows_actions_without_the_spaces_ocr_inserted():
    milestones = extract_clause("6 月底前,组织省内 高校完成存量专利 盘点入库", CTX)[0]
    assert milestones[0].action == "组织省内高校完成存量专利盘点入库"
    assert milestones[0].expr == "6 月底前"


# --- extract_task ---------------------------------------------------------------------------

def test_it_reads_the_deadline_column_with_the_same_rules_and_the_title_as_action():
    task = Task(no=4, title="完善地方立法", measures="推动条例立法进程", deadline_text="2024年9月底前")
    milestones, flags = extract_task(task, CTX)
    assert [(m.expr, m.due, m.start, m.end, m.action, m.task) for m in milestones] == [
        ("2024年9月底前", date(2024, 9, 30), 0, 9, "完善地方立法", 4)
    ]
    assert flags == []


def test_it_does_not_repeat_a_deadline_given_in_both_measures_and_deadline_column():
    task = Task(no=4, title="t", measures="6月底前完成入库", deadline_text="6月底前")
    assert [m.expr for m in extract_task(task, CTX)[0]] == ["6月底前"]


def test_it_appends_notes_to_the_task_and_stamps_task_numbers_on_flags():
    task = Task(no=7, title="维权援助", measures="收到求助后3个工作日内答复;2月30日前汇总")
    milestones, flags = extract_task(task, CTX)
    assert task.notes == ["3个工作日内"]
    assert [(f.code, f.task) for f in flags] == [("invalid-date", 7)]
    assert [m.kind for m in milestones] == ["implicit"]


def test_it_puts_the_implicit_milestone_where_the_admin_configured():
    task = Task(no=2, title="统筹协调", measures="协同推进知识产权强省建设")
    ctx = Context(2024, date(2024, 5, 22), implicit_due=(11, 30))
    (milestone,), _ = extract_task(task, ctx)
    assert (milestone.kind, milestone.due, milestone.units, milestone.rule) == ("implicit", date(2024, 11, 30), (), None)


def test_it_adds_no_implicit_milestone_when_a_recurring_one_exists():
    task = Task(no=2, title="调度", measures="每月5日前报送上月工作进展")
    milestones, _ = extract_task(task, CTX)
    assert [(m.kind, m.rule) for m in milestones] == [("recurring", "FREQ=MONTHLY;BYMONTHDAY=5;UNTIL=20241231")]


# --- working year ---------------------------------------------------------------------------

@pytest.mark.parametrize("title, doc_date, year", [
    ("2024年福建省推动知识产权高质量发展任务清单", date(2024, 5, 22), 2024),
    ("二〇二四年知识产权工作要点", None, 2024),
    ("2025年全省知识产权工作要点", date(2024, 12, 20), 2025),
    ("全省知识产权工作要点", date(2024, 12, 20), 2024),
    ("全省知识产权工作要点", None, None),
    ("专利转化运用专项行动实施方案(2024—2026年)", None, 2024),
    ("2024年度知识产权工作任务分工方案", None, 2024),
])
def test_it_takes_the_working_year_from_the_title_before_the_issue_date(title, doc_date, year):
    assert working_year(title, doc_date) == year


def test_it_says_which_task_text_each_milestone_span_indexes():
    from bot.extract import extract_task
    from bot.model import Context, Task

    task = Task(no=3, title="完善制度", measures="6月底前,印发实施办法。", deadline_text="2024年9月30日")
    found, _ = extract_task(task, Context(year=2024))
    by_source = {m.source: m for m in found}
    assert task.measures[by_source["measures"].start:by_source["measures"].end] == "6月底前"
    span = by_source["deadline_text"]
    assert task.deadline_text[span.start:span.end] == "2024年9月30日"
    undated, _ = extract_task(Task(no=4, title="加强宣传", measures="广泛开展宣传。"), Context(year=2024))
    assert [m.source for m in undated] == [""]
