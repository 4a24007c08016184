"""The per-robot budget holds for every sender sharing one database (on a fake clock: no real time), and a
busy robot does not hold a worker."""
from __future__ import annotations

import heapq
import itertools
import math
import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.support.loopback import SleepClock, most_in_window
from bot.store import session_scope
from bot.store.models import PENDING, Contact, Message, RobotBudget
from jobs.throttle import RobotBudgets, SendGate
from tests.jobs.conftest import FAST, local

DUE = date(2024, 6, 28)



def shared_robot_messages(office, clock, count: int) -> None:
    """`count` units whose contacts all point at one robot (one office robot for several 处室)."""
    office.admin()
    units = []
    for n in range(count):
        uid = office.unit(f"处室{n}", robot=False)
        with session_scope(office.engine) as s:
            s.add(Contact(unit_id=uid, kind="wecom", target=office.url("共用机器人"), mentions=[]))
        units.append(uid)
    mid = office.milestone("专利盘点", DUE, units)
    for uid in units:
        office.reminder(mid, uid, local("2024-06-21"))
    clock.set(local("2024-06-21"))
    office.worker(clock).build_digests()


def simulate(budgets: RobotBudgets, clock: SleepClock, senders: list[tuple[float, list[float]]],
             hold: float = 10.0) -> list[float]:
    """When the robot counted each part: senders (first booking at, request durations ≤ hold) run
    interleaved on the fake clock, each booking its parts through a SendGate as the dispatcher does,
    and the robot counts a part when its request finishes, as the real service may."""
    events = [(at, n, "book", n, list(parts)) for n, (at, parts) in enumerate(senders)]
    gates = {n: SendGate(budgets, math.inf, hold, threading.Event()) for n in range(len(senders))}
    order, counted = itertools.count(len(events)), []
    heapq.heapify(events)
    while events:
        at, _, what, n, parts = heapq.heappop(events)
        clock.now = max(clock.now, at)
        if what == "book":
            wait = gates[n].acquire("robot")  # settles the sender's previous part first
            heapq.heappush(events, (clock.now + wait + parts[0], next(order), "finish", n, parts[1:]))
        else:
            counted.append(clock.now)
            if parts:
                heapq.heappush(events, (clock.now, next(order), "book", n, parts))
            else:
                gates[n].close()
    return counted


@pytest.fixture
def budget_clock():
    return SleepClock(start=1_000_000.0)


@pytest.fixture
def budgets(engine, budget_clock):
    return RobotBudgets(engine, limit=3, window=60, epoch=budget_clock)


def test_a_slot_pushed_out_before_it_was_settled_still_counts_at_its_latest(budgets, budget_clock):
    """The race of issue 10, limit 3: A's request is slow (9 s); B and C finish at once; D is booked
    while A is still in flight, which pushes A's slot out of the row. Booked at its start, A no longer
    counted when E and F were booked, and the robot saw A, D, E and F inside one 60 s window."""
    t0 = budget_clock()
    counted = simulate(budgets, budget_clock, [(t0, [9.0]), (t0, [0.5]), (t0, [0.5]),
                                               (t0 + 1, [0.5]), (t0 + 2, [0.5]), (t0 + 3, [0.5])])
    assert len(counted) == 6
    assert most_in_window(counted, 60) == 3


def test_the_first_sends_go_at_once_and_the_next_waits_for_the_window(budgets, budget_clock):
    waits = []
    for _ in range(4):
        wait, slot = budgets.reserve("r", hold=1.0)
        waits.append(wait)
        budgets.settle("r", slot, budget_clock())
    assert waits == pytest.approx([0, 0, 0, 60])


def test_keys_have_separate_budgets(budgets):
    assert [budgets.reserve(k, hold=1.0)[0] for k in ("a", "a", "a", "b")] == [0, 0, 0, 0]
    assert budgets.reserve("a", hold=1.0)[0] == pytest.approx(61)  # a's in-flight slots count at start + hold


def test_slots_booked_ahead_keep_spreading_out(budgets, budget_clock):
    waits = []
    for _ in range(9):
        wait, slot = budgets.reserve("r", hold=0.0)
        waits.append(wait)
    assert waits == pytest.approx([0, 0, 0, 60, 60, 60, 120, 120, 120])


def test_a_wait_beyond_max_wait_books_nothing(budgets):
    for _ in range(3):
        budgets.reserve("r", hold=0.0)
    assert budgets.reserve("r", hold=0.0, max_wait=5)[1] is None
    assert budgets.reserve("r", hold=0.0)[0] == pytest.approx(60)  # the refused booking took no slot


def test_slots_stored_before_they_had_ids_still_count(budgets, engine, budget_clock):
    with session_scope(engine) as s:
        s.add(RobotBudget(robot_key="old", slots=[budget_clock()] * 3))
    assert budgets.reserve("old", hold=0.0)[0] == pytest.approx(60)


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_interleaved_senders_of_one_robot_never_exceed_its_budget(budgets, budget_clock, workers):
    """Workers' messages of two or three parts, some requests slow, all booking at nearly the same time."""
    durations = itertools.cycle([0.2, 7.0, 0.1, 3.0, 9.5, 0.05])
    t0 = budget_clock()
    senders = [(t0 + 0.01 * n, [next(durations) for _ in range(2 + n % 2)]) for n in range(workers * 4)]
    counted = simulate(budgets, budget_clock, senders)
    assert len(counted) == sum(len(parts) for _, parts in senders)
    assert most_in_window(counted, 60) == 3


def test_a_message_for_a_busy_robot_goes_back_to_the_queue_without_an_attempt(office, clock):
    shared_robot_messages(office, clock, 3)
    policy = replace(FAST, robot_per_minute=2, robot_window_seconds=60, max_throttle_wait_seconds=1)

    report = office.worker(clock, policy).dispatch()

    assert report.sent == 2 and report.throttled == 1
    with session_scope(office.engine) as s:
        waiting = s.scalars(select(Message).where(Message.status == PENDING)).one()
    assert waiting.attempts == 0
    assert (waiting.next_attempt_at - clock.now()).total_seconds() > 50
