"""The 督办通报 as an Excel workbook: 汇总 (with a native chart of the rates), 各单位, 事项明细.

Made to be worked with: a frozen header, filters, columns wide enough for Chinese (a CJK
character takes two columns), dates as real dates and rates as percentages, so sorting and
sums work. Every text that Excel would read as a formula (= + - @ first, also after spaces,
or a leading tab/CR) is stored as text with Excel's quote prefix: a task titled
=HYPERLINK(…) shows as that text and stays text when someone edits the cell.
"""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from wcwidth import wcswidth

from bot.ingest.hygiene import clean_text
from bot.report.model import Counts, Report
from bot.report.wording import LIGHT_SHADES, RATED, SUMMARY_LINES, cn_date, issue_label, item_state, task_text

DATE_FORMAT, RATE_FORMAT = "yyyy-mm-dd", "0.0%"
MIN_WIDTH, MAX_WIDTH = 6, 50  # columns, in Excel's character units
_FORMULA_START = re.compile(r"[\t\r]|\s*[=+\-@]")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")

# (Counts attribute, header) for the 各单位 sheet: every figure a unit has.
UNIT_COLUMNS = (
    ("total", "督办事项"), ("assessed", "应办结"), ("due", "已到期"), ("due_in_period", "本期到期"), ("on_time", "按期办结"),
    ("extended_done", "延期办结"), ("late_done", "逾期办结"), ("overdue_open", "逾期未办结"),
    ("open_not_due", "未到期在办"), ("unacknowledged", "未签收"), ("no_progress", "未报进展"),
    ("pending_review", "待审核"),
)
ITEM_HEADERS = ("节点", "任务", "措施", "责任单位", "牵头/配合", "原定期限", "当前期限", "状态", "最新进展", "逾期天数")
WRAPPED_ITEM_COLUMNS = {2, 3, 9}  # 任务, 措施, 最新进展: long prose


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "汇总"
    units = workbook.create_sheet("各单位")
    items = workbook.create_sheet("事项明细")
    _summary(summary, report)
    _units(units, report)
    _items(items, report)
    if report.units:
        summary.add_chart(_rates_chart(units, len(report.units)), "E4")
    workbook.properties.title = clean_text(f"{report.title}（{issue_label(report)}）")
    workbook.properties.creator = clean_text(report.office)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _put(ws, row: int, column: int, value):
    """One cell; text is cleaned of control characters and never becomes a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean_text(value) if not value.isprintable() else value
        cell.value = value
        if _FORMULA_START.match(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    return cell


def _header(ws, row: int, headers) -> None:
    for column, text in enumerate(headers, 1):
        cell = _put(ws, row, column, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _display_width(value) -> int:
    """Columns a value needs: CJK characters count two; long text stops counting at the cap."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return 7  # 100.0%
    text = str(value)[:MAX_WIDTH]
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _fit_columns(ws, first_row: int = 1) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def _filter(ws, header_row: int, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{header_row + max(rows, 1)}"


def _summary(ws, report: Report) -> None:
    title = _put(ws, 1, 1, f"{report.title}（{issue_label(report)}）")
    title.font = Font(bold=True, size=16)
    _put(ws, 2, 1, f"{report.office}　截至{cn_date(report.as_of)}　{report.period.label}")
    c: Counts = report.summary
    _header(ws, 4, ("指标", "数量", "占应办结"))
    for r, (key, label) in enumerate(SUMMARY_LINES, 5):
        _put(ws, r, 1, label)
        _put(ws, r, 2, getattr(c, key))
        if key in RATED:
            _put(ws, r, 3, c.rate(getattr(c, key))).number_format = RATE_FORMAT
    end = 5 + len(SUMMARY_LINES)
    for r, (label, rate) in enumerate((("按期办结率", c.on_time_rate), ("办结率", c.done_rate)), end + 1):
        _put(ws, r, 1, label).font = BOLD
        cell = _put(ws, r, 2, rate)
        cell.number_format, cell.font = RATE_FORMAT, BOLD
    if report.documents:
        _put(ws, end + 4, 1, f"涉及文件：{'、'.join(report.documents)}")
    _fit_columns(ws, first_row=4)


def _units(ws, report: Report) -> None:
    headers = ("单位", "亮灯", *(h for _, h in UNIT_COLUMNS), "按期办结率", "办结率")
    _header(ws, 1, headers)
    for r, row in enumerate(report.units, 2):
        _put(ws, r, 1, row.unit)
        light = _put(ws, r, 2, row.light)
        if row.light in LIGHT_SHADES:
            light.fill = PatternFill("solid", fgColor=LIGHT_SHADES[row.light])
        for column, (key, _) in enumerate(UNIT_COLUMNS, 3):
            _put(ws, r, column, getattr(row.counts, key))
        for column, rate in enumerate((row.counts.on_time_rate, row.counts.done_rate), 3 + len(UNIT_COLUMNS)):
            _put(ws, r, column, rate).number_format = RATE_FORMAT
    _filter(ws, 1, len(headers), len(report.units))
    _fit_columns(ws)


def _items(ws, report: Report) -> None:
    _header(ws, 1, ITEM_HEADERS)
    for r, item in enumerate(report.items, 2):
        values = (item.milestone, task_text(item), item.measure, item.unit, item.role, item.original_due,
                  item.due, item_state(item), item.latest_progress, item.days_overdue)
        for column, value in enumerate(values, 1):
            cell = _put(ws, r, column, value)
            if column in WRAPPED_ITEM_COLUMNS:
                cell.alignment = WRAP
    _filter(ws, 1, len(ITEM_HEADERS), len(report.items))
    _fit_columns(ws)


def _rates_chart(units, count: int) -> BarChart:
    """按期办结率 and 办结率 per unit, bars read top-down in the sheet's order, 0–100 %."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "各单位按期办结率与办结率"
    rate_column = 3 + len(UNIT_COLUMNS)
    data = Reference(units, min_col=rate_column, max_col=rate_column + 1, min_row=1, max_row=count + 1)
    chart.add_data(data, titles_from_data=True)
    names = Reference(units, min_col=1, min_row=2, max_row=count + 1)
    for series in chart.series:  # unit names are text: a string reference, not openpyxl's numeric default
        series.cat = AxDataSource(strRef=StrRef(f=str(names)))
    chart.x_axis.scaling.orientation = "maxMin"  # the first unit on top, as in the table …
    chart.y_axis.crosses = "max"  # … and the percentage axis still at the bottom
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.y_axis.number_format = "0%"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides both axes unless told
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.legend.position = "b"
    chart.width, chart.height = 18, max(8.0, 1.2 * count + 3)
    return chart
