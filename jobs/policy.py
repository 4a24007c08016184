"""How hard the dispatcher tries: attempts, backoff, leases, batches, robot budgets.

Defaults suit a real office; each can be changed through the environment (the service's
.env), which is also how tests and benchmarks shorten them:

  DUBAN_MAX_ATTEMPTS          attempts before a message is failed and the admin told (8)
  DUBAN_RETRY_BASE_SECONDS    first retry delay; doubles each attempt, ±20 % jitter (30)
  DUBAN_RETRY_MAX_SECONDS     cap of the retry delay (1800)
  DUBAN_LEASE_SECONDS         how long a claimed message stays reserved for its worker (120)
  DUBAN_DISPATCH_SECONDS      interval of the dispatch job (30)
  DUBAN_ROBOT_PER_MINUTE      messages per robot per window (20, WeCom's and DingTalk's limit)
  DUBAN_ROBOT_WINDOW_SECONDS  the robots' window (60)
  DUBAN_SEND_TIMEOUT_SECONDS  how long one HTTP request to a robot may take (10)
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, fields

from bot.errors import DubanError

ENV = {
    "max_attempts": ("DUBAN_MAX_ATTEMPTS", 1, 100),
    "retry_base_seconds": ("DUBAN_RETRY_BASE_SECONDS", 0.01, 86400),
    "retry_max_seconds": ("DUBAN_RETRY_MAX_SECONDS", 0.01, 7 * 86400),
    "lease_seconds": ("DUBAN_LEASE_SECONDS", 1, 3600),
    "dispatch_seconds": ("DUBAN_DISPATCH_SECONDS", 0.1, 3600),
    "robot_per_minute": ("DUBAN_ROBOT_PER_MINUTE", 1, 1000),
    "robot_window_seconds": ("DUBAN_ROBOT_WINDOW_SECONDS", 0.01, 3600),
    "send_timeout_seconds": ("DUBAN_SEND_TIMEOUT_SECONDS", 0.1, 300),
}


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 1800.0
    lease_seconds: float = 120.0
    dispatch_seconds: float = 30.0
    robot_per_minute: int = 20
    robot_window_seconds: float = 60.0
    send_timeout_seconds: float = 10.0
    batch_size: int = 20
    # Live: a message whose robot has no free slot for longer than this goes back to the
    # queue (no attempt counted) instead of holding the worker. Replay waits instead.
    max_throttle_wait_seconds: float = 5.0

    def backoff(self, attempts: int, retry_after: float | None, rng: random.Random | None = None) -> float:
        """Seconds before the next attempt: exponential with ±20 % jitter, never sooner than the server asked."""
        base = min(self.retry_max_seconds, self.retry_base_seconds * 2 ** max(0, attempts - 1))
        delay = base * (rng or random).uniform(0.8, 1.2)
        return max(delay, retry_after or 0.0)

    @classmethod
    def from_env(cls, **overrides) -> "DeliveryPolicy":
        values, problems = read_env()
        if problems:
            raise DubanError("\n".join(problems))
        return cls(**{**values, **overrides})


def read_env() -> tuple[dict, list[str]]:
    """The DUBAN_* values the environment sets, and one message per bad one: all of them, so
    check-config lists every mistake at once instead of one per run."""
    values: dict = {}
    problems: list[str] = []
    for name, (var, low, high) in ENV.items():
        raw = os.environ.get(var)
        if raw is None or raw.strip() == "":
            continue
        kind = next(f.type for f in fields(DeliveryPolicy) if f.name == name)
        try:
            value = int(raw) if kind == "int" else float(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            problems.append(f"环境变量 {var} 的值 {raw!r} 无效：应为 {low:g} 到 {high:g} 之间的"
                            f"{'整数' if kind == 'int' else '数'}。")
        else:
            values[name] = value
    return values, problems
