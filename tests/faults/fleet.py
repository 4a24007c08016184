"""What the fault tests share: an office with reminders due, `bot run` workers as processes, and counting.

Workers are real `python -m bot run` processes on one PostgreSQL schema; the robots are one
loopback server in the test process. Every reminder's milestone is its own, so a digest
item (robot key, 节点编号) names exactly one reminder: counting items counts deliveries.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from tests.support.loopback import LoopbackRobot
from bot.store import session_scope
from bot.store.models import (
    ADMIN,
    SENT,
    Contact,
    Delivery,
    Document,
    Message,
    Milestone,
    MilestoneUnit,
    Reminder,
    Task,
    Unit,
)

ROOT = Path(__file__).resolve().parents[2]
ITEM = re.compile(r"节点编号：M(\d+)")


def robot_key(n: int) -> str:
    return f"robotkey-{n:06d}"


def seed_due(engine, robot: LoopbackRobot, reminders: int, robots: int | None = None,
             send_at: datetime | None = None, first: int = 0) -> set[tuple[str, int]]:
    """`reminders` units, each with one reminder due at `send_at` (default: a minute ago, real time).

    Units share `robots` robot keys round-robin (default: one robot each); `first` numbers
    the units of a further call. Returns the expected deliveries as (robot key, milestone id).
    """
    robots = robots or reminders
    send_at = send_at or datetime.now(timezone.utc) - timedelta(minutes=1)
    due = send_at.date() + timedelta(days=5)
    with session_scope(engine) as s:
        if first == 0:
            s.add(Unit(name="督办管理员", kind=ADMIN, aliases=[], groups=[]))
        doc = Document(key=f"2026:faults:{first}", title="故障测试任务清单", year=due.year, sha256="0" * 64)
        s.add(doc)
        s.flush()
        units = [Unit(name=f"处室{n:05d}", aliases=[], groups=[]) for n in range(first, first + reminders)]
        tasks = [Task(document_id=doc.id, key=f"n{n}", no=n + 1, title=f"重点任务{n}") for n in range(reminders)]
        s.add_all(units + tasks)
        s.flush()
        milestones = [Milestone(task_id=t.id, key="a", expr="月底前", due=due, kind="once", action=f"完成{t.title}",
                                planned_from=due - timedelta(days=60)) for t in tasks]
        s.add_all(milestones)
        s.flush()
        expected = set()
        rows = []
        for n, (unit, m) in enumerate(zip(units, milestones), first):
            key = robot_key(n % robots)
            rows.append(Contact(unit_id=unit.id, kind="wecom", target=f"{robot.url}/cgi-bin/webhook/send?key={key}",
                                mentions=[]))
            rows.append(MilestoneUnit(milestone_id=m.id, unit_id=unit.id, position=0))
            rows.append(Reminder(milestone_id=m.id, unit_id=unit.id, kind="lead", lead_days=5, due=due,
                                 send_on=send_at.date(), send_at=send_at, not_after=send_at + timedelta(days=1)))
            expected.add((key, m.id))
        s.add_all(rows)
    return expected


def delivered_items(requests) -> Counter:
    """(robot key, milestone id) → how many of `requests` (accepted ones) carried it in a digest."""
    out: Counter = Counter()
    for r in requests:
        body = r.body or {}
        text = (body.get("markdown") or {}).get("content", "")
        out.update((r.query.get("key"), int(m)) for m in ITEM.findall(text))
    return out


@dataclass
class Tally:
    """The figures a fault test reports: expected, received (distinct), duplicates, lost."""

    expected: int
    received: int
    duplicates: int
    lost: int

    @classmethod
    def of(cls, expected: set, counts: Counter) -> "Tally":
        return cls(len(expected), len(set(counts) & expected), sum(n - 1 for n in counts.values() if n > 1),
                   len(expected - set(counts)))

    def line(self) -> str:
        return f"期望 {self.expected}，收到 {self.received}，重复 {self.duplicates}，丢失 {self.lost}"


def wait_for(condition, timeout: float, poll: float = 0.2, what: str = "condition") -> float:
    """Seconds it took `condition()` to hold; AssertionError after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not met within {timeout:.0f} s")
        time.sleep(poll)
    return time.monotonic() - started


def sent_count(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Message).where(Message.status == SENT))


def shares(engine) -> dict[str, int]:
    """Successful deliveries per worker id."""
    with session_scope(engine) as s:
        rows = s.execute(select(Delivery.worker, func.count()).where(Delivery.status == SENT).group_by(Delivery.worker))
        return dict(rows.all())



@dataclass
class Workers:
    """`python -m bot run` processes with their logs in files (a pipe would fill and block them)."""

    env: dict
    logs: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    argv: tuple[str, ...] = (sys.executable, "-m", "bot")

    def start(self, name: str, *extra: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a", encoding="utf-8")
        proc = subprocess.Popen([*self.argv, "run", "--worker-id", name, *extra], cwd=ROOT, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, text=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8")

    def alive(self) -> list[str]:
        return [n for n, p in self.procs.items() if p.poll() is None]

    def kill9(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(timeout=10)

    def stop(self) -> dict[str, int]:
        """SIGTERM all, wait for the clean exit; their return codes."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = proc.wait()
        return codes


def worker_env(url: str, config: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(DUBAN_DATABASE_URL=url, DUBAN_CONFIG_DIR=str(config),
               PYTHONUNBUFFERED="1", DUBAN_DISPATCH_SECONDS="0.5", **extra)
    return env
