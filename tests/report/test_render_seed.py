"""The seed replayed to 2024-07-05: the .docx and .xlsx, opened again, show the figures of `status --format json`."""
from __future__ import annotations

import io
from datetime import date, datetime

import docx
import openpyxl

from bot.report.render_docx import render_docx
from bot.report.render_xlsx import UNIT_COLUMNS, render_xlsx
from bot.report.wording import COUNT_COLUMNS, percent
from tests.report.test_build import AS_OF, expected, report_at, status_json

TODAY = date.fromisoformat(AS_OF)


def _want(items: list[dict]) -> dict:
    counts = expected(items, TODAY)
    counts["assessed"] = counts.get("due", 0) + counts.get("done_not_due", 0)
    return counts


def test_word_and_excel_show_every_count_of_status(answered, cli_run):
    status = status_json(cli_run, AS_OF)
    report = report_at(AS_OF)
    overall = _want(status["items"])
    per_unit = {u["unit"]: (u["light"], _want([i for i in status["items"] if i["unit"] == u["unit"]]))
                for u in status["units"]}
    assert overall.get("on_time") and overall.get("extended_done") and overall.get("overdue_open")

    document = docx.Document(io.BytesIO(render_docx(report)))
    units, appendix = document.tables
    rows = [[c.text for c in r.cells] for r in units.rows[1:]]
    assert [r[0] for r in rows[:-1]] == [u["unit"] for u in status["units"]]
    for row in rows[:-1]:
        light, want = per_unit[row[0]]
        assert row[1] == light
        assert row[2:-1] == [str(want.get(key, 0)) for key, _ in COUNT_COLUMNS], row[0]
        on_time, assessed = want.get("on_time", 0), want["assessed"]
        assert row[-1] == percent(on_time / assessed if assessed else None)
    assert rows[-1][2:-1] == [str(overall.get(key, 0)) for key, _ in COUNT_COLUMNS]  # 合计
    assert len(appendix.rows) - 1 == len(status["items"])
    assert sorted((r.cells[0].text, r.cells[3].text) for r in appendix.rows[1:]) == \
        sorted((i["milestone"], i["unit"]) for i in status["items"])
    summary = next(p.text for p in document.paragraphs if p.text.startswith("截至2024年7月5日"))
    for key, label in (("on_time", "按期办结"), ("extended_done", "延期办结"), ("late_done", "逾期办结"),
                       ("overdue_open", "逾期未办结"), ("unacknowledged", "未签收")):
        assert f"{label}{overall.get(key, 0)}项" in summary, label

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    figures = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=5, values_only=True) if r[0]}
    for key, label in (("total", "督办事项"), ("assessed", "应办结"), ("due", "已到期"), ("on_time", "按期办结"),
                       ("extended_done", "延期办结"), ("late_done", "逾期办结"), ("overdue_open", "逾期未办结"),
                       ("pending_review", "办结待审核"), ("unacknowledged", "未签收"), ("no_progress", "已到期未报进展")):
        assert figures[label] == overall.get(key, 0), label
    sheet = list(book["各单位"].iter_rows(values_only=True))
    header = {name: i for i, name in enumerate(sheet[0])}
    assert [r[0] for r in sheet[1:]] == [u["unit"] for u in status["units"]]
    for row in sheet[1:]:
        light, want = per_unit[row[0]]
        assert row[1] == light
        for key, name in UNIT_COLUMNS:
            if key != "due_in_period":  # the period is the report's, not status's
                assert row[header[name]] == want.get(key, 0), (row[0], name)
    items = list(book["事项明细"].iter_rows(min_row=2, values_only=True))
    assert len(items) == len(status["items"])
    dues = sorted((i["milestone"], i["unit"], datetime.fromisoformat(i["due"])) for i in status["items"])
    assert sorted((r[0], r[3], r[6]) for r in items) == dues
