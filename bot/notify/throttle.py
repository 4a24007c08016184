"""Per-robot send budgets: WeCom and DingTalk robots take at most 20 messages a minute.

A limiter hands out send slots: `acquire(key)` books the next free slot for `key` and
returns how many seconds the caller must wait before using it. Booking (not just
checking) keeps several senders of one robot honest. There is one real limiter, the
database's (jobs.throttle.RobotBudgets, shared by every worker and by `send-test`); a
robot channel refuses to send without one, so no path can send around the budget.
`NoLimit` is for tests, benchmarks and channels without a quota.
"""
from __future__ import annotations

import hashlib
from typing import Protocol


class RateLimiter(Protocol):
    def acquire(self, key: str) -> float:
        """Book one send for `key`; return the seconds to wait before sending (0: now)."""


class NoLimit:
    """No throttling at all."""

    def acquire(self, key: str) -> float:
        return 0.0


def limiter_key(kind: str, secret: str) -> str:
    """A stable per-robot key that does not reveal the robot's secret (safe to store or log)."""
    return f"{kind}:{hashlib.sha256(secret.encode('utf-8')).hexdigest()[:16]}"
