"""Claim due messages from the outbox and send them, one at a time, recording each result.

The order that makes the delivery guarantee (at least once; a crash repeats at most the
one message in flight):
1. reap: `sending` messages whose lease ran out go back to retry;
2. claim a small batch (attempts+1 and the lease committed before any send);
3. per message: make sure the lease still covers the send, send, and commit the result
   (a delivery row, the message's new status, its reminders) before the next send.
   "Covers" is checked before every request (each part of a split message, after any wait
   for the robot's budget): the lease must outlast the wait plus the request's total
   deadline, so it cannot run out, and another worker send the message again, while a
   slow answer is still arriving.
Stopping (SIGTERM) is honoured between messages: the one in flight is finished and
recorded, the rest of the batch is given back at once.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import joinedload

from bot.errors import DubanError
from bot.notify import DeliveryResult
from bot.notify import Message as Rendered
from bot.store import session_scope
from bot.store.models import CANCELLED, QUEUED, RETRY, SENDING, SENT, Message, MessageReminder, Reminder
from jobs.channels import contact_channel, describe_contact
from jobs.clock import Clock
from jobs.outbox import claim, extend, lease_end, reap, release
from jobs.outcomes import Attempt, Recorded, record, record_sent
from jobs.policy import DeliveryPolicy
from jobs.report_files import attachments
from jobs.resilience import is_outage, until_stored
from jobs.tally import Tally
from jobs.throttle import RobotBudgets, SendGate, Stopping, Throttled

log = logging.getLogger("duban.jobs")
CHANNEL_CACHE = 10_000


class LeaseLost(Exception):
    """The message being sent was taken back by another worker (its lease could not be extended)."""


@dataclass
class DispatchReport(Tally):
    sent: int = 0
    retry: int = 0
    failed: int = 0
    cancelled: int = 0
    throttled: int = 0
    reaped: int = 0
    rerouted: int = 0



def rendered(message: Message, files: tuple = ()) -> Rendered:
    return Rendered(unit=message.unit.name, subject=message.subject, markdown=message.body, text=message.body_text,
                    html=message.body_html, mentions=tuple(message.mentions or ()), notice=message.notice or "",
                    attachments=files)


class Dispatcher:
    """Sends what is due. `budgets` None: no throttling (benchmarks); `max_wait` None: wait for robot slots."""

    def __init__(self, engine: Engine, clock: Clock, wall: Clock, worker_id: str, policy: DeliveryPolicy,
                 budgets: RobotBudgets | None, stop: threading.Event, wait_for_slots: bool = False):
        self.engine, self.clock, self.wall, self.worker_id = engine, clock, wall, worker_id
        self.policy, self.budgets, self.stop = policy, budgets, stop
        self.max_wait = float("inf") if wait_for_slots else policy.max_throttle_wait_seconds
        self.rng = random.Random()
        self._channels: dict[tuple, object] = {}  # built once per contact version: parsing is not free
        self._gate: SendGate | None = None  # the current send's gate, behind the cached channels' limiter
        self._held: list[int] = []  # claimed ids not yet sent
        self._sending: int | None = None  # the message being sent, _held[0] while its lease holds
        self._lease_until = None
        self._recording: Connection | None = None  # the batch's connection for recording successes
        self._files: dict[int, tuple] = {}  # the batch's attachments by message id (jobs.report_files)

    def run(self) -> DispatchReport:
        report = DispatchReport()
        with session_scope(self.engine) as s:
            reaped = reap(s, self.wall.now(), self.worker_id)
        if reaped:
            log.warning("收回 %d 条租约已过期的消息（原工作进程中断），将重新发送：%s", len(reaped), reaped[:20])
        report.reaped = len(reaped)
        while not self.stop.is_set():
            self._lease_until = lease_end(self.wall.now(), self.policy.lease_seconds)
            with session_scope(self.engine) as s:
                self._held = claim(s, self.worker_id, self.clock.now(), self._lease_until, self.policy.batch_size)
            if not self._held:
                break
            self._batch(report)
        return report

    def _batch(self, report: DispatchReport) -> None:
        with session_scope(self.engine) as s:
            messages = {m.id: m for m in s.scalars(select(Message).where(Message.id.in_(self._held))
                                                    .options(joinedload(Message.contact), joinedload(Message.unit)))}
            moot = self._moot(s)
            self._files = attachments(s, self._held)
        report.cancelled += len(moot)
        self._held = [i for i in self._held if i not in moot]
        try:
            while self._held:
                if self.stop.is_set():
                    break
                self._keep_lease(self.policy.send_timeout_seconds)
                if not self._held:
                    break
                self._one(messages[self._held[0]], report)
        except Stopping:
            pass
        finally:
            self._drop_recording(broken=False)
            if self._held:
                with session_scope(self.engine) as s:
                    release(s, self._held, self.worker_id)
                log.info("停止前归还 %d 条尚未发送的消息", len(self._held))
                self._held = []

    def _moot(self, session) -> set[int]:
        """Messages all of whose reminders were done or cancelled meanwhile: cancelled unsent."""
        carrying: dict[int, set[str]] = {}
        for mid, status in session.execute(
                select(MessageReminder.message_id, Reminder.status).join(Reminder)
                .where(MessageReminder.message_id.in_(self._held))):
            carrying.setdefault(mid, set()).add(status)
        moot = {mid for mid, statuses in carrying.items() if not statuses & {QUEUED, SENT}}
        if moot:
            session.execute(update(Message).where(Message.id.in_(moot), Message.status == SENDING)
                            .values(status=CANCELLED, lease_owner=None, lease_until=None,
                                    last_error="所含提醒已办结或取消，不再发送")
                            .execution_options(synchronize_session=False))
            log.info("取消 %d 条消息：所含提醒已办结或取消", len(moot))
        return moot

    def _keep_lease(self, extra_seconds: float) -> None:
        """Extend the batch's lease when less than half of it is left (or a wait of `extra_seconds` is coming)."""
        now = self.wall.now()
        if (self._lease_until - now).total_seconds() - extra_seconds > self.policy.lease_seconds / 2:
            return
        self._lease_until = lease_end(now, self.policy.lease_seconds + extra_seconds)
        with session_scope(self.engine) as s:
            kept = extend(s, self._held, self.worker_id, self._lease_until)
        lost = [i for i in self._held if i not in kept]
        if lost:
            log.warning("租约已被其他工作进程收回，跳过消息：%s", lost)
        self._held = [i for i in self._held if i in kept]

    def acquire(self, key: str) -> float:
        """The cached channels' limiter: the current send's gate (or no limit), and a lease that covers the request."""
        wait = self._gate.acquire(key) if self._gate else 0.0
        self._keep_lease(wait + self.policy.send_timeout_seconds)
        if self._sending not in self._held:  # another worker took the message back meanwhile: send no more of it
            raise LeaseLost()
        return wait

    def sleep(self, seconds: float) -> None:
        if self._gate:
            self._gate.sleep(seconds)
        elif self.stop.wait(seconds):
            raise Stopping()

    def _channel(self, contact):
        key = (contact.id, contact.kind, contact.target, contact.secret, tuple(contact.mentions or ()))
        if key not in self._channels:
            if len(self._channels) >= CHANNEL_CACHE:
                self._channels.clear()
            self._channels[key] = contact_channel(contact, limiter=self, sleep=self.sleep,
                                                  timeout=self.policy.send_timeout_seconds)
        return self._channels[key]

    def _one(self, message: Message, report: DispatchReport) -> None:
        self._gate = (SendGate(self.budgets, self.max_wait, self.policy.send_timeout_seconds, self.stop)
                      if self.budgets else None)
        self._sending = message.id
        started = time.perf_counter()
        try:
            channel = self._channel(message.contact)
        except DubanError as exc:
            name = describe_contact(message.contact)
            result = DeliveryResult(ok=False, permanent=True, detail=f"联系方式配置有误：{exc.message}")
        else:
            name = channel.describe()
            try:
                result = self._send(channel, message)
            except Throttled as exc:
                with session_scope(self.engine) as s:
                    release(s, [message.id], self.worker_id, self.clock.now() + timedelta(seconds=exc.wait))
                self._held.pop(0)
                report.throttled += 1
                log.info("%s 本分钟发送额度已满，消息 #%d 约 %.0f 秒后再发", name, message.id, exc.wait)
                return
            except LeaseLost:  # _keep_lease dropped it from _held and logged it
                return
            finally:
                if self._gate:  # a database write: an outage right after the send must not lose the result
                    until_stored(self._gate.close, self.stop, "机器人发送额度")
                self._gate = None
        took = round((time.perf_counter() - started) * 1000)
        # message.attempts was read after the claim, which already counted this attempt
        attempt = Attempt(message.id, message.channel, message.attempts, result, took, self.worker_id, name,
                          self.clock.now())
        backoff = self.policy.backoff(attempt.attempt, result.retry_after, self.rng)
        stored, outcome = until_stored(lambda: self._record(attempt, backoff), self.stop,
                                       f"消息 #{message.id} 的发送结果")
        self._held.pop(0)
        if not stored:
            raise Stopping()
        self._log(message, attempt, outcome, report)

    def _send(self, channel, message: Message) -> DeliveryResult:
        try:
            return channel.send(rendered(message, self._files.get(message.id, ())))
        except (Throttled, Stopping, LeaseLost):
            raise
        except Exception as exc:  # a defect must not stop the other messages or crash the loop
            if is_outage(exc):  # the robot budget's database, before the request: nothing was sent
                raise
            log.exception("发送消息 #%d 时出现程序错误", message.id)
            return DeliveryResult(ok=False, detail=f"程序错误（{type(exc).__name__}），稍后重试",
                                  retry_after=self.policy.retry_base_seconds)

    def _record(self, attempt: Attempt, backoff: float) -> Recorded | None:
        if attempt.result.ok and not attempt.result.refused:  # the common case, on the batch's connection
            try:
                return Recorded(SENT) if self._record_sent(attempt) else None
            except BaseException:
                self._drop_recording(broken=True)  # the next try (until_stored) connects afresh
                raise
        with session_scope(self.engine) as s:
            return record(s, attempt, self.policy, backoff)

    def _record_sent(self, attempt: Attempt) -> bool:
        """A clean success on one connection held for the whole batch.

        A pool checkout per message, with its liveness ping, cost a round trip and as much CPU
        as the record itself. PostgreSQL records it in one statement, atomic by itself, so the
        connection runs in autocommit and spares BEGIN and COMMIT too.
        """
        if self._recording is None:
            self._recording = self.engine.connect()
            if self.engine.dialect.name == "postgresql":
                self._recording.execution_options(isolation_level="AUTOCOMMIT")
        if self.engine.dialect.name == "postgresql":
            return record_sent(self._recording, attempt)
        with self._recording.begin():
            return record_sent(self._recording, attempt)

    def _drop_recording(self, broken: bool) -> None:
        """Give the batch's connection back; a broken one (outage, error) is discarded unused."""
        conn, self._recording = self._recording, None
        if conn is None:
            return
        if broken:
            conn.invalidate()
        conn.close()

    def _log(self, message: Message, attempt: Attempt, outcome, report: DispatchReport) -> None:
        result = attempt.result
        head = f"消息 #{message.id} → {message.unit.name}（{attempt.contact_name}）第 {attempt.attempt} 次"
        if outcome is None:
            log.warning("%s：结果已由其他工作进程处理（租约已被收回）", head)
        elif outcome.status == SENT:
            report.sent += 1
            log.info("已发送 %s：%d 条，用时 %d 毫秒", head, result.parts_sent, attempt.duration_ms)
        elif outcome.status == RETRY:
            report.retry += 1
            log.warning("发送未成功 %s：%s；%s 重试", head, result.detail,
                        outcome.next_attempt_at.isoformat(timespec="seconds"))
        else:
            report.failed += 1
            report.rerouted += outcome.rerouted
            log.error("发送失败 %s：%s；已通知管理员%s", head, result.detail,
                      "，该联系方式已停用" if outcome.disabled_contact else "")

