"""Three `bot run` processes on one PostgreSQL database share the outbox: each reminder goes out once."""
from __future__ import annotations

import time

import pytest

from tests.faults.fleet import Tally, delivered_items, seed_due, sent_count, shares, wait_for, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
REMINDERS = 3000


def test_three_workers_send_3000_due_reminders_exactly_once_and_share_the_work(engine, pg_url, robot, config_dir,
                                                                                workers, figures):
    expected = seed_due(engine, robot, REMINDERS)
    workers.env = worker_env(pg_url, config_dir)
    started = time.monotonic()
    for name in ("w1", "w2", "w3"):
        workers.start(name)

    took = wait_for(lambda: sent_count(engine) >= REMINDERS, timeout=240, what="all messages sent")
    time.sleep(1.0)  # anything sent twice would arrive now
    codes = workers.stop()

    tally = Tally.of(expected, delivered_items(robot.received))
    per_worker = shares(engine)
    figures(f"[scale-out] {tally.line()}；HTTP 请求 {len(robot.received)}；用时 {took:.1f} 秒"
          f"（{REMINDERS / took:.0f} 条/秒，含启动 {time.monotonic() - started:.1f} 秒）；各进程份额 {per_worker}")
    assert tally.received == REMINDERS and tally.duplicates == 0 and tally.lost == 0
    assert len(robot.received) == REMINDERS
    assert set(per_worker) == {"w1", "w2", "w3"} and all(n > 0 for n in per_worker.values())
    assert sum(per_worker.values()) == REMINDERS
    assert codes == {"w1": 0, "w2": 0, "w3": 0}, {n: workers.log(n)[-2000:] for n in codes}
