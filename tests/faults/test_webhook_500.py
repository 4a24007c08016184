"""The robot answers HTTP 500 for over a minute, then recovers: all delivered after, with backoff, within 20/min."""
from __future__ import annotations

import threading
import time
from collections import defaultdict

import pytest

from tests.support.loopback import Reply, most_in_window
from tests.faults.fleet import Tally, delivered_items, seed_due, sent_count, wait_for, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ROBOTS = 2
PER_ROBOT = 20  # a full minute's budget each
FAIL_SECONDS = 75  # first attempts (t≈0) and their first retries (t≈60 s) both meet the 500s
ROBOT_LIMIT, WINDOW = 20, 60.0
RETRY_AFTER_5XX = 60.0  # what the WeCom channel asks after an HTTP 5xx (bot.notify.robot.SERVER_RETRY_AFTER)


class FailingRobot:
    """Answers 500 from the first request for FAIL_SECONDS, then success; remembers what it refused."""

    def __init__(self):
        self.first: float | None = None
        self.refused: set[int] = set()
        self._lock = threading.Lock()

    def __call__(self, received):
        with self._lock:
            self.first = self.first or received.at
            if received.at - self.first < FAIL_SECONDS:
                self.refused.add(id(received))
                return Reply(status=500, body={"errcode": -1, "errmsg": "internal error"})
        return None


def test_a_robot_failing_with_500_for_over_a_minute_gets_everything_after_with_backoff_inside_its_limit(
        engine, pg_url, robot, config_dir, workers, figures):
    expected = seed_due(engine, robot, ROBOTS * PER_ROBOT, robots=ROBOTS)
    failing = FailingRobot()
    robot.responder = failing
    workers.env = worker_env(pg_url, config_dir)
    for name in ("w1", "w2", "w3"):
        workers.start(name)

    wait_for(lambda: sent_count(engine) >= len(expected), timeout=300, poll=0.5, what="all delivered after recovery")
    time.sleep(1.0)
    workers.stop()

    requests = robot.received
    accepted = [r for r in requests if id(r) not in failing.refused]
    tally = Tally.of(expected, delivered_items(accepted))
    by_robot, by_message = defaultdict(list), defaultdict(list)
    for r in requests:
        by_robot[r.query["key"]].append(r.at)
        by_message[(r.query["key"], r.raw)].append(r.at)
    busiest = {key: most_in_window(times, WINDOW, closed=True) for key, times in by_robot.items()}
    gaps = [b - a for times in by_message.values() for a, b in zip(sorted(times), sorted(times)[1:])]
    recovered_at = failing.first + FAIL_SECONDS
    last = max(r.at for r in accepted)
    figures(f"[Webhook 500] {tally.line()}；500 应答 {len(failing.refused)} 次，持续 {FAIL_SECONDS} 秒；"
          f"恢复后 {last - recovered_at:.1f} 秒全部送达；每个机器人任意 60 秒内最多 {busiest} 条；"
          f"同一消息两次尝试最短间隔 {min(gaps):.1f} 秒；每条消息尝试次数 {sorted({len(t) for t in by_message.values()})}")
    assert tally.received == len(expected) and tally.lost == 0 and tally.duplicates == 0
    assert len(accepted) == len(expected)
    assert all(n <= ROBOT_LIMIT for n in busiest.values()), busiest
    assert min(gaps) >= RETRY_AFTER_5XX
    assert max(len(t) for t in by_message.values()) >= 3  # failed twice: the backoff really repeated
    assert min(r.at for r in accepted) >= recovered_at
