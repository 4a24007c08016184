"""A robot channel asks its rate limiter before every message it posts and waits as long as it is told.

The budget itself (20 a minute per robot, shared by every sender) is the database's:
tests/jobs/test_throttle.py.
"""
from __future__ import annotations

import pytest

from bot.notify import NoLimit, channel_for
from bot.notify.base import Message
from tests.support.loopback import LoopbackRobot, SleepClock
from bot.notify.throttle import limiter_key

KEY_A = "aaaaaaaa-1111-2222-3333-444444444444"
KEY_B = "bbbbbbbb-1111-2222-3333-444444444444"

MESSAGE = Message(unit="保护处", subject="督办提醒", markdown="### 督办提醒\n正文", text="正文",
                  mentions=("13800000001",))


class ScriptedLimiter:
    """Hands out the given waits in turn and records which robot asked."""

    def __init__(self, *waits: float):
        self.waits, self.asked = list(waits), []

    def acquire(self, key: str) -> float:
        self.asked.append(key)
        return self.waits.pop(0) if self.waits else 0.0


def test_every_part_is_booked_and_a_wait_is_slept_then_logged(caplog):
    clock = SleepClock(start=1000.0)
    limiter = ScriptedLimiter(0.0, 60.0)
    with LoopbackRobot(clock=clock) as robot, caplog.at_level("INFO", logger="bot.notify"):
        channel = channel_for("wecom", KEY_A, base_url=robot.url, limiter=limiter, sleep=clock.sleep)
        assert channel.send(MESSAGE).ok  # the markdown digest, then the @mention text
    assert limiter.asked == [limiter_key("wecom", KEY_A)] * 2
    assert clock.sleeps == [60.0]
    assert robot.received[1].at - robot.received[0].at == pytest.approx(60)
    assert "限流：等待 60.0 秒" in caplog.text


def test_throttling_can_be_switched_off():
    clock = SleepClock(start=1000.0)
    with LoopbackRobot(clock=clock) as robot:
        channel = channel_for("wecom", KEY_A, base_url=robot.url, limiter=NoLimit(), sleep=clock.sleep)
        for _ in range(30):
            channel.send(MESSAGE)
    assert clock.sleeps == [] and len(robot.received) == 60


def test_the_limiter_key_does_not_reveal_the_robot_key():
    key = limiter_key("wecom", KEY_A)
    assert key.startswith("wecom:") and KEY_A not in key and KEY_A[:8] not in key
    assert key == limiter_key("wecom", KEY_A) != limiter_key("wecom", KEY_B)
