"""The process's clock jumps a day back or forward: nothing already sent goes out again."""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.faults.fleet import Tally, delivered_items, seed_due, sent_count, wait_for, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
DAY = 86400
TODAY, TOMORROW = 20, 10
SETTLE_SECONDS = 3.0  # six dispatch rounds at 0.5 s


def test_a_clock_jumping_a_day_back_or_forward_does_not_resend_what_was_sent(engine, pg_url, robot, config_dir,
                                                                            workers, tmp_path, figures):
    now = datetime.now(timezone.utc)
    expected = seed_due(engine, robot, TODAY, send_at=now - timedelta(minutes=1))
    tomorrow = seed_due(engine, robot, TOMORROW, send_at=now + timedelta(days=1) - timedelta(minutes=1), first=TODAY)
    offset = tmp_path / "clock-offset"
    workers.env = worker_env(pg_url, config_dir)
    workers.argv = (sys.executable, "-m", "tests.faults.shifted_clock", str(offset))
    seen: list[tuple[str, int]] = []

    def jump(seconds: int) -> None:
        offset.write_text(str(seconds), encoding="utf-8")

    def settle(step: str) -> None:
        time.sleep(SETTLE_SECONDS)
        seen.append((step, len(robot.received)))

    jump(0)
    workers.start("today")
    wait_for(lambda: sent_count(engine) >= TODAY, timeout=60, what="today's reminders sent")
    settle("今天")
    jump(-DAY)
    settle("运行中拨回一天")
    jump(+DAY)
    settle("运行中拨快一天")
    workers.stop()

    workers.start("tomorrow")  # started a day ahead: its catch-up round finds tomorrow's reminders due
    wait_for(lambda: sent_count(engine) >= TODAY + TOMORROW, timeout=60, what="tomorrow's reminders sent")
    settle("快一天启动")
    jump(-DAY)
    settle("运行中再拨回一天")
    workers.stop()
    workers.start("yesterday")
    settle("慢一天启动")
    jump(0)
    settle("拨回正确时间")
    codes = workers.stop()

    tally = Tally.of(expected | tomorrow, delivered_items(robot.received))
    figures(f"[时钟跳变] {tally.line()}；各步骤后累计请求数 {seen}")
    assert tally.received == TODAY + TOMORROW and tally.duplicates == 0 and tally.lost == 0
    assert [n for _, n in seen] == [TODAY] * 3 + [TODAY + TOMORROW] * 4
    assert set(codes.values()) == {0}
