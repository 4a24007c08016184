"""The 督办通报's figures as the words every renderer prints, so Word, Excel and the templates agree.

A renderer lays these out; none of them phrases a rate, a date or the summary on its own.
"""
from __future__ import annotations

from datetime import date

from bot.report.model import Counts, ItemRow, Laggard, Report

NO_VALUE = "—"  # a rate with nothing to divide by, a date or text that is not there

# The per-unit figures in the order a 通报 table shows them: (Counts attribute, header).
COUNT_COLUMNS = (
    ("due", "已到期"),
    ("on_time", "按期办结"),
    ("extended_done", "延期办结"),
    ("late_done", "逾期办结"),
    ("overdue_open", "逾期未办结"),
    ("unacknowledged", "未签收"),
    ("no_progress", "未报进展"),
)
DONE_LABELS = ("按期办结", "延期办结", "逾期办结")
# The light as a cell shade (RGB hex) in Word and Excel: read at a glance, and the cell still says 红/黄/绿.
LIGHT_SHADES = {"红": "F4C7C3", "黄": "FCE8B2", "绿": "B7E1CD"}
# The summary's lines (Counts attribute, label); those in RATED also show their share of 应办结.
SUMMARY_LINES = (("total", "督办事项"), ("assessed", "应办结"), ("due", "已到期"), ("due_in_period", "本期到期"),
                 ("on_time", "按期办结"), ("extended_done", "延期办结"), ("late_done", "逾期办结"),
                 ("overdue_open", "逾期未办结"), ("pending_review", "办结待审核"), ("unacknowledged", "未签收"),
                 ("no_progress", "已到期未报进展"))
RATED = ("on_time", "extended_done", "late_done", "overdue_open")


def percent(rate: float | None) -> str:
    return NO_VALUE if rate is None else f"{rate * 100:.1f}%"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def issue_label(report: Report) -> str:
    """2024年第3期; a preview takes no number and says so."""
    return f"{report.year}年第{report.number}期" if report.number is not None else "预览，不编号"


def summary_sentence(report: Report) -> str:
    """一、总体情况 in one paragraph: every count of the summary and the 按期办结率."""
    c: Counts = report.summary
    text = (f"截至{cn_date(report.as_of)}，纳入督办的节点事项共{c.total}项（按责任单位计），"
            f"已到期{c.due}项，其中{report.period.label}到期{c.due_in_period}项。"
            f"已办结{c.done}项，其中按期办结{c.on_time}项、延期办结{c.extended_done}项、逾期办结{c.late_done}项；"
            f"逾期未办结{c.overdue_open}项。应办结{c.assessed}项（已到期的加上提前办结的），"
            f"按期办结率{percent(c.on_time_rate)}，办结率{percent(c.done_rate)}。"
            f"未签收{c.unacknowledged}项，已到期未报进展{c.no_progress}项")
    if c.pending_review:
        text += f"，办结待审核{c.pending_review}项"
    return text + "。"


def laggard_items(laggard: Laggard) -> str:
    """M8（逾期12天）、M3（逾期5天）"""
    return "、".join(f"{milestone}（逾期{days}天）" for milestone, days in laggard.items)


def laggard_sentence(laggard: Laggard) -> str:
    return f"{laggard.unit}：{laggard_items(laggard)}，共{len(laggard.items)}项逾期未办结。"


def item_state(item: ItemRow) -> str:
    """How an item ended (按期/延期/逾期办结) when it did, else its state (已逾期, 待审核 …)."""
    return item.timeliness if item.timeliness in DONE_LABELS else item.state


def task_text(item: ItemRow) -> str:
    return f"{item.task_no}. {item.task}" if item.task_no is not None else item.task
