"""Per-robot throttling: never more than 20 messages in any 60 s window, on a fake clock."""
from __future__ import annotations


import pytest

from bot.notify import NoLimit, SlidingWindowLimiter, channel_for
from bot.notify.base import Message
from bot.notify.loopback import LoopbackRobot, SleepClock, most_in_window
from bot.notify.throttle import limiter_key

KEY_A = "aaaaaaaa-1111-2222-3333-444444444444"
KEY_B = "bbbbbbbb-1111-2222-3333-444444444444"




MESSAGE = Message(unit="保护处", subject="督办提醒", markdown="### 督办提醒\n正文", text="正文",
                  mentions=("13800000001",))


def test_the_first_20_go_at_once_and_the_21st_waits_for_the_window():
    clock = SleepClock(start=1000.0)
    limiter = SlidingWindowLimiter(limit=20, window=60, clock=clock)
    waits = [limiter.acquire("robot") for _ in range(21)]
    assert waits[:20] == [0] * 20
    assert waits[20] == pytest.approx(60)


def test_keys_have_separate_budgets():
    limiter = SlidingWindowLimiter(limit=2, window=60, clock=SleepClock(start=1000.0))
    assert [limiter.acquire("a"), limiter.acquire("a"), limiter.acquire("b")] == [0, 0, 0]
    assert limiter.acquire("a") == pytest.approx(60)


def test_slots_booked_ahead_keep_spreading_out():
    limiter = SlidingWindowLimiter(limit=3, window=60, clock=SleepClock(start=1000.0))
    waits = [limiter.acquire("r") for _ in range(9)]
    assert waits == pytest.approx([0, 0, 0, 60, 60, 60, 120, 120, 120])


def test_channels_sharing_a_robot_never_exceed_20_messages_in_any_60_seconds():
    """Three units share robot A (markdown + @text each), one unit has robot B."""
    clock = SleepClock(start=1000.0)
    limiter = SlidingWindowLimiter(limit=20, window=60, clock=clock)
    with LoopbackRobot(clock=clock) as robot:
        def make(key):
            return channel_for("wecom", key, base_url=robot.url, limiter=limiter, sleep=clock.sleep)

        shared = [make(KEY_A) for _ in range(3)]
        alone = make(KEY_B)
        for round_ in range(25):
            for channel in shared:
                assert channel.send(MESSAGE).ok
            assert alone.send(MESSAGE).ok
        arrivals = {KEY_A: [], KEY_B: []}
        for request in robot.received:
            arrivals[request.query["key"]].append(request.at)
    assert len(arrivals[KEY_A]) == 25 * 3 * 2 and len(arrivals[KEY_B]) == 25 * 2
    assert most_in_window(arrivals[KEY_A], 60) == 20
    assert most_in_window(arrivals[KEY_B], 60) <= 20
    assert clock.sleeps  # the budget was really enforced by waiting


def test_the_21st_send_to_one_robot_waits_and_the_wait_is_logged(caplog):
    clock = SleepClock(start=1000.0)
    limiter = SlidingWindowLimiter(limit=20, window=60, clock=clock)
    with LoopbackRobot(clock=clock) as robot, caplog.at_level("INFO", logger="bot.notify"):
        channel = channel_for("wecom", KEY_A, base_url=robot.url, limiter=limiter, sleep=clock.sleep)
        plain = Message(unit="保护处", subject="s", markdown="m", text="t")
        for _ in range(21):
            assert channel.send(plain).ok
    assert clock.sleeps == [pytest.approx(60)]
    assert robot.received[20].at - robot.received[0].at == pytest.approx(60)
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
