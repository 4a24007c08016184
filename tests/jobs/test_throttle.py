"""The per-robot budget holds across workers sharing one database, and a busy robot does not hold a worker."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from bot.notify.loopback import most_in_window
from bot.store import session_scope
from bot.store.models import PENDING, Contact, Message
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


def test_two_workers_never_give_one_robot_more_than_its_budget_per_window(office, clock):
    shared_robot_messages(office, clock, 24)
    policy = replace(FAST, robot_per_minute=5, robot_window_seconds=0.5, max_throttle_wait_seconds=10)
    workers = [office.worker(clock, policy) for _ in range(2)]
    for n, worker in enumerate(workers):
        worker.worker_id = worker.dispatcher.worker_id = f"w{n}"
    threads = [threading.Thread(target=w.dispatch) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    arrivals = [r.at for r in office.received_by("共用机器人")]
    assert len(arrivals) == 24
    assert most_in_window(arrivals, 0.5) <= 5


def test_a_message_for_a_busy_robot_goes_back_to_the_queue_without_an_attempt(office, clock):
    shared_robot_messages(office, clock, 3)
    policy = replace(FAST, robot_per_minute=2, robot_window_seconds=60, max_throttle_wait_seconds=1)

    report = office.worker(clock, policy).dispatch()

    assert report.sent == 2 and report.throttled == 1
    with session_scope(office.engine) as s:
        waiting = s.scalars(select(Message).where(Message.status == PENDING)).one()
    assert waiting.attempts == 0
    assert (waiting.next_attempt_at - clock.now()).total_seconds() > 50
