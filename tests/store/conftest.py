"""A private store and config directory per test, reached by the CLI through the environment."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config.settings import Settings
from bot.store import open_store, session_scope

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def env(store_config):
    """DUBAN_DATABASE_URL on SQLite or PostgreSQL, an empty config dir."""
    return store_config


@pytest.fixture
def engine(env, db_url):
    return open_store(db_url)


@pytest.fixture
def session(engine):
    with session_scope(engine) as s:
        yield s


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def run():
    """Invoke `python -m bot …` in-process; fails the test on an unexpected exit code."""
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None):
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture
def at():
    """at("2024-05-22", 10) → that wall-clock instant in Asia/Shanghai."""

    def make(day: str, hour: int = 0, minute: int = 0) -> datetime:
        return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)

    return make
