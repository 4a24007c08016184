"""F07: a slow robot answer cannot outlive the lease (no other worker re-sends it) nor hold a worker.

Small numbers: a lease of one second, requests of at most 1.5 s, a robot that trickles its answer.
"""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import select

from tests.support.loopback import Reply
from bot.store import session_scope
from bot.store.models import RETRY, SENT, Message
from jobs.outbox import reap
from tests.jobs.conftest import FAST
from tests.jobs.test_dispatch import message, one_due_message

SLOW = replace(FAST, lease_seconds=1, send_timeout_seconds=1.5)


def test_the_lease_outlasts_a_request_that_takes_longer_than_the_lease(office, clock):
    """The robot answers after 1.2 s, past the 1 s lease the message was claimed with; another
    worker reaping at that moment must find nothing to take back (it would send the message again)."""
    reaped_meanwhile = []

    def answer_late(received):
        time.sleep(1.2)
        with session_scope(office.engine) as s:
            reaped_meanwhile.extend(reap(s, datetime.now(timezone.utc), "other-worker"))
        return Reply()

    worker = one_due_message(office, clock)
    office.robot.responder = answer_late
    worker.policy = worker.dispatcher.policy = SLOW
    report = worker.dispatch()

    assert reaped_meanwhile == []
    assert report.sent == 1 and report.reaped == 0
    assert message(office.engine).status == SENT and len(office.robot.received) == 1


def test_an_answer_that_trickles_in_is_cut_at_the_deadline_and_retried_later(office, clock):
    """One byte every 0.2 s (several seconds in all): the send gives up at 1.5 s, the worker is free."""
    worker = one_due_message(office, clock)
    office.robot.script(Reply(drip=0.2))
    worker.policy = worker.dispatcher.policy = SLOW
    started = time.monotonic()
    report = worker.dispatch()
    took = time.monotonic() - started

    assert report.retry == 1 and report.sent == 0
    assert took < SLOW.send_timeout_seconds + 1.5, took
    with session_scope(office.engine) as s:
        [row] = s.scalars(select(Message).where(Message.status == RETRY))
        assert "请求超时（1.5 秒内未完成）" in row.last_error
        assert row.lease_owner is None
