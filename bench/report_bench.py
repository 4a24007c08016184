"""The 督办通报 for 2,000 tasks × 20 units: built from the store and rendered in every format.

    .venv/bin/python -m bench.report_bench

The list is console_bench's (2,000 tasks, 20 units, three per task); a fifth of the unit items
have answered (签收, a progress report) and a tenth are marked done, so every query of the
build has rows to read. Targets: build + render of one format under 5 s, for each format; the
console's statistics page (统计) with its full history, 12 month ends and the day itself, under
1.5 s (median of a few requests through the WSGI app in-process). Also printed: all formats
from one build.
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from bench.console_bench import TASKS, UNITS, bench_store, logged_in

TARGET_S = 5.0
AS_OF = "2024-07-05"
STATS_TARGET_S, STATS_RUNS = 1.5, 5
STATS_AS_OF = "2025-03-10"  # the list falls due from March 2024 on: 12 month ends, then this day


def answer_some(session, tz) -> int:
    """签收 and 进展 on every fifth unit item, 办结 marks on every tenth, at dates before AS_OF."""
    from sqlalchemy import select

    from bot.answers.flows import ACKNOWLEDGED, IN_PROGRESS
    from bot.store.answer_models import ProgressReport, UnitItem, UnitItemEvent
    from bot.store.models import Milestone, MilestoneUnit

    rows = session.execute(select(MilestoneUnit, Milestone.due).join(Milestone)).all()
    when = datetime(2024, 6, 1, 10, tzinfo=tz)
    for n, (mu, due) in enumerate(rows):
        if n % 10 == 0:
            mu.done_at, mu.done_by, mu.done_note = when + timedelta(days=n % 30), "bench", "已办结"
        elif n % 5 == 0:
            item = UnitItem(milestone_unit_id=mu.id, state=IN_PROGRESS, original_due=due,
                            acknowledged_by="张三", acknowledged_at=when, percent=50, updated_at=when)
            session.add(item)
            session.flush()
            session.add_all([
                UnitItemEvent(unit_item_id=item.id, at=when, old_state="planned", new_state=ACKNOWLEDGED, actor="张三"),
                UnitItemEvent(unit_item_id=item.id, at=when, old_state=ACKNOWLEDGED, new_state=IN_PROGRESS, actor="张三"),
                ProgressReport(unit_item_id=item.id, by_name="张三", text="已完成过半，正在推进", percent=50, at=when)])
    return len(rows)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def statistics_page(runner) -> list[float]:
    """Seconds for each of STATS_RUNS requests of the statistics page as of STATS_AS_OF."""
    client = logged_in(runner, datetime(2025, 3, 10, 1, tzinfo=timezone.utc), role="viewer")
    times = []
    for _ in range(STATS_RUNS):
        answer, seconds = timed(lambda: client.get(f"/statistics?as_of={STATS_AS_OF}"))
        assert answer.status_code == 200, answer.status_code
        assert len(re.findall(r"<th>(\d{4}-\d\d-\d\d)</th>", answer.get_data(as_text=True))) == 13  # the points
        times.append(seconds)
    return times


def main() -> int:
    runner = bench_store("duban-report-bench-")
    from bot.cli.store_options import resolve_as_of, store_session
    from bot.report.build import build_report
    from bot.report.render import FORMATS, render

    with store_session() as (session, settings):
        items = answer_some(session, settings.tz)
    print(f"{TASKS} 项任务、{UNITS} 个单位、{items} 个单位事项（五分之一已签收并报进展，十分之一已办结）")
    failed = False
    with store_session() as (session, settings):
        when = resolve_as_of(AS_OF, settings)
        report, build_s = timed(lambda: build_report(session, settings, when, "month"))
        print(f"构建（统计 {report.summary.total} 项，{len(report.units)} 个单位）：{build_s:.2f} s")
        every = build_s
        for fmt in FORMATS:
            try:
                data, render_s = timed(lambda: render(report, fmt))
            except ImportError as exc:
                print(f"{fmt}: 未安装渲染模块（{exc.name}），跳过")
                continue
            every += render_s
            total = build_s + render_s
            failed |= total >= TARGET_S
            print(f"{fmt}: 渲染 {render_s:.2f} s，{len(data) / 1024:.0f} KB；构建 + 渲染 {total:.2f} s"
                  f"（目标 < {TARGET_S:.0f} s）{'' if total < TARGET_S else '  未达标'}")
        print(f"构建一次并渲染全部格式（{'、'.join(FORMATS)}）：{every:.2f} s")
    times = statistics_page(runner)
    median = statistics.median(times)
    failed |= median >= STATS_TARGET_S
    print(f"统计页（截至 {STATS_AS_OF}：12 个月末 + 当日）：{STATS_RUNS} 次，中位数 {median:.2f} s，最大 {max(times):.2f} s"
          f"（目标 < {STATS_TARGET_S} s）{'' if median < STATS_TARGET_S else '  未达标'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
