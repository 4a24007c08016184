"""Claiming, retries with backoff, permanent failures and reaped leases, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from tests.support.loopback import Reply
from bot.store import session_scope
from bot.store.models import FAILED, RETRY, SENDING, SENT, AdminNotice, Contact, Delivery, Message, Reminder
from jobs.outbox import claim
from tests.jobs.conftest import FAST, local, markdown_of

DUE = date(2024, 6, 28)


def one_due_message(office, clock, unit="保护处"):
    uid = office.unit(unit)
    office.admin()
    mid = office.milestone("专利盘点", DUE, [uid])
    office.reminder(mid, uid, local("2024-06-21"))
    clock.set(local("2024-06-21"))
    worker = office.worker(clock)
    worker.build_digests()
    return worker


def message(engine) -> Message:
    with session_scope(engine) as s:
        return s.scalars(select(Message).where(Message.contact.has(Contact.kind == "wecom"))
                         .order_by(Message.id)).first()


def deliveries(engine) -> list[Delivery]:
    with session_scope(engine) as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def test_concurrent_workers_claim_each_message_exactly_once(office, clock):
    units = [office.unit(f"处室{n}") for n in range(40)]
    mid = office.milestone("专利盘点", DUE, units)
    for uid in units:
        office.reminder(mid, uid, local("2024-06-21"))
    clock.set(local("2024-06-21"))
    office.admin()
    office.worker(clock).build_digests()
    lease = datetime.now(timezone.utc) + timedelta(minutes=2)
    taken: dict[str, list[int]] = {}

    def take(name: str) -> None:
        mine = taken.setdefault(name, [])
        while True:
            with session_scope(office.engine) as s:
                got = claim(s, name, clock.now(), lease, 3)
            if not got:
                return
            mine.extend(got)

    threads = [threading.Thread(target=take, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    everything = [i for ids in taken.values() for i in ids]
    assert len(everything) == 40 and len(set(everything)) == 40
    with session_scope(office.engine) as s:
        assert {m.status for m in s.scalars(select(Message))} == {SENDING}


def test_it_retries_45009_no_sooner_than_a_minute_then_delivers(office, clock):
    worker = one_due_message(office, clock)
    office.robot.script(Reply(body={"errcode": 45009, "errmsg": "api freq out of limit"}))

    first = worker.dispatch()
    retry = message(office.engine)
    assert first.retry == 1 and retry.status == RETRY
    assert retry.next_attempt_at >= clock.now() + timedelta(seconds=60)
    clock.advance(30)
    assert worker.dispatch().sent == 0  # not yet
    clock.set(retry.next_attempt_at)

    assert worker.dispatch().sent == 1
    assert [d.status for d in deliveries(office.engine)] == [RETRY, SENT]
    assert "45009" in deliveries(office.engine)[0].error


def test_it_backs_off_exponentially_on_server_errors_and_timeouts(office, clock):
    worker = one_due_message(office, clock)
    worker.policy = replace(FAST, send_timeout_seconds=0.3)
    worker.dispatcher.policy = worker.policy
    office.robot.script(Reply(status=500), Reply(status=502), Reply(delay=1.0))
    waits = []
    for _ in range(3):
        before = clock.now()
        assert worker.dispatch().retry == 1
        waits.append((message(office.engine).next_attempt_at - before).total_seconds())
        clock.set(message(office.engine).next_attempt_at)

    assert worker.dispatch().sent == 1
    errors = [d.error for d in deliveries(office.engine)]
    assert "HTTP 500" in errors[0] and "HTTP 502" in errors[1] and "超时" in errors[2]
    assert waits[0] >= 60 and waits[1] >= 60 and waits[2] >= FAST.retry_base_seconds * 4 * 0.8


def test_93000_fails_at_once_tells_the_admin_and_disables_the_contact(office, clock):
    worker = one_due_message(office, clock)
    office.robot.responder = lambda r: (Reply(body={"errcode": 93000, "errmsg": "invalid webhook url"})
                                        if r.query.get("key") == office.key("保护处") else None)

    report = worker.dispatch()

    assert report.failed == 1 and len(office.received_by("保护处")) == 1  # tried once, never again
    assert message(office.engine).status == FAILED
    with session_scope(office.engine) as s:
        contact = s.scalars(select(Contact).where(Contact.target == office.url("保护处"))).one()
        notice = s.scalars(select(AdminNotice)).one()
        assert not contact.enabled and "93000" in contact.disabled_reason
        assert notice.sent_at is not None and "保护处" in notice.message and "已自动停用" in notice.message
    to_admin = "\n".join(markdown_of(r) for r in office.received_by("督办管理员"))
    assert "系统通知" in to_admin and "93000" in to_admin
    assert "专利盘点" in to_admin  # the reminder itself was rerouted to the admin
    assert office.key("保护处") not in to_admin


def test_it_fails_after_the_configured_attempts_and_tells_the_admin(office, clock):
    worker = one_due_message(office, clock)
    worker.policy = worker.dispatcher.policy = replace(FAST, max_attempts=2)
    office.robot.responder = lambda r: Reply(status=500) if r.query.get("key") == office.key("保护处") else None

    worker.dispatch()
    clock.set(message(office.engine).next_attempt_at)
    report = worker.dispatch()

    assert report.failed == 1 and message(office.engine).status == FAILED
    assert [d.attempt for d in deliveries(office.engine) if d.message_id == message(office.engine).id] == [1, 2]
    with session_scope(office.engine) as s:
        contact = s.scalars(select(Contact).where(Contact.target == office.url("保护处"))).one()
        assert contact.enabled  # a server outage is not the robot's fault
        assert "已尝试 2 次" in s.scalars(select(AdminNotice.message)).one()


def test_a_lease_left_by_a_dead_worker_is_reaped_and_sent(office, clock):
    worker = one_due_message(office, clock)
    with session_scope(office.engine) as s:
        claim(s, "dead-worker", clock.now(), datetime.now(timezone.utc) - timedelta(seconds=1), 10)

    report = worker.dispatch()

    assert report.reaped == 1 and report.sent == 1
    assert [d.status for d in deliveries(office.engine)] == ["lost", SENT]


def test_a_live_lease_of_another_worker_is_left_alone(office, clock):
    worker = one_due_message(office, clock)
    with session_scope(office.engine) as s:
        claim(s, "busy-worker", clock.now(), datetime.now(timezone.utc) + timedelta(minutes=2), 10)

    assert worker.dispatch().sent == 0 and office.robot.received == []


def test_a_message_whose_reminders_were_done_meanwhile_is_not_sent(office, clock):
    worker = one_due_message(office, clock)
    with session_scope(office.engine) as s:
        for rem in s.scalars(select(Reminder)):
            rem.status = "done"

    assert worker.dispatch().cancelled == 1 and office.robot.received == []



def test_an_unset_variable_fails_the_message_keeps_the_contact_and_resend_delivers_it_once(office, clock, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import cli

    monkeypatch.delenv("WECOM_KEY_X", raising=False)
    units = [office.unit(name, robot=False) for name in ("保护处", "运用处")]
    with session_scope(office.engine) as s:
        s.add_all(Contact(unit_id=uid, kind="wecom", target="${WECOM_KEY_X}", mentions=[]) for uid in units)
    office.admin()
    mid = office.milestone("专利盘点", DUE, units)
    for uid in units:
        office.reminder(mid, uid, local("2024-06-21"))
    clock.set(local("2024-06-21"))
    worker = office.worker(clock)
    worker.build_digests()

    assert worker.dispatch().failed == 2 and office.robot.received == []
    with session_scope(office.engine) as s:
        assert all(c.enabled and c.disabled_reason is None for c in s.scalars(select(Contact).where(Contact.kind == "wecom")))
        assert {r.status for r in s.scalars(select(Reminder))} == {"queued"}  # waiting on the failed message
        told = [n.message for n in s.scalars(select(AdminNotice))]
    assert len(told) == 1  # one configuration error: one notice, not one per message
    assert "WECOM_KEY_X" in told[0] and "保持启用" in told[0] and ".env" in told[0] and "deliveries resend" in told[0]

    monkeypatch.setenv("WECOM_KEY_X", office.url("保护处"))
    runner = CliRunner()
    resent = runner.invoke(cli, ["deliveries", "resend", "--failed", "--unit", "保护处"], catch_exceptions=False)
    assert resent.exit_code == 0 and "已放回发送队列 1 条消息" in resent.output
    worker.dispatch()  # the resent message, and the admin's notice
    assert len(office.received_by("保护处")) == 1 and office.received_by("运用处") == []
    assert "专利盘点" in markdown_of(office.received_by("保护处")[0])
    again = runner.invoke(cli, ["deliveries", "resend", "--failed", "--unit", "保护处"], catch_exceptions=False)
    assert "没有符合条件" in again.output and worker.dispatch().sent == 0
    assert len(office.received_by("保护处")) == 1  # exactly once
    with session_scope(office.engine) as s:
        sent = s.scalars(select(Reminder).where(Reminder.unit_id == units[0])).one()
        other = s.scalars(select(Reminder).where(Reminder.unit_id == units[1])).one()
        assert (sent.status, other.status) == (SENT, "queued")  # --unit resent only that unit's message


def test_resend_needs_a_selection_and_leaves_a_disabled_contacts_message_alone(office, clock):
    from click.testing import CliRunner

    from bot.cli import cli
    from jobs.outbox import resend

    worker = one_due_message(office, clock)
    office.robot.responder = lambda r: Reply(body={"errcode": 93000, "errmsg": "invalid webhook url"})
    worker.dispatch()
    usage = CliRunner().invoke(cli, ["deliveries", "resend"])
    assert usage.exit_code == 2 and "--failed" in usage.output
    with session_scope(office.engine) as s:
        done = resend(s, clock.now(), "test")
    assert done.queued == [] and "已停用" in done.skipped[message(office.engine).id]
