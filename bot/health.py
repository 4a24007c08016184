"""`health`: is this deployment doing its job? For container healthchecks and monitoring.

Three questions, each answered by the store alone (no channel is contacted):
the database answers; some `bot run` process has beaten its heartbeat recently;
no message has sat in `sending` past its lease (a worker died holding it and nobody
took it over). It never migrates or creates anything: a probe must not change state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import DubanError
from bot.store.db import create_store_engine, describe_url, first_line, parse_url
from bot.store.models import SENDING, Message, WorkerHeartbeat

CONNECT_TIMEOUT_SECONDS = 5
DATABASE, HEARTBEAT, LEASES = "database", "heartbeat", "leases"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # one Chinese line

    def to_json(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} 秒"
    if seconds < 7200:
        return f"{seconds // 60} 分钟"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} 小时"
    return f"{seconds // 86400} 天"


def _probe_engine(url: str) -> Engine:
    """An engine that gives up quickly: a healthcheck must answer before its own timeout."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not Path(parsed.database).exists():
            raise DubanError(f"数据库文件 {parsed.database} 不存在：bot 尚未运行过，或 DUBAN_DATABASE_URL 指错了位置。")
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        url = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}).render_as_string(hide_password=False)
    return create_store_engine(url)


def _heartbeat(conn, now: datetime, max_age: timedelta) -> Check:
    latest, alive = conn.execute(
        select(func.max(WorkerHeartbeat.last_beat),
               func.count().filter(WorkerHeartbeat.last_beat >= now - max_age))
    ).one()
    if latest is None:
        return Check(HEARTBEAT, False, "调度心跳：没有任何 bot run 进程报告过心跳，提醒服务可能从未启动。")
    if alive == 0:
        return Check(HEARTBEAT, False, f"调度心跳：最近一次在 {_ago(now - latest)}前（超过 {_ago(max_age)}），bot run 可能已停止。")
    return Check(HEARTBEAT, True, f"调度心跳：正常，{alive} 个进程在线，最近一次在 {_ago(max(now - latest, timedelta(0)))}前。")


def _leases(conn, now: datetime, margin: timedelta) -> Check:
    stuck, oldest = conn.execute(
        select(func.count(), func.min(Message.lease_until))
        .where(Message.status == SENDING, Message.lease_until < now - margin)
    ).one()
    if stuck:
        return Check(LEASES, False, f"发送租约：{stuck} 条消息租约已过期仍未发出（最早过期于 {_ago(now - oldest)}前），"
                                    "接手的进程可能都已停止。")
    return Check(LEASES, True, "发送租约：没有卡住的消息。")


def run_health(url: str, now: datetime, max_heartbeat_age: timedelta, lease_margin: timedelta) -> list[Check]:
    """The three checks in order; once the database fails the others cannot be answered."""
    shown = describe_url(url)
    try:
        engine = _probe_engine(url)
    except DubanError as exc:
        return [Check(DATABASE, False, f"数据库：{exc.message}")]
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            checks = [Check(DATABASE, True, f"数据库：可连接（{shown}）。")]
            try:
                checks.append(_heartbeat(conn, now, max_heartbeat_age))
                checks.append(_leases(conn, now, lease_margin))
            except SQLAlchemyError:
                checks.append(Check(HEARTBEAT, False, "调度心跳：数据库尚未初始化（没有提醒服务的表），请先启动 bot run。"))
            return checks
    except SQLAlchemyError as exc:
        return [Check(DATABASE, False, f"数据库：无法连接 {shown}：{first_line(exc)}")]
    finally:
        engine.dispose()
