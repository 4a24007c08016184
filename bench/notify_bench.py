"""Channel benchmark: WeCom sends per second to a loopback robot, and the throttle's ceiling.

Run: .venv/bin/python -m bench.notify_bench
Targets: the channel alone well above the issue's 500 messages/s end to end (the
dispatcher adds the outbox on top); with throttling on (the database's robot budgets,
on a SQLite file, as `send-test` and the workers use them), no robot ever receives more
than 20 messages in any 60 s window. The throttled run uses a simulated clock (real
time would need 4 minutes per 100 messages); the robot stamps arrivals on that clock.
"""
from __future__ import annotations

import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from bot.notify import NoLimit, ReminderItem, channel_for, render_digest
from tests.support.loopback import LoopbackRobot, SleepClock, most_in_window
from bot.store import open_store
from jobs.throttle import RobotBudgets, SendGate

TARGET_RATE = 500
MESSAGES = 5_000
THROTTLED_MESSAGES = 600
ROBOTS = 3
KEYS = [f"{n:08x}-0000-4000-8000-00000000bench"[:36] for n in range(1, ROBOTS + 1)]
DONE = "python -m bot done {milestone} --unit {unit}"


def sample_message(items: int = 3):
    rows = [
        ReminderItem("知识产权运用促进处", n, "梳理盘活高校和科研机构存量专利", "组织省内国家知识产权试点示范高校完成存量专利盘点入库",
                     date(2024, 6, 30), 7 - n, "2024年福建省推动知识产权高质量发展任务清单", f"M{n}")
        for n in range(1, items + 1)
    ]
    return render_digest("知识产权运用促进处", rows, date(2024, 6, 23), DONE)


def unthrottled_rate() -> tuple[float, int]:
    message = sample_message()
    with LoopbackRobot() as robot:
        channel = channel_for("wecom", KEYS[0], base_url=robot.url, limiter=NoLimit())
        channel.send(message)  # warm up the connection
        start = time.perf_counter()
        for _ in range(MESSAGES):
            assert channel.send(message).ok
        elapsed = time.perf_counter() - start
        received = len(robot.received) - 1
    return MESSAGES / elapsed, received


def render_rate(seconds: float = 1.0) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        sample_message(100)
        done += 1
    return done / (time.perf_counter() - start)


def throttled_ceiling() -> tuple[dict[str, int], float, int]:
    """Two units per robot over three robots, markdown + @text each, every message through its own gate."""
    clock = SleepClock()
    message = sample_message()
    with tempfile.TemporaryDirectory() as folder, LoopbackRobot(clock=clock) as robot:
        budgets = RobotBudgets(open_store(f"sqlite:///{Path(folder) / 'budgets.sqlite3'}"), 20, 60.0, epoch=clock)
        for n in range(THROTTLED_MESSAGES // 2):
            gate = SendGate(budgets, float("inf"), 10.0, threading.Event())
            channel = channel_for("wecom", KEYS[n % ROBOTS], base_url=robot.url, limiter=gate, sleep=clock.sleep,
                                  mentions=["13800000001"])
            assert channel.send(message).ok
            gate.close()
        arrivals: dict[str, list[float]] = {}
        for request in robot.received:
            arrivals.setdefault(request.query["key"][:8], []).append(request.at)
    return {key: most_in_window(times, 60.0) for key, times in arrivals.items()}, clock.now, len(robot.received)


def main() -> None:
    rate, received = unthrottled_rate()
    print(f"WeCom channel, throttling off: {MESSAGES} digests → loopback robot: {rate:,.0f} messages/s "
          f"({received} received; target ≥ {TARGET_RATE}/s end to end) {'OK' if rate >= TARGET_RATE else 'BELOW TARGET'}")
    print(f"render_digest of 100 items: {render_rate():,.0f} digests/s")
    ceilings, simulated, total = throttled_ceiling()
    worst = max(ceilings.values())
    print(f"WeCom channel, throttling on: {total} messages to {ROBOTS} robots over {simulated / 60:.1f} simulated minutes; "
          f"most in any 60 s window per robot: {ceilings} (target ≤ 20) {'OK' if worst <= 20 else 'OVER LIMIT'}")


if __name__ == "__main__":
    main()
