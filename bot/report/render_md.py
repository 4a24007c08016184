"""The 督办通报 as Markdown: readable as plain text, pastes into a wiki or an e-mail."""
from __future__ import annotations

from bot.report.model import Counts, Report
from bot.report.wording import (COUNT_COLUMNS, RATED, SUMMARY_LINES, issue_label, laggard_sentence, percent,
                                summary_sentence, task_text)

ITEM_HEADERS = ("节点", "任务", "具体措施", "责任单位", "牵头/配合", "原定时限", "现时限", "状态", "办理时效", "最新进展", "逾期天数")


def cell(value) -> str:
    """A table cell: one line, pipes escaped (a task title may contain either)."""
    return " ".join(str("" if value is None else value).split()).replace("|", "\\|")


def _table(headers, rows) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def _summary(c: Counts) -> list[str]:
    rows = [(label, getattr(c, key), percent(c.rate(getattr(c, key))) if key in RATED else "") for key, label in SUMMARY_LINES]
    return _table(("指标", "数量", "占应办结"), rows)


def render_md(report: Report) -> str:
    lines = [f"# {report.office} {report.title}", "",
             f"**{issue_label(report)}** · {report.period.label} · 截至 {report.as_of.isoformat()}", ""]
    if report.documents:
        lines += ["督办文件：" + "；".join(f"《{t}》" for t in report.documents), ""]
    lines += ["## 一、总体情况", "", summary_sentence(report), "", *_summary(report.summary), ""]
    lines += ["## 二、各单位情况", ""]
    lines += _table(("单位", "状态", "事项", *(h for _, h in COUNT_COLUMNS), "按期办结率"),
                    [(u.unit, u.light, u.counts.total, *(getattr(u.counts, k) for k, _ in COUNT_COLUMNS),
                      percent(u.counts.on_time_rate)) for u in report.units])
    lines += ["", "## 三、滞后单位", ""]
    if not report.laggards:
        lines.append("截至本期，没有逾期未办结的事项。")
    for g in report.laggards:
        lines.append(f"- {cell(laggard_sentence(g))}")
    lines += ["", "## 附件：督办事项明细", ""]
    lines += _table(ITEM_HEADERS, [(i.milestone, task_text(i),
                                    i.measure, i.unit, i.role, i.original_due.isoformat(), i.due.isoformat(), i.state,
                                    i.timeliness, i.latest_progress, i.days_overdue or "") for i in report.items])
    lines += ["", f"{report.office}　{report.generated_at:%Y年%m月%d日}", ""]
    return "\n".join(lines)
