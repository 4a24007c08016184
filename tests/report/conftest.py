"""The seed imported as of 2024-06-20, then answered through the units' flows at 2024 dates.

M8 (6月底前, 12 units) is the one milestone due by 2024-07-05; its units end up in every
state a 通报 counts. The answers carry their own times, so `as_of` can be put before or after
each of them.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answers import flows
from bot.config.settings import load_settings
from bot.plan.lookup import find_milestone
from bot.store import open_store, session_scope
from tests.web.conftest import cli_run  # noqa: F401 (fixture)

TZ = ZoneInfo("Asia/Shanghai")
MILESTONE = 8


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), TZ).replace(hour=hour)


@contextmanager
def store():
    settings = load_settings()
    with session_scope(open_store(settings.database_url)) as session:
        yield session, settings


def unit_of(session, position: int):
    return find_milestone(session, f"M{MILESTONE}").units[position]


def approve(session, settings, request, day: str, hour: int = 15) -> None:
    session.flush()  # the request's item is read through its relationship
    session.refresh(request)
    flows.decide(session, request, flows.APPROVED, "", "admin", settings, at(day, hour))


@pytest.fixture
def answered(cli_run, seed_path):  # noqa: F811
    """{role: unit name} of M8's units after the answers below (the CLI's done mark included)."""
    cli_run("import", str(seed_path), "--as-of", "2024-06-20")
    roles = {}
    with store() as (s, settings):
        units = [unit_of(s, i) for i in range(12)]
        names = [mu.unit.name for mu in units]
        on_time, extended_done, late_done, extended_open, pending, progress, acked, after, _cli = units[:9]
        approve(s, settings, flows.submit_done(s, on_time, "张三", "已报送", None, at("2024-06-25"), settings), "2024-06-26")
        ext = flows.request_extension(s, extended_done, "李四", date(2024, 7, 3), "等待数据", at("2024-06-21"),
                                      date(2024, 6, 21))
        approve(s, settings, ext, "2024-06-22")
        approve(s, settings, flows.submit_done(s, extended_done, "李四", "已报送", None, at("2024-07-01"), settings), "2024-07-02")
        approve(s, settings, flows.submit_done(s, late_done, "王五", "补报", None, at("2024-07-02"), settings), "2024-07-03")
        approve(s, settings, flows.request_extension(s, extended_open, "赵六", date(2024, 7, 20), "需协调",
                                                     at("2024-06-27"), date(2024, 6, 27)), "2024-06-28")
        flows.submit_done(s, pending, "钱七", "已完成", None, at("2024-07-01"), settings)
        flows.acknowledge(s, progress, "孙八", at("2024-06-21"))
        flows.report_progress(s, progress, "孙八", "已完成初稿，正在征求意见", 60, None, at("2024-06-28"))
        flows.acknowledge(s, acked, "周九", at("2024-06-22"))
        approve(s, settings, flows.submit_done(s, after, "吴十", "迟报", None, at("2024-07-08"), settings), "2024-07-10")
        roles = dict(zip(("on_time", "extended_done", "late_done", "extended_open", "pending", "progress", "acked",
                          "after", "cli"), names))
    cli_run("done", f"M{MILESTONE}", "--unit", roles["cli"], "--as-of", "2024-06-29")
    return roles
