"""`python -m bot run` as a separate process: a replayed year, a second process, SIGTERM and kill -9."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.loopback import Reply
from bot.pipeline import extract_document
from bot.plan.imports import import_extraction
from bot.store import session_scope
from bot.store.models import PENDING, PLANNED, SENDING, SENT, Contact, Message, Milestone, Reminder, Unit
from tests.conftest import FUJIAN_UNITS
from tests.jobs.conftest import Office, local, markdown_of

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_office(sqlite_url, tmp_path, monkeypatch, robot):
    from bot.store import close_stores, open_store

    monkeypatch.setenv("DUBAN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path))
    shutil.copy(FUJIAN_UNITS, tmp_path / "units.yaml")  # the seed's unit directory
    yield Office(open_store(sqlite_url), robot)
    close_stores()


def bot_env(url: str, config: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(DUBAN_DATABASE_URL=url, DUBAN_CONFIG_DIR=str(config), DUBAN_DISPATCH_SECONDS="0.5",
               DUBAN_ROBOT_WINDOW_SECONDS="0.05", PYTHONUNBUFFERED="1", **extra)
    return env


def start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "run", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def due_now(office: Office, units: int) -> list[str]:
    """`units` units, each with its own robot and one reminder due now (real time)."""
    names = [f"处室{n:02d}" for n in range(units)]
    ids = [office.unit(name) for name in names]
    office.admin()
    mid = office.milestone("专利盘点", datetime.now(timezone.utc).date() + timedelta(days=3), ids)
    for uid in ids:
        office.reminder(mid, uid, datetime.now(timezone.utc) - timedelta(minutes=1))
    return names


def items(markdown: str) -> list[tuple[str, str, str]]:
    """(digest day, milestone, due) for every item in the digests, in order."""
    out, day, due = [], None, None
    for m in re.finditer(r"截至 (\d{4}-\d\d-\d\d)|截止：(\d{4}-\d\d-\d\d)|节点编号：(M\d+)", markdown):
        if m.group(1):
            day = m.group(1)
        elif m.group(2):
            due = m.group(2)
        else:
            out.append((day, m.group(3), due))
    return out


def test_replaying_the_seed_year_delivers_each_planned_reminder_exactly_once(sqlite_office, sqlite_url, tmp_path,
                                                                           seed_path):
    office = sqlite_office
    with session_scope(office.engine) as s:
        import_extraction(s, extract_document(seed_path), settings=office.settings.__class__(),
                          as_of=local("2024-05-22", 0), actor="test")
        for unit in s.scalars(select(Unit)):
            s.add(Contact(unit_id=unit.id, kind="wecom", target=office.url(unit.name), mentions=[]))
        expected = Counter(
            (r.unit.name, r.send_on.isoformat(), f"M{r.milestone_id}", r.due.isoformat())
            for r in s.scalars(select(Reminder).where(Reminder.status == PLANNED,
                                                      Reminder.send_at < local("2025-01-01", 0))))
        units = [u.name for u in s.scalars(select(Unit))]
    assert sum(expected.values()) > 500

    done = subprocess.run([sys.executable, "-m", "bot", "run", "--as-of", "2024-05-22", "--until", "2024-12-31"],
                          cwd=ROOT, env=bot_env(sqlite_url, tmp_path), capture_output=True, text=True, timeout=180)

    assert done.returncode == 0, done.stderr[-2000:]
    received = Counter()
    for unit in units:
        markdown = "\n".join(markdown_of(r) for r in office.received_by(unit))
        received.update((unit, *item) for item in items(markdown))
    assert received == expected
    assert "回放 2024-05-22 至 2024-12-31" in done.stdout
    with session_scope(office.engine) as s:
        assert s.scalars(select(Reminder).where(Reminder.status == PLANNED,
                                                Reminder.send_at < local("2025-01-01", 0))).first() is None


def test_a_second_run_on_the_same_sqlite_database_is_refused(sqlite_office, sqlite_url, tmp_path):
    first = start(bot_env(sqlite_url, tmp_path))
    try:
        wait_for(lambda: Path(sqlite_url.removeprefix("sqlite:///") + ".run.lock").exists()
                 and Path(sqlite_url.removeprefix("sqlite:///") + ".run.lock").read_text().strip() == str(first.pid))
        second = subprocess.run([sys.executable, "-m", "bot", "run", "--once"], cwd=ROOT,
                                env=bot_env(sqlite_url, tmp_path), capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "只能运行一个发送进程" in second.stderr and f"进程 {first.pid}" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
    assert first.returncode == 0


def test_sigterm_stops_after_the_send_in_flight_and_gives_the_rest_back(sqlite_office, sqlite_url, tmp_path):
    office = sqlite_office
    due_now(office, 6)
    office.robot.responder = lambda r: Reply(delay=1.0)
    run = start(bot_env(sqlite_url, tmp_path))
    wait_for(lambda: len(office.robot.received) >= 1)

    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=30)

    assert run.returncode == 0 and "已停止" in err
    with session_scope(office.engine) as s:
        messages = list(s.scalars(select(Message).where(Message.contact.has(Contact.kind == "wecom"))))
    received = len(office.robot.received)
    assert SENDING not in {m.status for m in messages}
    assert sum(m.status == SENT for m in messages) == received
    assert all(m.attempts == 0 for m in messages if m.status == PENDING)
    assert received < 6


def test_kill_9_while_sending_loses_nothing_and_repeats_at_most_the_message_in_flight(sqlite_office, sqlite_url,
                                                                                   tmp_path):
    office = sqlite_office
    names = due_now(office, 12)
    office.robot.responder = lambda r: Reply(delay=0.3)
    env = bot_env(sqlite_url, tmp_path)
    run = start(env)
    wait_for(lambda: len(office.robot.received) >= 4)

    run.send_signal(signal.SIGKILL)
    run.wait(timeout=10)
    before = len(office.robot.received)
    again = subprocess.run([sys.executable, "-m", "bot", "run", "--once"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)

    assert again.returncode == 0, again.stderr[-2000:]
    per_unit = Counter(name for name in names for _ in office.received_by(name))
    assert set(per_unit) == set(names)  # nothing lost
    assert sum(per_unit.values()) - len(names) <= 1  # at most the one in flight twice
    assert before < len(names)  # the kill really happened mid-batch
    with session_scope(office.engine) as s:
        assert {m.status for m in s.scalars(select(Message))} == {SENT}
        assert s.scalar(select(Milestone.id)) is not None
