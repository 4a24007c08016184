"""A private store with units, robots on loopback and reminders, for the dispatcher and run-loop tests."""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.config.settings import LeadTimes, Settings
from tests.support.loopback import LoopbackRobot
from bot.plan.replan import plan_context, replan
from bot.store import open_store, session_scope
from bot.store.models import (
    ADMIN,
    Contact,
    Document,
    Milestone,
    MilestoneUnit,
    Reminder,
    Task,
    Unit,
)
from jobs.clock import SimulatedClock
from jobs.policy import DeliveryPolicy
from jobs.worker import Worker

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST = DeliveryPolicy(retry_base_seconds=30, lease_seconds=30, robot_per_minute=1000, robot_window_seconds=1,
                      send_timeout_seconds=2)


def local(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


@pytest.fixture
def store_env(store_config, db_url):
    return db_url


@pytest.fixture
def engine(store_env):
    return open_store(store_env)


@pytest.fixture
def robot():
    with LoopbackRobot() as server:
        yield server


@dataclass
class Office:
    """Builds what the dispatcher reads: units with robot contacts, milestones, reminders."""

    engine: object
    robot: LoopbackRobot
    settings: Settings = field(default_factory=lambda: Settings(lead_times=LeadTimes(default=(7, 3, 1, 0))))
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))
    _task: int | None = None

    def key(self, unit: str) -> str:
        return "key-" + hashlib.sha1(unit.encode()).hexdigest()[:16]

    def url(self, unit: str) -> str:
        return f"{self.robot.url}/cgi-bin/webhook/send?key={self.key(unit)}"

    def unit(self, name: str, robot: bool = True, kind: str = "unit") -> int:
        with session_scope(self.engine) as s:
            unit = Unit(name=name, kind=kind, aliases=[], groups=[])
            s.add(unit)
            s.flush()
            if robot:
                s.add(Contact(unit_id=unit.id, kind="wecom", target=self.url(name), mentions=[]))
            return unit.id

    def admin(self) -> int:
        return self.unit("督办管理员", kind=ADMIN)

    def milestone(self, title: str, due: date, units: list[int], planned_from: date | None = None) -> int:
        with session_scope(self.engine) as s:
            if self._task is None:
                doc = Document(key=f"2024:test{id(self)}", title="测试任务清单", year=2024, sha256="0" * 64)
                s.add(doc)
                s.flush()
                self._doc = doc.id
            task = Task(document_id=self._doc, key=f"n{next(self._keys)}", no=next(self._keys), title=title)
            s.add(task)
            s.flush()
            self._task = task.id
            m = Milestone(task_id=task.id, key=f"a{task.id}", expr="6月底前", due=due, kind="once",
                          action=f"完成{title}", planned_from=planned_from or due - timedelta(days=60))
            s.add(m)
            s.flush()
            for pos, uid in enumerate(units):
                s.add(MilestoneUnit(milestone_id=m.id, unit_id=uid, position=pos))
            return m.id

    def plan(self, as_of: datetime) -> None:
        """The real planner's reminders for every milestone, as if imported at `as_of`."""
        with session_scope(self.engine) as s:
            rows = list(s.scalars(select(Milestone)))
            replan(s, rows, plan_context(s, self.settings, as_of), "测试导入")

    def reminder(self, milestone: int, unit: int, send_at: datetime, hours_valid: float = 24) -> int:
        with session_scope(self.engine) as s:
            m = s.get(Milestone, milestone)
            rem = Reminder(milestone_id=milestone, unit_id=unit, kind="lead", lead_days=(m.due - send_at.date()).days,
                           due=m.due, send_on=send_at.astimezone(SHANGHAI).date(), send_at=send_at,
                           not_after=send_at + timedelta(hours=hours_valid))
            s.add(rem)
            s.flush()
            return rem.id

    def worker(self, clock=None, policy: DeliveryPolicy = FAST, **options) -> Worker:
        return Worker(self.engine, self.settings, clock, "test-worker", policy=policy, **options)

    def received_by(self, unit: str) -> list:
        return [r for r in self.robot.received if r.query.get("key") == self.key(unit)]


@pytest.fixture
def office(engine, robot) -> Office:
    return Office(engine, robot)


@pytest.fixture
def clock():
    return SimulatedClock(datetime(2024, 6, 1, tzinfo=timezone.utc))


def markdown_of(received) -> str:
    return received.body["markdown"]["content"] if received.body.get("msgtype") == "markdown" else ""
