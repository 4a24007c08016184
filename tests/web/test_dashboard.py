"""总览 shows the figures of `status` for the same instant, and documents' text only as text."""
from __future__ import annotations

import json
import re

from tests.web.conftest import ADMIN_PASSWORD, log_in


def test_the_dashboard_shows_each_units_light_and_counts_as_status_does(admin, cli_run):
    status = json.loads(cli_run("status", "--as-of", "2024-06-20T09:00:00+08:00", "--format", "json").output)
    page = admin.get("/").get_data(as_text=True)
    for unit in status["units"]:
        row = re.search(rf"<tr class=\"light-(\w+)\">\s*<td>.*?</td>\s*<td>{re.escape(unit['unit'])}</td>"
                        rf"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", page, re.S)
        assert row, unit["unit"]
        light = {"red": "红", "yellow": "黄", "green": "绿"}[row.group(1)]
        assert light == unit["light"]
        assert [int(x) for x in row.groups()[1:]] == [unit["total"], unit["done"], unit["due_soon"], unit["overdue"]]


def test_the_next_fourteen_days_and_the_timeline_are_drawn(admin):
    page = admin.get("/").get_data(as_text=True)
    assert "未来 14 天的提醒" in page and "2024-06-2" in page
    assert page.count("<circle") > 10 and "<svg" in page


def test_the_audit_page_lists_logins(admin):
    assert "登录" in admin.get("/audit").get_data(as_text=True)


def test_markup_from_a_document_renders_as_text(app, cli_run, tmp_path):
    hostile = tmp_path / "x.md"
    hostile.write_text("# 2024年<script>alert(1)</script>工作要点\n\n"
                       "1. <script>alert(2)</script>推进。6月底前完成。\n责任单位：<img src=x onerror=alert(3)>\n",
                       encoding="utf-8")
    cli_run("import", str(hostile), "--as-of", "2024-06-20")
    client = app.test_client()
    log_in(client, "admin", ADMIN_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img" in page
