"""Per-robot send budgets shared by every worker process and `send-test`, kept in the robot_budgets table.

A WeCom or DingTalk robot takes 20 messages a minute, whichever process sends them. The
budget row of a robot (keyed by `limiter_key`, a hash: no secret is stored) holds its
latest `limit` slots as [slot id, time]: the time is the latest moment the robot may have
counted that send. Booking a slot locks the row (`SELECT … FOR UPDATE` on PostgreSQL; on
SQLite a single process runs, so a thread lock suffices), takes the next start that keeps
every `window` at most `limit` sends, and records the slot pessimistically at start + hold
(the request's total deadline: the robot cannot count it later). When the request is over
the slot is settled to when it finished. So a slot pushed out of the row by later bookings
before it was settled still counted at its latest possible time, and a slow request can
never squeeze limit + 1 into the robot's window. Slots use real (wall) time even during a
replay: the robot counts real seconds.

A `SendGate` is what one message's send uses as its channel's limiter and sleep: the
first part of a message whose robot has no slot soon raises `Throttled` (the dispatcher
gives the message back to the queue, no attempt counted); later parts wait, because
their earlier parts were already delivered.
"""
from __future__ import annotations

import math
import secrets
import threading
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store import session_scope
from bot.store.models import RobotBudget
from jobs.clock import RealClock

Slot = tuple[str, float]


class Throttled(Exception):
    """The robot has no free slot for `wait` seconds: give the message back instead of waiting."""

    def __init__(self, wait: float):
        super().__init__(f"机器人发送额度已用完，{wait:.0f} 秒后再发")
        self.wait = wait


class Stopping(Exception):
    """The worker was asked to stop while a send waited for its robot's budget."""


def _slots(stored: list) -> list[Slot]:
    """The stored slots by time; a bare number is a slot booked before slots had ids (never settled)."""
    slots = [("", float(s)) if isinstance(s, (int, float)) else (str(s[0]), float(s[1])) for s in stored or []]
    return sorted(slots, key=lambda slot: slot[1])


class RobotBudgets:
    def __init__(self, engine: Engine, limit: int = 20, window: float = 60.0,
                 epoch: Callable[[], float] = RealClock.epoch):
        self.engine, self.limit, self.window, self.epoch = engine, limit, window, epoch
        self._lock = threading.Lock()

    def _row(self, session: Session, key: str) -> RobotBudget:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(RobotBudget).values(robot_key=key, slots=[]).on_conflict_do_nothing())
        return session.get(RobotBudget, key, with_for_update=True, populate_existing=True)

    def reserve(self, key: str, hold: float, max_wait: float = math.inf) -> tuple[float, str | None]:
        """(seconds to wait, slot id) for a send that takes at most `hold` seconds once started.

        The slot id is None, and nothing booked, when the wait would exceed `max_wait`.
        """
        with self._lock, session_scope(self.engine) as session:
            row = self._row(session, key)
            slots = _slots(row.slots)[-self.limit:]
            now = self.epoch()
            start = now if len(slots) < self.limit else max(now, slots[0][1] + self.window)
            if start - now > max_wait:
                return start - now, None
            slot = secrets.token_hex(6)
            row.slots = [list(s) for s in _slots(slots + [(slot, start + hold)])[-self.limit:]]
            return start - now, slot

    def settle(self, key: str, slot: str, finished: float) -> None:
        """The booked slot's request is over: it counts at `finished` (no-op once the slot left the row)."""
        with self._lock, session_scope(self.engine) as session:
            row = self._row(session, key)
            slots = _slots(row.slots)
            if any(sid == slot for sid, _ in slots):
                row.slots = [list(s) for s in _slots([(sid, finished if sid == slot else t) for sid, t in slots])]


class SendGate:
    """Limiter and sleep for one message's send (see the module docstring); `hold` is a request's deadline."""

    def __init__(self, budgets: RobotBudgets, max_wait: float, hold: float, stop: threading.Event):
        self.budgets, self.max_wait, self.hold, self.stop = budgets, max_wait, hold, stop
        self._booked: tuple[str, str] | None = None
        self._first = True

    def acquire(self, key: str) -> float:
        self.close()
        wait, slot = self.budgets.reserve(key, self.hold, self.max_wait if self._first else math.inf)
        if slot is None:
            raise Throttled(wait)
        self._first = False
        self._booked = (key, slot)
        return wait

    def sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopping()

    def close(self) -> None:
        """Settle the last booked slot at the current time (call after each request and at the end)."""
        if self._booked is not None:
            key, slot = self._booked
            self._booked = None
            self.budgets.settle(key, slot, self.budgets.epoch())
