"""Per-robot send budgets shared by every worker process, kept in the robot_budgets table.

A WeCom or DingTalk robot takes 20 messages a minute, whichever process sends them. The
budget row of a robot (keyed by `limiter_key`, a hash: no secret is stored) lists the
start times of its latest `limit` sends. Booking a slot locks that row (`SELECT … FOR
UPDATE` on PostgreSQL; on SQLite a single process runs, so a thread lock suffices),
takes the next start that keeps every `window` at most `limit` sends, and commits. After
the send the slot is moved to the moment the request finished, which is no earlier than
the moment the robot saw it: so a slow request can never squeeze 21 into the robot's
window. Slots use real (wall) time even during a replay: the robot counts real seconds.

A `SendGate` is what one message's send uses as its channel's limiter and sleep: the
first part of a message whose robot has no slot soon raises `Throttled` (the dispatcher
gives the message back to the queue, no attempt counted); later parts wait, because
their earlier parts were already delivered.
"""
from __future__ import annotations

import math
import threading
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store import session_scope
from bot.store.models import RobotBudget
from jobs.clock import RealClock


class Throttled(Exception):
    """The robot has no free slot for `wait` seconds: give the message back instead of waiting."""

    def __init__(self, wait: float):
        super().__init__(f"机器人发送额度已用完，{wait:.0f} 秒后再发")
        self.wait = wait


class Stopping(Exception):
    """The worker was asked to stop while a send waited for its robot's budget."""


class RobotBudgets:
    def __init__(self, engine: Engine, limit: int = 20, window: float = 60.0,
                 epoch: Callable[[], float] = RealClock.epoch):
        self.engine, self.limit, self.window, self.epoch = engine, limit, window, epoch
        self._lock = threading.Lock()

    def _row(self, session: Session, key: str) -> RobotBudget:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(RobotBudget).values(robot_key=key, slots=[]).on_conflict_do_nothing())
        return session.get(RobotBudget, key, with_for_update=True, populate_existing=True)

    def reserve(self, key: str, max_wait: float = math.inf) -> tuple[float, float | None]:
        """(seconds to wait, booked slot); the slot is None, and nothing booked, when the wait exceeds max_wait."""
        with self._lock, session_scope(self.engine) as session:
            row = self._row(session, key)
            slots = sorted(row.slots)[-self.limit:]
            now = self.epoch()
            start = now if len(slots) < self.limit else max(now, slots[0] + self.window)
            if start - now > max_wait:
                return start - now, None
            row.slots = (slots + [start])[-self.limit:]
            return start - now, start

    def settle(self, key: str, slot: float, finished: float) -> None:
        """Move a booked slot to when its request finished."""
        with self._lock, session_scope(self.engine) as session:
            row = self._row(session, key)
            slots = list(row.slots)
            if slot in slots:
                slots[slots.index(slot)] = max(slot, finished)
                row.slots = sorted(slots)

    def usage(self, key: str) -> list[float]:
        """The recorded slots of a robot (for tests and `deliveries`)."""
        with session_scope(self.engine) as session:
            row = session.get(RobotBudget, key)
            return sorted(row.slots) if row else []


class SendGate:
    """Limiter and sleep for one message's send (see the module docstring)."""

    def __init__(self, budgets: RobotBudgets, max_wait: float, stop: threading.Event,
                 on_wait: Callable[[float], None] = lambda seconds: None):
        self.budgets, self.max_wait, self.stop, self.on_wait = budgets, max_wait, stop, on_wait
        self._booked: tuple[str, float] | None = None
        self._first = True

    def acquire(self, key: str) -> float:
        self.close()
        wait, slot = self.budgets.reserve(key, self.max_wait if self._first else math.inf)
        if slot is None:
            raise Throttled(wait)
        self._first = False
        self._booked = (key, slot)
        return wait

    def sleep(self, seconds: float) -> None:
        self.on_wait(seconds)
        if self.stop.wait(seconds):
            raise Stopping()

    def close(self) -> None:
        """Settle the last booked slot at the current time (call after each request and at the end)."""
        if self._booked is not None:
            key, slot = self._booked
            self._booked = None
            self.budgets.settle(key, slot, self.budgets.epoch())
