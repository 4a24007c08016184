"""Time for the jobs, injected: nothing in jobs/ reads the wall clock directly.

Two clocks reach a Worker. `clock` is business time: which reminders are due, what day a
digest is for, when a retry is next allowed. `wall` is always real time: leases, the
per-robot budgets and heartbeats, which other processes and the robots themselves judge
by the real clock. Replay moves only `clock` (a SimulatedClock); a clock that jumps a day
therefore cannot make one worker think another's lease has expired.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""


class RealClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    @staticmethod
    def epoch() -> float:
        """Seconds since the epoch: what the shared robot budgets store."""
        return time.time()


class SimulatedClock:
    """Business time that moves only when told to (replay, tests). Never goes backwards by itself."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = instant.astimezone(timezone.utc)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
