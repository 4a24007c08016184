"""The live loop's guard rides out a database outage; the heartbeat says the worker is alive."""
from __future__ import annotations

import logging
import threading

from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from bot.store import session_scope
from bot.store.models import WorkerHeartbeat
from jobs.clock import RealClock
from jobs.resilience import is_outage
from jobs.runner import Guard


def test_a_database_outage_is_logged_once_and_its_end_once(caplog):
    closed = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/test", connect_args={"connect_timeout": 2})
    guard, calls = Guard(threading.Event(), RealClock()), []

    def job() -> None:
        calls.append(1)
        if len(calls) <= 3:
            with closed.connect():
                pass

    with caplog.at_level(logging.INFO, logger="duban.jobs"):
        for _ in range(4):
            guard("发送", job)

    messages = [r.getMessage() for r in caplog.records]
    assert len(calls) == 4
    assert sum("数据库不可用" in m for m in messages) == 1
    assert sum("数据库已恢复" in m for m in messages) == 1


def test_a_failing_job_does_not_stop_the_next_run(caplog):
    guard, runs = Guard(threading.Event(), RealClock()), []

    def broken() -> None:
        runs.append(1)
        raise ValueError("defect")

    guard("生成提醒汇总", broken)
    guard("生成提醒汇总", broken)

    assert len(runs) == 2 and "任务“生成提醒汇总”出错" in caplog.text


def test_the_heartbeat_records_the_worker_and_moves_on(office):
    worker = office.worker()
    worker.heartbeat()
    with session_scope(office.engine) as s:
        first = s.scalars(select(WorkerHeartbeat)).one()
    worker.heartbeat()
    with session_scope(office.engine) as s:
        again = s.scalars(select(WorkerHeartbeat)).one()
    assert again.worker_id == "test-worker" and again.started_at == first.started_at
    assert again.last_beat > first.last_beat


def test_outages_are_recognised_and_other_errors_are_not():
    assert is_outage(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_outage(ValueError("defect"))
