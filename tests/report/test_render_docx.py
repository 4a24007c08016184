"""The Word 督办通报, opened again with python-docx: its figures, its official shape, the office's template."""
from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from bot.errors import DubanError
from bot.report.render_docx import render_docx, template_context
from bot.report.wording import COUNT_COLUMNS
from tests.conftest import ROOT
from tests.report.hand_report import HYPERLINK, ITEMS, LAGGARDS, SUMMARY, UNITS, hand_report


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _east_asian(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def document():
    return _open(render_docx(hand_report()))


def test_the_masthead_is_red_with_the_office_issue_and_date_over_a_red_rule(document):
    texts = _texts(document)
    assert texts[:3] == ["督办通报", "2024年第3期", "福建省知识产权局办公室\t2024年7月5日"]
    title = document.paragraphs[0].runs[0]
    assert str(title.font.color.rgb) == "FF0000" and title.font.size == Pt(36)
    assert _east_asian(title._r) == "方正小标宋简体"
    rule = document.paragraphs[2]._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert rule is not None and rule.get(qn("w:color")) == "FF0000"
    order = [child.tag.split("}")[1] for child in document.paragraphs[2]._p.pPr]
    assert order == ["pBdr", "tabs", "spacing"]  # the schema's order: Word refuses a file that breaks it


def test_a4_with_official_margins_and_a_landscape_appendix(document):
    first, appendix = document.sections
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] \
        == [37, 35, 28, 26]
    assert (round(appendix.page_width.mm), round(appendix.page_height.mm)) == (297, 210)
    footer = first.footer.paragraphs[0]
    assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE" and footer.text.startswith("— ")


def test_chinese_fonts_are_set_as_the_east_asian_font(document):
    styles = document.styles
    assert _east_asian(styles["Normal"].element) == "仿宋_GB2312"
    assert _east_asian(styles["通报正文"].element) == "仿宋_GB2312"
    assert _east_asian(styles["通报一级标题"].element) == "黑体"
    assert _east_asian(styles["通报表头"].element) == "黑体"
    headings = [p for p in document.paragraphs if p.style.name == "通报一级标题"]
    assert [p.text for p in headings] == ["一、总体情况", "二、各单位情况", "三、滞后单位", "附件"]


def test_the_summary_states_every_count_and_the_on_time_rate(document):
    texts = _texts(document)
    summary = texts[texts.index("一、总体情况") + 1]
    for figure in (f"共{SUMMARY.total}项", f"已到期{SUMMARY.due}项", f"2024年7月到期{SUMMARY.due_in_period}项",
                   f"按期办结{SUMMARY.on_time}项", f"延期办结{SUMMARY.extended_done}项",
                   f"逾期办结{SUMMARY.late_done}项", f"逾期未办结{SUMMARY.overdue_open}项",
                   f"未签收{SUMMARY.unacknowledged}项", f"未报进展{SUMMARY.no_progress}项",
                   f"待审核{SUMMARY.pending_review}项", "应办结33项", "按期办结率33.3%", "办结率54.5%"):
        assert figure in summary, figure


def test_the_unit_table_has_each_units_light_counts_and_rate_and_a_total(document):
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][0] == "单位" and rows[0][-1] == "按期办结率"
    for row, unit in zip(rows[1:], UNITS):
        assert row[:2] == [unit.unit, unit.light]
        assert row[2:-1] == [str(getattr(unit.counts, key)) for key, _ in COUNT_COLUMNS]
    assert rows[1][-1] == "75.0%" and rows[2][-1] == "20.0%" and rows[4][-1] == "—"
    assert rows[-1][:3] == ["合计", "—", str(SUMMARY.due)] and rows[-1][-1] == "33.3%"
    styles = [cell.paragraphs[0].style.name for cell in table.rows[1].cells]
    assert styles == ["通报表格"] + ["通报表格居中"] * 9  # names from the left, the light and figures centred
    shade = table.rows[2].cells[1]._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    assert shade is not None and shade.get(qn("w:fill")) == "F4C7C3"  # 红


def test_the_units_behind_are_named_with_item_numbers_and_days_overdue(document):
    texts = _texts(document)
    assert "1. 保护处 & 执法：M8（逾期35天）、M12（逾期9天），共2项逾期未办结。" in texts
    assert "2. 各设区市知识产权局<含平潭>：M3（逾期4天），共1项逾期未办结。" in texts


def test_the_appendix_lists_every_item_and_no_cell_is_empty(document):
    appendix = document.tables[1]
    rows = [[c.text for c in row.cells] for row in appendix.rows]
    assert rows[0] == ["节点", "任务", "措施", "责任单位", "牵头/配合", "原定期限", "当前期限", "状态", "最新进展", "逾期天数"]
    assert [r[0] for r in rows[1:]] == [i.milestone for i in ITEMS]
    assert rows[2] == ["M8", f"5. {HYPERLINK}", "+SUM(A1:A9) 组织专项行动", "保护处 & 执法", "牵头",
                       "2024-05-31", "2024-05-31", "已逾期", "@cmd 进展说明", "35"]
    assert rows[3][1] == "\t-1+1 开展培训" and rows[3][2] == "  =1+1"  # a tab and spaces kept
    assert rows[3][7] == "延期办结" and rows[3][8] == "—" and rows[3][9] == "—"  # how it ended; no progress text
    for table in document.tables:
        assert all(cell.text.strip() for row in table.rows for cell in row.cells)
    header = appendix.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    assert header is not None  # repeated on every page


def test_a_preview_says_it_has_no_number_and_empty_sections_say_so():
    document = _open(render_docx(hand_report(number=None, laggards=(), items=(), units=())))
    texts = _texts(document)
    assert texts[1] == "预览，不编号"
    assert "本期没有逾期未办结的事项。" in texts and "本期没有事项。" in texts
    assert document.tables == []


# --- the office's template ------------------------------------------------------------------


def _template(tmp_path, *, extra: str = ""):
    """An office template written as a user would in Word: placeholders as plain text."""
    template = docx.Document()
    template.add_paragraph("{{ office }}")
    template.add_paragraph("{{ title }}（{{ issue }}）{{ date }}")
    template.add_paragraph("{{ summary_text }}")
    template.add_paragraph("到期{{ summary.due }}，逾期未办结{{ summary.overdue_open }}，按期办结率{{ summary.on_time_rate }}")
    template.add_paragraph("{%p for lag in laggards %}")
    template.add_paragraph("{{ lag.unit }}：{{ lag.overdue }}")
    template.add_paragraph("{%p endfor %}")
    units = template.add_table(rows=3, cols=4)
    units.rows[0].cells[0].text = "{%tr for u in units %}"
    for cell, text in zip(units.rows[1].cells, ("{{ u.unit }}", "{{ u.light }}", "{{ u.on_time }}", "{{ u.on_time_rate }}")):
        cell.text = text
    units.rows[2].cells[0].text = "{%tr endfor %}"
    items = template.add_table(rows=3, cols=3)
    items.rows[0].cells[0].text = "{%tr for i in items %}"
    for cell, text in zip(items.rows[1].cells, ("{{ i.milestone }}", "{{ i.task }}", "{{ i.due }}")):
        cell.text = text
    items.rows[2].cells[0].text = "{%tr endfor %}"
    if extra:
        template.add_paragraph(extra)
    path = tmp_path / "report-template.docx"
    template.save(path)
    return path


def test_the_offices_template_is_filled_with_the_reports_values(tmp_path):
    document = _open(render_docx(hand_report(), _template(tmp_path)))
    texts = _texts(document)
    assert texts[0] == "福建省知识产权局办公室"
    assert texts[1] == "督办通报（2024年第3期）2024年7月5日"
    assert texts[2].startswith("截至2024年7月5日") and "按期办结率33.3%" in texts[2]
    assert texts[3] == "到期30，逾期未办结7，按期办结率33.3%"
    assert "保护处 & 执法：M8（逾期35天）、M12（逾期9天）" in texts  # "&" and "<" escaped, not breaking the XML
    assert "各设区市知识产权局<含平潭>：M3（逾期4天）" in texts
    assert not any("{{" in t or "{%" in t for t in texts)
    units, items = ([[c.text for c in row.cells] for row in table.rows] for table in document.tables)
    assert units == [[u.unit, u.light, str(u.counts.on_time), rate]
                     for u, rate in zip(UNITS, ("75.0%", "20.0%", "25.0%", "—"))]
    assert items == [[i.milestone, i.task, i.due.isoformat()] for i in ITEMS]


def test_every_documented_placeholder_is_in_the_context():
    context = template_context(hand_report())
    assert set(context) >= {"office", "title", "year", "number", "issue", "date", "period", "summary",
                            "summary_text", "units", "laggards", "items"}
    assert set(context["units"][0]) >= {"unit", "light", "due", "assessed", "on_time", "overdue_open", "on_time_rate"}
    assert context["summary"]["assessed"] == 33 and context["summary"]["on_time_rate"] == "33.3%"
    assert set(context["items"][0]) >= {"milestone", "task", "measure", "unit", "role", "original_due", "due",
                                        "state", "latest_progress", "days_overdue"}


def test_control_characters_in_a_text_are_dropped_not_fatal(tmp_path):
    """A progress note pasted with a vertical tab or form feed must not stop the 通报 (lxml refuses them)."""
    items = (ITEMS[0].__class__(**{**ITEMS[0].__dict__, "latest_progress": "已完成\x0b初稿\x0c", "task": "任务\x07"}),)
    report = hand_report(items=items, office="福建省\x1b知识产权局办公室")
    document = _open(render_docx(report))
    assert document.paragraphs[2].text.startswith("福建省知识产权局办公室\t")
    cells = [c.text for c in document.tables[1].rows[1].cells]
    assert cells[1] == "2. 任务" and cells[8] == "已完成初稿"
    filled = _open(render_docx(report, _template(tmp_path)))
    assert filled.paragraphs[0].text == "福建省知识产权局办公室"
    assert [c.text for c in filled.tables[1].rows[0].cells] == ["M3", "任务", "2024-07-01"]


def test_the_placeholders_docs_report_md_lists_are_the_ones_a_template_gets():
    section = (ROOT / "docs" / "report.md").read_text(encoding="utf-8").split("## Word 与 Excel")[1].split("\n## ")[0]
    context = template_context(hand_report())
    scopes = {"u": context["units"][0], "lag": context["laggards"][0], "i": context["items"][0],
              "summary": context["summary"]}
    named = re.findall(r"\{\{ ([\w.]+) \}\}", section) + re.findall(r"`(i\.\w+)`", section)
    assert len(named) > 30
    for name in named:
        head, _, attr = name.partition(".")
        if head != "sumary":  # the section's example of a typo
            assert (attr in scopes[head]) if attr else (head in context), name
    figures = re.findall(r"`(\w+)`", next(line for line in section.splitlines() if "summary.on_time" in line))
    assert len(figures) == 14 and set(figures) <= set(context["summary"]) <= set(context["units"][0])


@pytest.mark.parametrize("extra, says", [
    ("{{ no_such_field }}", "no_such_field"),
    ("{{ office }", "占位符有误"),
    ("{{ office.__class__.__mro__ }}", "占位符有误"),  # the sandbox refuses what a template has no business with
])
def test_a_broken_template_is_a_clear_error(tmp_path, extra, says):
    with pytest.raises(DubanError) as caught:
        render_docx(hand_report(), _template(tmp_path, extra=extra))
    assert says in caught.value.message and "report-template.docx" in caught.value.message


def test_a_template_that_is_not_a_word_file_is_a_clear_error(tmp_path):
    path = tmp_path / "report-template.docx"
    path.write_text("不是 Word 文件", encoding="utf-8")
    with pytest.raises(DubanError, match="不是有效的 Word"):
        render_docx(hand_report(), path)
    with pytest.raises(DubanError, match="不存在"):
        render_docx(hand_report(), tmp_path / "missing.docx")
