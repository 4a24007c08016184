"""A 督办通报 built by hand, for the renderers' tests: every count differs, so a figure in the wrong
column shows, and the texts carry what a document must survive (formula starts, "&", "<")."""
from __future__ import annotations

from datetime import date, datetime

from bot.report.model import Counts, ItemRow, Laggard, Period, Report, UnitRow

HYPERLINK = '=HYPERLINK("http://x","y")'

SUMMARY = Counts(total=40, due=30, due_in_period=12, on_time=11, extended_done=4, late_done=3,
                 overdue_open=7, open_not_due=10, unacknowledged=5, no_progress=6, pending_review=2,
                 done_not_due=3)
UNITS = (
    UnitRow("综合处", "绿", Counts(total=10, due=8, due_in_period=3, on_time=6, extended_done=1, late_done=1,
                                 overdue_open=0, open_not_due=2, unacknowledged=1, no_progress=0)),
    UnitRow("保护处 & 执法", "红", Counts(total=18, due=14, due_in_period=6, on_time=3, extended_done=2,
                                      late_done=2, overdue_open=6, open_not_due=4, unacknowledged=3,
                                      no_progress=5, pending_review=1, done_not_due=1)),
    UnitRow("各设区市知识产权局<含平潭>", "黄", Counts(total=12, due=8, due_in_period=3, on_time=2,
                                               extended_done=1, late_done=0, overdue_open=1, open_not_due=4,
                                               unacknowledged=1, no_progress=1, pending_review=1)),
    UnitRow("新设处室", "绿", Counts()),  # nothing due: its rate has nothing to divide by
)
LAGGARDS = (
    Laggard("保护处 & 执法", (("M8", 35), ("M12", 9))),
    Laggard("各设区市知识产权局<含平潭>", (("M3", 4),)),
)
ITEMS = (
    ItemRow("M3", 2, "完善知识产权保护体系", "6月底前，出台配套办法", "各设区市知识产权局<含平潭>", "牵头",
            date(2024, 6, 30), date(2024, 7, 1), "已逾期", "逾期", "已完成初稿", 4),
    ItemRow("M8", 5, HYPERLINK, "+SUM(A1:A9) 组织专项行动", "保护处 & 执法", "牵头",
            date(2024, 5, 31), date(2024, 5, 31), "已逾期", "逾期", "@cmd 进展说明", 35),
    ItemRow("M9", None, "\t-1+1 开展培训", "  =1+1", "综合处", "配合",
            date(2024, 6, 15), date(2024, 6, 30), "已办结", "延期办结", "", 0),
    ItemRow("M12", 7, "推进数据共享", "\r=cmd", "保护处 & 执法", "配合",
            date(2024, 6, 26), date(2024, 6, 26), "已逾期", "逾期", "-进展-", 9),
)


def hand_report(**changes) -> Report:
    fields = dict(office="福建省知识产权局办公室", title="督办通报", year=2024, number=3, as_of=date(2024, 7, 5),
                  period=Period("month", date(2024, 7, 1), date(2024, 7, 31)),
                  generated_at=datetime(2024, 7, 5, 9, 0), summary=SUMMARY, units=UNITS, laggards=LAGGARDS,
                  items=ITEMS, documents=("2024年知识产权工作要点",))
    fields.update(changes)
    return Report(**fields)
