"""An office's config folder and a SQLite store of the test's own, driven through `python -m bot …`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import cli

WECOM_KEY = "7f3c2a9e-1b4d-4c8e-9a6f-2d5e8b1c0a77"


@pytest.fixture
def office(office_config, sqlite_url, monkeypatch):
    """DUBAN_CONFIG_DIR at the tests' Fujian folder, DUBAN_DATABASE_URL at a fresh SQLite file."""
    from bot.store import close_stores

    monkeypatch.setenv("DUBAN_DATABASE_URL", sqlite_url)
    for name in ("DUBAN_TIMEZONE", "DUBAN_SEND_TIME", "DUBAN_LEAD_TIMES", "DUBAN_SMTP_HOST", "DUBAN_SMTP_USER",
                 "DUBAN_SMTP_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WECOM_KEY_BAOHU", WECOM_KEY)
    yield office_config
    close_stores()


@pytest.fixture
def bot():
    """Invoke `python -m bot …` in-process; fails the test on an unexpected exit code."""
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture
def stored(sqlite_url):
    """stored() → the store's contacts as {unit name: [(kind, target, enabled)]}."""
    from sqlalchemy import select

    from bot.store import open_store, session_scope
    from bot.store.models import Contact, Unit

    def read() -> dict:
        out: dict = {}
        with session_scope(open_store(sqlite_url)) as s:
            for name, kind, target, enabled in s.execute(
                    select(Unit.name, Contact.kind, Contact.target, Contact.enabled).join(Contact.unit).order_by(Contact.id)):
                out.setdefault(name, []).append((kind, target, enabled))
        return out

    return read
