"""Per-robot send budgets: WeCom and DingTalk robots take at most 20 messages a minute.

A limiter hands out send slots: `acquire(key)` books the next free slot for `key`
and returns how many seconds the caller must wait before using it. Booking (not
just checking) keeps several channel instances sharing one robot honest, and
makes the limiter replaceable by one that books slots in the database.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from typing import Callable, Protocol


class RateLimiter(Protocol):
    def acquire(self, key: str) -> float:
        """Book one send for `key`; return the seconds to wait before sending (0: now)."""


class SlidingWindowLimiter:
    """At most `limit` sends per `key` in any rolling `window` seconds (thread-safe).

    Slot n may start no earlier than `window` after slot n - limit, which is exactly
    "never more than `limit` in any window".
    """

    def __init__(self, limit: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._slots: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        with self._lock:
            now = self.clock()
            slots = self._slots.setdefault(key, deque(maxlen=self.limit))
            start = now
            if len(slots) == self.limit:
                start = max(now, slots[0] + self.window)
            slots.append(start)
            return start - now


class NoLimit:
    """No throttling at all: for benchmarks and for channels without a quota."""

    def acquire(self, key: str) -> float:
        return 0.0


def limiter_key(kind: str, secret: str) -> str:
    """A stable per-robot key that does not reveal the robot's secret (safe to store or log)."""
    return f"{kind}:{hashlib.sha256(secret.encode('utf-8')).hexdigest()[:16]}"


# One budget per robot for the whole process, whichever channel object sends. The
# extra second absorbs network jitter, so the robot never sees 21 in its 60 s.
SHARED_LIMITER = SlidingWindowLimiter(limit=20, window=61.0)
