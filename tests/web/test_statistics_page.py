"""统计: 按期办结率 per unit at every month end and overdue items per unit, as SVG whose <title>
texts and tables under the charts equal build_report for the same dates."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from bot.report.wording import laggard_items, percent
from bot.web.statistics import MONTHS, points, rate_title
from bot.web.stat_charts import OVERALL
from tests.web.test_reports_page import AS_OF, expected, office  # noqa: F401  (the fixture)

LATER = "2024-10-08"  # the seed falls due from June on: five points


def titles(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg)]


def table_rows(html: str, table: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0].split("<tbody>")[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_points_are_month_ends_then_the_day_itself():
    assert points(date(2024, 3, 15), date(2024, 7, 5)) == [
        date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 5)]
    assert points(date(2024, 1, 31), date(2024, 2, 29)) == [date(2024, 1, 31), date(2024, 2, 29)]
    assert points(date(2024, 7, 1), date(2024, 7, 5)) == [date(2024, 7, 5)]


def test_the_rates_chart_and_its_table_equal_the_report_at_each_point(admin, office):
    html = admin.get(f"/statistics?as_of={LATER}").get_data(as_text=True)
    now = expected(office, LATER)
    days = points(min(i.original_due for i in now.items), date.fromisoformat(LATER))
    assert len(days) == 5 and days[0] == date(2024, 6, 30)
    rates = html.split('id="rates"')[1].split("</section>")[0]
    shown = set(titles(rates.split("</svg>")[0]))
    header = rates.split('id="rates-table"')[1].split("</thead>")[0]
    assert re.findall(r"<th>(\d{4}-\d\d-\d\d)</th>", header) == [d.isoformat() for d in days]
    table = table_rows(html, "rates-table")
    marks = 0
    for i, day in enumerate(days):
        report = expected(office, day.isoformat())
        for name, counts in [(OVERALL, report.summary)] + [(r.unit, r.counts) for r in report.units]:
            assert table[name][i] == percent(counts.on_time_rate)
            if counts.on_time_rate is not None:
                assert rate_title(name, day, counts) in shown
                marks += 1
    assert marks == len(shown) and any(r.counts.on_time for r in now.units)


def test_the_overdue_chart_and_its_table_equal_the_report(admin, office):
    html = admin.get(f"/statistics?as_of={AS_OF}").get_data(as_text=True)
    report = expected(office)
    late = {r.unit: r.counts.overdue_open for r in report.units if r.counts.overdue_open}
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    assert sorted(titles(overdue)) == sorted(f"{u} 截至 {AS_OF}：逾期未办结 {n} 项" for u, n in late.items())
    table = table_rows(html, "overdue-table")
    laggards = {lag.unit: laggard_items(lag) for lag in report.laggards}
    assert table == {u: [str(n), laggards[u]] for u, n in late.items()}
    counts = [int(c) for c in re.findall(r"<td>[^<]+</td><td>(\d+)</td>", overdue)]
    assert counts == sorted(counts, reverse=True)


def test_a_long_history_shows_its_last_twelve_months(viewer, office):
    html = viewer.get("/statistics?as_of=2025-09-10").get_data(as_text=True)
    header = html.split('id="rates-table"')[1].split("</thead>")[0]
    days = re.findall(r"<th>(\d{4}-\d\d-\d\d)</th>", header)
    assert len(days) == MONTHS + 1 and days[0] == "2024-09-30" and days[-1] == "2025-09-10"
    assert "只显示最近 12 个月" in html


@pytest.mark.parametrize("value", ["2024-02-30", "昨天"])
def test_a_bad_date_is_refused_next_to_the_field(viewer, office, value):
    answer = viewer.get(f"/statistics?as_of={value}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "<svg" not in html.split("<main>")[1]
    label = html.split('name="as_of"')[1].split("</label>")[0]
    assert 'class="field-error"' in label and "日期应写成" in label


def test_the_default_is_today(viewer, office):
    html = viewer.get("/statistics").get_data(as_text=True)
    assert "截至 2024-06-20" in html and "2024-06-20</th>" in html
