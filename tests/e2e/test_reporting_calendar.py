"""A reporting calendar (报送进展周期) in a real browser: one unit reports June through its period's
link, another misses it; the unit page counts the missed period and the admin's task page shows
each unit's periods (docs/units.md and docs/console.md show these screenshots)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.answers.links import page_link
from bot.store import session_scope
from bot.store.models import Document
from tests.answers.test_reporting_calendar import BASE, BAOHU, JUNE, RUNS, office, robot  # noqa: F401 (fixtures)
from tests.e2e.test_unit_answers import log_in
from tests.jobs.conftest import local


@pytest.fixture
def console_clock(office):
    """The console reads the office's simulated clock, so it sees the replayed days."""
    return office.clock.now


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def test_a_period_link_reports_that_period_the_unit_page_and_the_admin_see_who_missed_it(office, console, page,
                                                                                          shot):
    office.replay("2024-06-20", "2024-06-21")
    june = office.period_links(RUNS)[JUNE]  # the 反馈进展 link of June's reminder to 运用处

    office.clock.set(local("2024-06-24", 15))
    page.goto(console + june)
    shown = text_of(page)
    assert f"反馈进展：{RUNS}" in shown and "截至 2024-06-25 的一期（2024-05-26 起）" in shown
    page.fill("[name=name]", "王五")
    page.fill("[name=text]", "6月完成专利转化项目12项，走访企业30家")
    page.fill("[name=percent]", "40")
    shot(page, "07-报送进展周期链接")
    page.click("button:has-text('提交反馈进展')")
    assert "进展已报送" in text_of(page)

    office.replay("2024-06-24", "2024-07-10")
    office.clock.set(local("2024-07-10", 10))
    with session_scope(office.engine) as s:
        unit_id = office.unit_id(s, BAOHU)
        baohu_page = page_link(s, unit_id, base_url=BASE, now=office.clock.now()).removeprefix(BASE)
        doc_id = s.scalars(select(Document)).one().id
    page.goto(console + baohu_page)
    shown = text_of(page)
    assert BAOHU in shown and "未报 1 期：2024-06-25" in shown
    shot(page, "08-未报进展")

    log_in(page, console)
    page.goto(f"{console}/documents/{doc_id}/tasks/1/reporting")
    header = page.locator("section:has-text('各单位报送情况') thead th").all_inner_texts()
    assert header[:3] == ["单位", "2024-06-25", "2024-07-25"], header
    rows = {r.locator("td").first.inner_text(): r.locator("td").all_inner_texts()[1:]
            for r in page.locator("section:has-text('各单位报送情况') tbody tr").all()}
    assert rows[RUNS][:2] == ["已报", "待报"] and rows[BAOHU][:2] == ["未报", "待报"], rows
    assert "每月25日前" in text_of(page)
    shot(page, "09-报送进展周期设置")
