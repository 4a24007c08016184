"""kill -9 of one worker mid-batch: the others take its leased messages over once the lease expires."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.loopback import Reply
from bot.store import session_scope
from bot.store.models import SENDING, SENT, Delivery, Message
from jobs.outbox import LOST
from tests.faults.fleet import Tally, delivered_items, seed_due, sent_count, shares, wait_for, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
REMINDERS = 600
LEASE_SECONDS = 4


def test_killing_a_worker_loses_nothing_its_leases_are_taken_over_after_expiry(engine, pg_url, robot, config_dir,
                                                                               workers, figures):
    expected = seed_due(engine, robot, REMINDERS)
    robot.responder = lambda r: Reply(delay=0.02)  # a robot that takes a moment: batches are held while sending
    workers.env = worker_env(pg_url, config_dir, DUBAN_LEASE_SECONDS=str(LEASE_SECONDS))
    for name in ("w1", "w2", "w3"):
        workers.start(name)
    wait_for(lambda: shares(engine).get("w1", 0) >= 40, timeout=120, what="w1 sending")

    workers.kill9("w1")
    killed_at = datetime.now(timezone.utc)
    with session_scope(engine) as s:
        leases = dict(s.execute(select(Message.id, Message.lease_until)
                                .where(Message.status == SENDING, Message.lease_owner == "w1")).all())
    orphans = set(leases)
    recovered = wait_for(lambda: sent_count(engine) >= REMINDERS, timeout=180, what="all messages sent")
    time.sleep(1.0)
    workers.stop()

    counts = delivered_items(robot.received)
    tally = Tally.of(expected, counts)
    with session_scope(engine) as s:
        lost_attempts = s.execute(select(Delivery.message_id, Delivery.worker, Delivery.at)
                                  .where(Delivery.status == LOST)).all()
        final = {mid: (worker, at) for mid, worker, at in s.execute(
            select(Delivery.message_id, Delivery.worker, Delivery.at)
            .where(Delivery.status == SENT, Delivery.message_id.in_(orphans)))}
    takeover = max((at for _, at in final.values()), default=killed_at) - killed_at
    figures(f"[kill -9] {tally.line()}；w1 被杀时持有租约 {len(orphans)} 条；租约 {LEASE_SECONDS} 秒；"
          f"其租约消息在杀死后 {takeover.total_seconds():.1f} 秒内全部由 {sorted({w for w, _ in final.values()})} 发出；"
          f"杀死后 {recovered:.1f} 秒全部 {REMINDERS} 条发完；各进程份额 {shares(engine)}")
    assert tally.lost == 0 and tally.received == REMINDERS
    assert tally.duplicates <= 1  # at most the one message w1 had in flight
    assert orphans, "w1 held no lease when killed: the test did not hit a batch"
    assert set(final) == orphans and {w for w, _ in final.values()} <= {"w2", "w3"}
    assert {mid for mid, _, _ in lost_attempts} == orphans and {w for _, w, _ in lost_attempts} <= {"w2", "w3"}
    assert all(at >= leases[mid] for mid, _, at in lost_attempts), "taken over before the lease expired"
