"""Recording what one send attempt did, in one transaction.

Success: the message is sent and so are its reminders. A retryable failure: the message
waits (exponential backoff with jitter, never sooner than the server asked, e.g. ≥ 60 s
after WeCom's 45009). A permanent failure, or the last allowed attempt: the message fails
and the admin is told once (an admin_notices row, delivered by the notice sweep). A robot
that refuses its key for good (93000 …) has its contact disabled with the reason; its
waiting messages are cancelled and the reminders they carried go back to `planned`, so the
next digest routes them to the unit's other contacts or to the admin.

A contact that cannot be used as configured (a `${VAR}` not set in this process's
environment, a malformed key) is the office's configuration at fault, not the robot's
answer: the contact stays enabled, the message fails with its reminders still queued on
it, the admin is told once per contact and day, and `deliveries resend` sends it again
once the configuration is fixed (jobs/resend.py).

Every reminder status change goes through bot.plan.transitions; the bulk success path
declares its one move (`SENT_EDGE`) against the same table.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Dialect, bindparam, exists, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from bot.notify import DeliveryResult
from bot.plan.notices import raise_notice
from bot.plan.states import CANCELLED, EXPIRED, FAILED, PENDING, PLANNED, QUEUED, REMINDER, RETRY, SENDING, SENT
from bot.plan.transitions import EventLog, event_row, transition
from bot.store.models import ADMIN, Delivery, Message, MessageReminder, Reminder, ReminderEvent, UTCDateTime
from jobs.channels import ROBOTS, contact_problem
from jobs.policy import DeliveryPolicy

# Permanent robot codes that blame the message, not the robot: the contact stays enabled.
MESSAGE_FAULTS = {40008, 40058, 44004, 45002, 400402, 9499}


@dataclass(frozen=True)
class Attempt:
    """One send of one message as the dispatcher saw it."""

    message_id: int
    channel: str
    attempt: int
    result: DeliveryResult
    duration_ms: int
    worker: str
    contact_name: str  # describe(): masked
    at: datetime


@dataclass(frozen=True)
class Recorded:
    status: str  # sent | retry | failed
    next_attempt_at: datetime | None = None
    disabled_contact: bool = False
    rerouted: int = 0  # reminders given back to the planner for another route


def _give_back(session: Session, message_ids: list[int], at: datetime, actor: str, why: str) -> int:
    """Reminders of failed/cancelled messages not carried by any live message: replanned or expired."""
    carried = set(session.scalars(select(MessageReminder.reminder_id)
                                  .where(MessageReminder.message_id.in_(message_ids))))
    alive = set(session.scalars(
        select(MessageReminder.reminder_id).join(Message, Message.id == MessageReminder.message_id)
        .where(MessageReminder.reminder_id.in_(carried), Message.id.not_in(message_ids),
               Message.status.in_((PENDING, RETRY, SENDING, SENT)))))
    rerouted = 0
    log = EventLog(at, actor)
    for rem in session.scalars(select(Reminder).where(Reminder.id.in_(carried - alive),
                                                      Reminder.status == QUEUED)):
        new = PLANNED if rem.not_after > at else EXPIRED
        transition(log, rem, new, f"{why}，改由其他联系方式或管理员接收" if new == PLANNED else f"{why}，且已过有效期")
        rerouted += new == PLANNED
    log.save(session)
    return rerouted


def _disables_contact(message: Message, result: DeliveryResult) -> bool:
    """A robot's permanent refusal of the contact; not one of the message, nor of this machine's setup (a CA)."""
    return (result.permanent and message.channel in ROBOTS and result.errcode not in MESSAGE_FAULTS
            and not result.environment)


def _is_notice(session: Session, message: Message) -> bool:
    """A message to the admin carrying no reminder is a system notice: its failure is only logged."""
    if message.unit.kind != ADMIN:
        return False
    return session.scalars(select(MessageReminder.reminder_id)
                           .where(MessageReminder.message_id == message.id).limit(1)).first() is None


# The success path runs once per message and bounds the send rate: its statements are
# built once (SQLAlchemy then reuses their compiled form) and run on a plain connection.
_DELIVERED = insert(Delivery)
# Ours: our lease, or reaped meanwhile and not claimed again (either way our result is the truth).
_OWNED = (Message.id == bindparam("mid")) & or_(
    (Message.status == SENDING) & (Message.lease_owner == bindparam("worker")),
    (Message.status == RETRY) & Message.lease_owner.is_(None))
_MARK_SENT = update(Message).where(_OWNED).values(status=SENT, lease_owner=None, lease_until=None, last_error=None,
                                                 sent_at=bindparam("at"))
SENT_EDGE = REMINDER.edge(QUEUED, SENT)  # the one reminder move of the success path, checked at import
_REMINDERS_SENT = (update(Reminder)
                   .where(Reminder.id.in_(select(MessageReminder.reminder_id)
                                          .where(MessageReminder.message_id == bindparam("mid"))),
                          Reminder.status == SENT_EDGE.old)
                   .values(status=SENT_EDGE.new, reason=bindparam("why"), updated_at=bindparam("at"))
                   .returning(Reminder.id))
_EVENTS = insert(ReminderEvent)


def _sent_in_one_statement():
    """PostgreSQL: the four writes above as one statement of data-modifying CTEs, one round trip.

    The machine is CPU-bound and each round trip costs both sides a wake-up. Same meaning as
    the SQLite path: the delivery row is written even when the message is no longer ours; the
    reminders (and their events) move only when the message did (they hang off `mark`).
    """
    at = bindparam("at", type_=UTCDateTime())
    mark = _MARK_SENT.returning(Message.id).cte("mark")
    # Parameter names matching no column of the tables written: SQLAlchemy would take them for SET values.
    delivered = (insert(Delivery).values(message_id=bindparam("mid"), attempt=bindparam("attempt_no"), at=at,
                                         channel=bindparam("via"), status=SENT, error=None,
                                         duration_ms=bindparam("took_ms"), worker=bindparam("worker"))
                 .cte("delivered"))
    reminded = (update(Reminder)
                .where(Reminder.id.in_(select(MessageReminder.reminder_id)
                                       .where(MessageReminder.message_id.in_(select(mark.c.id)))),
                       Reminder.status == SENT_EDGE.old)
                .values(status=SENT_EDGE.new, reason=bindparam("why"), updated_at=at)
                .returning(Reminder.id).cte("reminded"))
    events = (insert(ReminderEvent)
              .from_select(["reminder_id", "at", "old_status", "new_status", "reason", "actor"],
                           select(reminded.c.id, at, literal(SENT_EDGE.old), literal(SENT_EDGE.new), bindparam("why"),
                                  bindparam("worker")))
              .cte("events"))
    return select(exists(select(mark.c.id))).add_cte(delivered, events)


_SENT = _sent_in_one_statement()


@cache
def _sent_for_driver(dialect: Dialect) -> tuple[str, dict]:
    """_SENT compiled once, with its constant parameters, to run as driver SQL.

    SQLAlchemy's work on each execution of a built statement (cache key, bind processing,
    result set-up) cost a worker a sixth of its CPU per message. exec_driver_sql still goes
    through the Connection, so a lost connection is still recognised and invalidated.
    """
    compiled = _SENT.compile(dialect=dialect)
    return str(compiled), dict(compiled.params)


def record_sent(conn: Connection, attempt: Attempt) -> bool:
    """The common case, a clean success; False when the message is no longer ours."""
    why = f"已由消息 #{attempt.message_id} 送达"
    if conn.dialect.name == "postgresql":
        sql, constants = _sent_for_driver(conn.dialect)
        return conn.exec_driver_sql(sql, {**constants, "mid": attempt.message_id, "attempt_no": attempt.attempt,
                                          "at": attempt.at, "via": attempt.channel, "took_ms": attempt.duration_ms,
                                          "worker": attempt.worker, "why": why}).scalar_one()
    conn.execute(_DELIVERED, dict(message_id=attempt.message_id, attempt=attempt.attempt, at=attempt.at,
                                  channel=attempt.channel, status=SENT, error=None,
                                  duration_ms=attempt.duration_ms, worker=attempt.worker))
    if not conn.execute(_MARK_SENT, dict(mid=attempt.message_id, worker=attempt.worker, at=attempt.at)).rowcount:
        return False
    ids = conn.execute(_REMINDERS_SENT, dict(mid=attempt.message_id, why=why, at=attempt.at)).scalars().all()
    if ids:
        conn.execute(_EVENTS, [event_row(i, SENT_EDGE, why, attempt.at, attempt.worker) for i in ids])
    return True


def record(session: Session, attempt: Attempt, policy: DeliveryPolicy, backoff: float) -> Recorded | None:
    """Store one attempt's result; None when the message is no longer ours (another worker took it over)."""
    result = attempt.result
    if result.ok:
        if not record_sent(session.connection(), attempt):
            return None
        if result.refused:
            message = session.get(Message, attempt.message_id)
            for address, reason in result.refused.items():
                raise_notice(session, f"refused-{message.contact_id}-{address}",
                             f"{message.unit.name} 的邮箱 {address} 拒收提醒：{reason}。其他地址已送达；请核对该地址。")
        return Recorded(SENT)
    status = FAILED if result.permanent or attempt.attempt >= policy.max_attempts else RETRY
    session.execute(_DELIVERED, dict(message_id=attempt.message_id, attempt=attempt.attempt, at=attempt.at,
                                     channel=attempt.channel, status=status, error=result.detail,
                                     duration_ms=attempt.duration_ms, worker=attempt.worker))
    values: dict = dict(status=status, lease_owner=None, lease_until=None, last_error=result.detail)
    next_at = attempt.at + timedelta(seconds=backoff) if status == RETRY else None
    if next_at:
        values["next_attempt_at"] = next_at
    owned = session.execute(update(Message).where(_OWNED).values(**values)
                            .execution_options(synchronize_session=False),
                            dict(mid=attempt.message_id, worker=attempt.worker)).rowcount
    if not owned:
        return None
    if status == RETRY:
        return Recorded(RETRY, next_at)
    return _fail(session, session.get(Message, attempt.message_id), attempt)


def _fail(session: Session, message: Message, attempt: Attempt) -> Recorded:
    result, contact = attempt.result, message.contact
    if contact_problem(contact) is not None:  # the office's configuration, not the robot's answer
        _tell_misconfigured(session, message, attempt)
        return Recorded(FAILED)
    disable = _disables_contact(message, result) and contact.enabled
    failed = [message.id]
    if disable:
        contact.enabled, contact.disabled_reason, contact.updated_at = False, result.detail, attempt.at
        failed += session.execute(
            update(Message).where(Message.contact_id == contact.id, Message.status.in_((PENDING, RETRY)))
            .values(status=CANCELLED, last_error=f"联系方式已停用：{result.detail}")
            .returning(Message.id).execution_options(synchronize_session=False)).scalars().all()
    why = f"消息 #{message.id} 发送失败（{result.detail}）"
    rerouted = _give_back(session, failed, attempt.at, attempt.worker, why)
    if not _is_notice(session, message):
        tried = "不再重试" if result.permanent else f"已尝试 {attempt.attempt} 次"
        text = (f"发给“{message.unit.name}”的提醒（消息 #{message.id}：{message.subject}）未能送达，{tried}。"
                f"渠道 {attempt.contact_name}，原因：{result.detail}。")
        if disable:
            text += ("该联系方式已自动停用，之后的提醒改发该单位的其他联系方式或管理员。"
                     "请在 config/contacts.yaml 中更新该单位的机器人地址并重新应用配置。")
        if rerouted:
            text += f"其中 {rerouted} 项提醒将改发其他联系方式或管理员。"
        raise_notice(session, f"delivery-failed-{message.id}", text)
    return Recorded(FAILED, disabled_contact=disable, rerouted=rerouted)


def _tell_misconfigured(session: Session, message: Message, attempt: Attempt) -> None:
    """Once per configuration error and day (not per message): the contact stays enabled, resend after fixing."""
    if _is_notice(session, message):
        return
    digest = hashlib.sha256(attempt.result.detail.encode("utf-8")).hexdigest()[:16]
    raise_notice(
        session, f"contact-misconfigured-{digest}-{message.send_date}",
        f"“{message.unit.name}”的联系方式 {attempt.contact_name} 无法使用：{attempt.result.detail.rstrip('。')}。"
        f"该联系方式保持启用，发给它的消息（如消息 #{message.id}）已记为失败，其中的提醒等待重新发送。"
        "修正后重启服务，再运行 python -m bot deliveries resend --failed 重新发送。")
