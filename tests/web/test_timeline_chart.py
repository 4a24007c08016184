"""The 总览 timeline: one mark per unit × month × state, sized by its count, naming its items."""
from __future__ import annotations

from datetime import date

from bot.web.charts import COLOURS, LISTED, timeline


def test_items_of_one_unit_month_and_state_become_one_mark_that_counts_and_names_them():
    items = [("甲处", date(2024, 6, d), "overdue", f"M{d}") for d in range(1, LISTED + 3)]
    items += [("甲处", date(2024, 6, 30), "done", "M99"), ("乙处", date(2024, 6, 3), "overdue", "M50"),
              ("乙处", date(2024, 7, 1), "later", "M51")]
    chart = timeline(items, date(2024, 1, 1), date(2024, 12, 31), today=date(2024, 6, 20))
    assert len(chart.marks) == 4
    many = next(m for m in chart.marks if m.label.startswith("甲处 2024年6月 逾期"))
    assert f"逾期 {LISTED + 2} 个：M1、M2" in many.label and many.label.endswith("等")
    assert f"M{LISTED + 1}" not in many.label and many.colour == COLOURS["overdue"]
    done = next(m for m in chart.marks if "已完成" in m.label)
    one = next(m for m in chart.marks if m.label.startswith("乙处 2024年6月"))
    assert done.y == many.y != one.y and done.x < many.x, "states side by side within the month (done first)"
    assert many.r > one.r == done.r
    later = next(m for m in chart.marks if "未到期" in m.label)
    assert later.x > one.x and later.label == "乙处 2024年7月 未到期 1 个：M51"
