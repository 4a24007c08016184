"""Fixtures of the fault tests: a private PostgreSQL schema, its engine, the loopback robot, workers."""
from __future__ import annotations

import pytest

from tests.support.loopback import LoopbackRobot
from bot.store import close_stores, open_store
from tests.faults.fleet import Workers


@pytest.fixture
def engine(pg_url):
    yield open_store(pg_url)
    close_stores()


@pytest.fixture
def robot():
    with LoopbackRobot() as server:
        yield server


@pytest.fixture
def config_dir(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


@pytest.fixture
def workers(tmp_path):
    """Start with `workers.env = worker_env(...)`; whatever is still running is stopped at the end."""
    logs = tmp_path / "logs"
    logs.mkdir()
    fleet = Workers(env={}, logs=logs)
    yield fleet
    fleet.stop()
