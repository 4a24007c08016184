"""What the office sees of the units' answers: 未签收 per unit and the 审核 queue on 总览."""
from __future__ import annotations

import re


from bot.plan.lookup import live_milestones
from tests.web.conftest import admin  # noqa: F401 (fixture)
from tests.web.test_answers import paths, post, session_of
from tests.web.test_approvals import PROTECTION


def unacknowledged_on_dashboard(admin, unit: str) -> int:
    page = admin.get("/").get_data(as_text=True)
    row = re.search(rf"<td>{re.escape(unit)}</td>.*?<td class=\"unacknowledged\">(\d+)</td>", page, re.S)
    return int(row.group(1))


def queue_on_dashboard(admin) -> tuple[str, int]:
    page = admin.get("/").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">审核队列：(\d+) 件待处理</a>', page)
    return link.group(1), int(link.group(2))


def open_items(app, unit: str) -> int:
    with session_of(app) as db:
        return sum(1 for m in live_milestones(db) for mu in m.units
                   if mu.unit.name == unit and mu.removed_at is None and mu.done_at is None)


def test_the_dashboard_counts_each_units_items_nobody_acknowledged(app, admin, clock):
    before = open_items(app, PROTECTION)
    assert before > 1 and unacknowledged_on_dashboard(admin, PROTECTION) == before
    post(app.test_client(), paths(app, clock, PROTECTION, 13)["ack"], name="张三")
    assert unacknowledged_on_dashboard(admin, PROTECTION) == before - 1


def test_the_dashboard_links_the_review_queue_with_its_size(app, admin, clock):
    assert queue_on_dashboard(admin) == ("/approvals", 0)
    post(app.test_client(), paths(app, clock, PROTECTION, 13)["done"], name="张三", note="已完成")
    href, count = queue_on_dashboard(admin)
    assert count == 1 and 'id="request-' in admin.get(href).get_data(as_text=True)
