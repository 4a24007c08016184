"""Delivery benchmark: due reminders → digests → a loopback WeCom server, with the outbox in SQLite.

    .venv/bin/python -m bench.delivery_bench [--reminders 5000]

1. Throttling off: N due reminders for N units (one robot per 20 units), one worker,
   end to end (digest build + claim + send + record): target ≥ 500 messages/s.
2. Throttling on, with the robots' 60 s window shortened to 2 s (limit unchanged: 20 per
   window) so the run takes seconds: 1,000 messages to 20 robots (50 each); the loopback
   server's arrival times must show no robot with more than 20 in any 2 s window.
"""
from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, select

from bot.config.settings import Settings
from tests.support.loopback import LoopbackRobot, most_in_window
from bot.store import close_stores, open_store, session_scope
from bot.store.models import Contact, Document, Milestone, MilestoneUnit, Reminder, Task, Unit
from jobs.policy import DeliveryPolicy
from jobs.worker import Worker

TARGET_PER_SECOND = 500
ROBOT_LIMIT, SHORT_WINDOW = 20, 2.0


def seed(engine, robot: LoopbackRobot, reminders: int, units_per_robot: int) -> None:
    """`reminders` units, each with one reminder due a minute ago, sharing robots `units_per_robot` at a time."""
    now = datetime.now(timezone.utc)
    with session_scope(engine) as s:
        doc = Document(key="2024:bench", title="基准测试任务清单", year=2024, sha256="0" * 64)
        s.add(doc)
        s.flush()
        task = Task(document_id=doc.id, key="n1", no=1, title="基准测试任务")
        s.add(task)
        s.flush()
        milestone = Milestone(task_id=task.id, key="a1", expr="年底前", due=date(2024, 12, 31), kind="once",
                              action="完成基准测试", planned_from=date(2024, 1, 1))
        s.add(milestone)
        s.flush()
        s.execute(insert(Unit), [dict(name=f"基准单位{n:05d}", kind="unit", aliases=[], groups=[])
                                 for n in range(reminders)])
        ids = s.scalars(select(Unit.id).order_by(Unit.id)).all()
        s.execute(insert(Contact), [dict(unit_id=uid, kind="wecom", mentions=[],
                                         target=f"{robot.url}/cgi-bin/webhook/send?key=bench-robot-{n // units_per_robot:04d}")
                                    for n, uid in enumerate(ids)])
        s.execute(insert(MilestoneUnit), [dict(milestone_id=milestone.id, unit_id=uid, position=0) for uid in ids])
        s.execute(insert(Reminder), [dict(milestone_id=milestone.id, unit_id=uid, kind="lead", lead_days=3,
                                          due=date(2024, 12, 31), send_on=now.date(), send_at=now - timedelta(minutes=1),
                                          not_after=now + timedelta(days=1), status="planned") for uid in ids])



def unthrottled(folder: Path, reminders: int) -> tuple[float, float, int]:
    with LoopbackRobot() as robot:
        engine = open_store(f"sqlite:///{folder / 'fast.sqlite3'}")
        seed(engine, robot, reminders, units_per_robot=20)
        worker = Worker(engine, Settings(), worker_id="bench", throttle=False, policy=DeliveryPolicy(batch_size=50))
        started = time.perf_counter()
        built = worker.build_digests()
        digest_done = time.perf_counter()
        sent = worker.dispatch().sent
        total = time.perf_counter() - started
        assert built.messages == reminders and sent == reminders == len(robot.received), (built, sent)
        return total, digest_done - started, sent


def throttled(folder: Path, robots: int, per_robot: int) -> tuple[float, int, int]:
    with LoopbackRobot() as robot:
        engine = open_store(f"sqlite:///{folder / 'throttled.sqlite3'}")
        seed(engine, robot, robots * per_robot, units_per_robot=per_robot)
        policy = DeliveryPolicy(robot_per_minute=ROBOT_LIMIT, robot_window_seconds=SHORT_WINDOW,
                                max_throttle_wait_seconds=0.5)
        worker = Worker(engine, Settings(), worker_id="bench-throttled", policy=policy)
        started = time.perf_counter()
        worker.build_digests()
        sent = 0
        while sent < robots * per_robot:
            sent += worker.dispatch().sent
            time.sleep(0.05)
        total = time.perf_counter() - started
        by_robot: dict[str, list[float]] = {}
        for r in robot.received:
            by_robot.setdefault(r.query["key"], []).append(r.at)
        return total, sent, max(most_in_window(t, SHORT_WINDOW) for t in by_robot.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=5000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total, digest, sent = unthrottled(folder, args.reminders)
        rate = sent / total
        print(f"限流关闭：{sent} 条提醒 → {sent} 条消息，用时 {total:.2f} 秒（其中生成汇总 {digest:.2f} 秒）"
              f"，端到端 {rate:.0f} 条/秒（目标 ≥ {TARGET_PER_SECOND}）{'✓' if rate >= TARGET_PER_SECOND else '✗'}")
        close_stores()
        total, sent, worst = throttled(folder, robots=20, per_robot=50)
        print(f"限流开启（窗口缩短为 {SHORT_WINDOW:g} 秒，每窗口 {ROBOT_LIMIT} 条）：20 个机器人共 {sent} 条，"
              f"用时 {total:.1f} 秒；任一机器人在任一 {SHORT_WINDOW:g} 秒窗口内最多收到 {worst} 条"
              f"（上限 {ROBOT_LIMIT}）{'✓' if worst <= ROBOT_LIMIT else '✗'}")
        close_stores()


if __name__ == "__main__":
    main()
