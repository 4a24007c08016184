"""`health` answers 0 on a working deployment and names each failing condition with exit 1."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.store import open_store, session_scope
from bot.store.db import close_stores
from bot.store.models import SENDING, SENT, Contact, Message, Unit, WorkerHeartbeat, utcnow


@pytest.fixture
def store(db_url, monkeypatch):
    """A migrated store (SQLite and PostgreSQL) that `health` reads through DUBAN_DATABASE_URL."""
    monkeypatch.setenv("DUBAN_DATABASE_URL", db_url)
    engine = open_store(db_url)
    yield engine
    close_stores()


def beat(engine, age: timedelta, worker: str = "host-1:4242") -> None:
    with session_scope(engine) as session:
        session.merge(WorkerHeartbeat(worker_id=worker, started_at=utcnow() - age, last_beat=utcnow() - age))


def leased_message(engine, status: str, lease_expired_ago: timedelta) -> None:
    with session_scope(engine) as session:
        unit = Unit(name=f"知识产权保护处-{status}")
        contact = Contact(unit=unit, kind="wecom", target="${WECOM_KEY_BAOHU}")
        now = utcnow()
        session.add(Message(unit=unit, contact=contact, channel="wecom", send_at=now, send_date=date.today(),
                            content_hash=str(now.timestamp()), body="提醒", status=status, next_attempt_at=now,
                            lease_owner="host-2:99", lease_until=now - lease_expired_ago))


def health(*args):
    result = CliRunner().invoke(cli, ["health", *args], catch_exceptions=False)
    return result.exit_code, result.output


def checks() -> dict[str, dict]:
    _, output = health("--format", "json")
    return {c["name"]: c for c in json.loads(output)["checks"]}


def test_it_is_healthy_on_a_fresh_store_with_a_recent_heartbeat(store):
    beat(store, timedelta(seconds=20))
    code, output = health()
    assert code == 0, output
    assert output.splitlines()[-1] == "健康"
    assert "[正常] 调度心跳：正常，1 个进程在线" in output
    assert all(c["ok"] for c in checks().values())


def test_it_fails_when_no_worker_ever_beat(store):
    code, output = health()
    assert code == 1
    assert "没有任何 bot run 进程报告过心跳" in output
    assert output.splitlines()[-1] == "不健康"


def test_it_fails_when_the_last_heartbeat_is_too_old(store):
    beat(store, timedelta(minutes=10))
    code, output = health()
    assert code == 1
    assert "最近一次在 10 分钟前" in output
    assert checks()["heartbeat"]["ok"] is False
    assert health("--max-heartbeat-age", "900")[0] == 0


def test_it_fails_when_a_message_is_stuck_past_its_lease(store):
    beat(store, timedelta(seconds=5))
    leased_message(store, SENDING, timedelta(minutes=30))
    code, output = health()
    assert code == 1
    assert "[异常] 发送租约：1 条消息租约已过期" in output
    assert checks()["leases"]["ok"] is False


def test_it_tolerates_a_lease_just_expired_or_a_sent_message(store):
    beat(store, timedelta(seconds=5))
    leased_message(store, SENDING, timedelta(seconds=30))  # inside the margin: a worker is about to take it over
    leased_message(store, SENT, timedelta(hours=3))
    assert health()[0] == 0


def test_it_fails_when_the_database_cannot_be_reached(monkeypatch):
    monkeypatch.setenv("DUBAN_DATABASE_URL", "postgresql+psycopg://duban:Secr3tPw@127.0.0.1:9/duban")
    code, output = health()
    assert code == 1
    assert "[异常] 数据库：无法连接" in output
    assert "Secr3tPw" not in output


def test_it_fails_on_a_database_never_initialised(tmp_path, monkeypatch):
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{path}")
    code, output = health()
    assert code == 1
    assert "[正常] 数据库：可连接" in output
    assert "数据库尚未初始化" in output


def test_it_does_not_create_a_missing_sqlite_file(tmp_path, monkeypatch):
    path = tmp_path / "data" / "duban.sqlite3"
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{path}")
    code, output = health()
    assert code == 1 and "不存在" in output
    assert not path.exists()
