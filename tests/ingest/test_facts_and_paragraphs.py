"""Document facts, and task lists written as numbered paragraphs."""
from datetime import date

import pytest

from bot.ingest.facts import find_doc_date, find_issuer, find_title
from bot.ingest.paragraphs import read_prose


@pytest.mark.parametrize("lines, expected", [
    (["福建省知识产权局关于印发 2024 年福建省 推动知识产权高质量发展 任务清单的通知", "2024 年福建省推动知识产权高质量发展任务清单"],
     "2024年福建省推动知识产权高质量发展任务清单"),
    (["某市人民政府办公室关于印发《2025年政府工作报告重点工作分工方案》的通知", "为贯彻落实……"], "2025年政府工作报告重点工作分工方案"),
    (["根据工作计划，现通知如下：", "无标题"], ""),
])
def test_it_prefers_the_standalone_title_over_the_notice_wrapper(lines, expected):
    assert find_title(lines) == expected


@pytest.mark.parametrize("lines, expected", [
    (["6月底前完成", "福建省知识产权局", "2024年5月22日印发"], date(2024, 5, 22)),
    (["（成文日期：2024年12月3日）"], date(2024, 12, 3)),
    (["某局", "二〇二四年十二月二十日"], date(2024, 12, 20)),
    (["2024年6月30日前完成盘点。"], None),
    (["2024年2月30日印发"], None),
])
def test_it_finds_the_issue_date_and_ignores_deadlines_in_the_text(lines, expected):
    assert find_doc_date(lines) == expected


def test_it_finds_the_issuer_from_the_letterhead_or_the_signature():
    assert find_issuer(["福建省知识产权局文件", "闽知发[2024]9号"]) == "福建省知识产权局"
    assert find_issuer(["正文", "某市市场监督管理局", "2024年3月1日"]) == "某市市场监督管理局"


def test_it_reads_numbered_paragraphs_with_inline_and_labelled_units():
    lines = [
        "一、强化统筹",
        "1. 推进规划实施。6月底前，制定计划；",
        "年底前，完成评估。（责任单位：保护处、运用处）",
        "二、加强保护",
        "2. 加强协调。每季度末报送进展。",
        "牵头单位：运用处；配合单位：发展保护中心、保护中心",
        "完成时限：2024年12月31日前",
        "某省知识产权局",
        "2024年5月22日印发",
    ]
    tasks = read_prose(lines).tasks
    assert [(t.no, t.section, t.title) for t in tasks] == [(1, "一、强化统筹", "推进规划实施"), (2, "二、加强保护", "加强协调")]
    assert tasks[0].measures == "推进规划实施。6月底前，制定计划；年底前，完成评估。"  # a date may sit in the headline
    assert (tasks[0].raw_units, tasks[0].units_source) == ("责任单位：保护处、运用处", "bracket")
    assert (tasks[1].raw_units, tasks[1].units_source) == ("牵头单位：运用处；配合单位：发展保护中心、保护中心", "line")
    assert tasks[1].deadline_text == "2024年12月31日前"
    assert "印发" not in tasks[1].measures
