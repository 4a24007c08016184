"""How `bot run` ends: no lock file after a clean stop, non-zero after an interrupted replay,
and a one-shot run that gives up on a database that stays down (issue 10, F19)."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest

from bot.errors import DubanError
from tests.support.loopback import Reply
from jobs.resilience import wait_for_store
from jobs.runlock import lock_path, single_runner

pytestmark = pytest.mark.slow


def test_a_clean_stop_removes_the_lock_and_a_second_runner_is_refused_meanwhile(tmp_path):
    url = f"sqlite:///{tmp_path / 'duban.sqlite3'}"
    with single_runner(url):
        assert lock_path(url).read_text() != ""
        with pytest.raises(DubanError, match="已有一个 python -m bot run"):
            with single_runner(url):
                pass
    assert not lock_path(url).exists()
    with single_runner(url):  # and the next run takes it again
        assert lock_path(url).exists()


def test_run_once_gives_up_on_a_database_that_stays_down():
    started = time.monotonic()
    with pytest.raises(DubanError) as raised:
        wait_for_store("postgresql+psycopg://duban:pw@127.0.0.1:9/duban", threading.Event(), create=False, give_up_after=3)
    assert raised.value.exit_code == 1 and "放弃本次运行" in raised.value.message
    assert time.monotonic() - started < 10
    assert "pw@" not in raised.value.message


def test_an_interrupted_replay_exits_non_zero_and_leaves_no_lock(checkout):
    checkout.robot.responder = lambda received: Reply(delay=1.0)
    run = subprocess.Popen([sys.executable, "-m", "bot", "run", "--as-of", "2024-06-20", "--until", "2024-12-31"],
                           cwd=checkout.root, env=checkout.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not checkout.robot.received:
        assert time.monotonic() < deadline and run.poll() is None, run.communicate()
        time.sleep(0.05)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1, err
    assert "回放被停止信号中断" in err
    assert not list(checkout.root.rglob("*.run.lock"))
