"""The Excel 督办通报, opened again with openpyxl: figures, sheets made to work with, no formula smuggled in."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest

from bot.report.render_xlsx import render_xlsx
from tests.report.hand_report import HYPERLINK, ITEMS, SUMMARY, UNITS, hand_report


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_xlsx(hand_report())


@pytest.fixture(scope="module")
def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws, first: int = 1):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def test_three_sheets_in_order(book):
    assert book.sheetnames == ["汇总", "各单位", "事项明细"]


def test_the_summary_has_every_count_with_rates_as_percentages(book):
    ws = book["汇总"]
    assert ws["A1"].value == "督办通报（2024年第3期）"
    assert ws["A2"].value == "福建省知识产权局办公室　截至2024年7月5日　2024年7月"
    figures = {row[0]: row[1:3] for row in _rows(ws, 5) if row[0]}
    assessed = SUMMARY.due + SUMMARY.done_not_due  # 应办结: due, plus done before its date
    assert figures["督办事项"] == [SUMMARY.total, None]
    assert figures["应办结"] == [assessed, None]
    assert figures["已到期"] == [SUMMARY.due, None]
    assert figures["本期到期"] == [SUMMARY.due_in_period, None]
    assert figures["按期办结"] == [SUMMARY.on_time, pytest.approx(11 / 33)]
    assert figures["延期办结"] == [SUMMARY.extended_done, pytest.approx(4 / 33)]
    assert figures["逾期办结"] == [SUMMARY.late_done, pytest.approx(3 / 33)]
    assert figures["逾期未办结"] == [SUMMARY.overdue_open, pytest.approx(7 / 33)]
    assert figures["未签收"] == [SUMMARY.unacknowledged, None]
    assert figures["已到期未报进展"] == [SUMMARY.no_progress, None]
    assert figures["办结待审核"] == [SUMMARY.pending_review, None]
    assert figures["按期办结率"][0] == pytest.approx(11 / 33) and figures["办结率"][0] == pytest.approx(18 / 33)
    rate = next(c for c in ws["B"] if c.row > 5 and ws.cell(c.row, 1).value == "按期办结率")
    on_time = next(c for c in ws["C"] if ws.cell(c.row, 1).value == "按期办结")
    assert rate.number_format == "0.0%" and on_time.number_format == "0.0%"


def test_each_unit_has_its_light_counts_and_rates(book):
    rows = _rows(book["各单位"])
    header = rows[0]
    assert header[:2] == ["单位", "亮灯"] and header[-2:] == ["按期办结率", "办结率"]
    column = {name: i for i, name in enumerate(header)}
    for row, unit in zip(rows[1:], UNITS):
        assert row[:2] == [unit.unit, unit.light]
        for key, name in (("total", "督办事项"), ("assessed", "应办结"), ("due", "已到期"), ("on_time", "按期办结"),
                          ("extended_done", "延期办结"), ("late_done", "逾期办结"), ("overdue_open", "逾期未办结"),
                          ("unacknowledged", "未签收"), ("no_progress", "未报进展"), ("pending_review", "待审核")):
            assert row[column[name]] == getattr(unit.counts, key), (unit.unit, name)
    assert rows[2][column["按期办结率"]] == pytest.approx(3 / 15)
    assert rows[4][column["按期办结率"]] is None  # nothing due: no rate, not 0 %
    assert len(rows) == 1 + len(UNITS)
    assert book["各单位"]["B3"].fill.fgColor.rgb.endswith("F4C7C3")  # 红


def test_every_sheet_has_a_frozen_header_and_the_tables_have_filters(book):
    assert book["汇总"].freeze_panes == "A5"
    assert book["各单位"].freeze_panes == "A2" and book["事项明细"].freeze_panes == "A2"
    assert book["各单位"].auto_filter.ref == f"A1:P{1 + len(UNITS)}"
    assert book["事项明细"].auto_filter.ref == f"A1:J{1 + len(ITEMS)}"


def test_the_item_sheet_has_real_dates_and_numbers(book):
    ws = book["事项明细"]
    rows = _rows(ws)
    assert rows[0] == ["节点", "任务", "措施", "责任单位", "牵头/配合", "原定期限", "当前期限", "状态", "最新进展", "逾期天数"]
    first = rows[1]
    assert first[0] == "M3" and first[1] == "2. 完善知识产权保护体系" and first[3] == "各设区市知识产权局<含平潭>"
    assert first[5] == datetime(2024, 6, 30) and first[6] == datetime(2024, 7, 1) and first[9] == 4
    assert ws["F2"].number_format == "yyyy-mm-dd" and ws["F2"].is_date
    assert [r[7] for r in rows[1:]] == ["已逾期", "已逾期", "延期办结", "已逾期"]
    assert [r[9] for r in rows[1:]] == [i.days_overdue for i in ITEMS]


def test_columns_are_wide_enough_for_chinese(book):
    ws = book["事项明细"]
    unit = ws.column_dimensions["D"].width  # 各设区市知识产权局<含平潭>: 13 CJK + 2 ASCII
    assert unit >= 13 * 2 + 2
    assert ws.column_dimensions["A"].width < unit  # M3, M12: narrow
    assert book["各单位"].column_dimensions["A"].width >= 28
    assert all(d.width <= 50 for d in ws.column_dimensions.values())


def test_a_native_bar_chart_of_the_rates_per_unit(data, book):
    charts = book["汇总"]._charts
    assert len(charts) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()
    assert "<barChart>" in xml and '<barDir val="bar"/>' in xml and "各单位按期办结率与办结率" in xml
    assert f"'各单位'!$O$2:$O${1 + len(UNITS)}" in xml and f"'各单位'!$P$2:$P${1 + len(UNITS)}" in xml
    assert f"'各单位'!$A$2:$A${1 + len(UNITS)}" in xml


FORMULA_TEXTS = [
    ("事项明细", "B3", f"5. {HYPERLINK}"),   # the task number comes first: no formula start here …
    ("事项明细", "C3", "+SUM(A1:A9) 组织专项行动"),
    ("事项明细", "I3", "@cmd 进展说明"),
    ("事项明细", "B4", "\t-1+1 开展培训"),
    ("事项明细", "C4", "  =1+1"),
    ("事项明细", "C5", "=cmd"),              # a leading CR is a control character: cleaned, then guarded
    ("事项明细", "I5", "-进展-"),
]


def test_text_that_starts_like_a_formula_is_stored_as_text():
    """A task titled =HYPERLINK(…) with no number in front arrives as text, not a live link."""
    items = (ITEMS[1].__class__(**{**ITEMS[1].__dict__, "task_no": None}),)
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(hand_report(items=items))))["事项明细"]
    cell = ws["B2"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(render_xlsx(hand_report(items=items)))) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)


@pytest.mark.parametrize("sheet, ref, text", FORMULA_TEXTS)
def test_every_formula_start_is_neutralised(book, sheet, ref, text):
    cell = book[sheet][ref]
    assert cell.value == text and cell.data_type == "s"
    assert cell.quotePrefix == (not text[0].isdigit())


def test_a_unit_named_like_a_formula_is_text_in_every_sheet():
    units = (UNITS[0].__class__("=1+2", "红", UNITS[1].counts),)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(hand_report(units=units))))
    cell = book["各单位"]["A2"]
    assert cell.value == "=1+2" and cell.data_type == "s" and cell.quotePrefix


def test_an_empty_report_still_opens_with_its_headers():
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(hand_report(units=(), laggards=(), items=(), number=None))))
    assert book["汇总"]["A1"].value == "督办通报（预览，不编号）"
    assert _rows(book["事项明细"]) == [list(_rows(book["事项明细"])[0])]
    assert book["汇总"]._charts == []


def test_control_characters_are_dropped_not_fatal():
    items = (ITEMS[0].__class__(**{**ITEMS[0].__dict__, "latest_progress": "已完成\x0b初稿\x0c"}),)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(hand_report(items=items, office="福建省\x1b办公室"))))
    assert book["事项明细"]["I2"].value == "已完成初稿"
    assert book["汇总"]["A2"].value.startswith("福建省办公室　")
