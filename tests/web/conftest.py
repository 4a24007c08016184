"""A console on a private store with the seed imported, two accounts and a clock tests can move."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from bot.cli import cli

ADMIN_PASSWORD = "督办-admin-密码-2024"
VIEWER_PASSWORD = "督办-viewer-密码-2024"


class Clock:
    """The console's notion of now; `advance` moves it (sessions and locks expire)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def cli_run(store_config):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, code: int = 0):
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 6, 20, 1, 0, tzinfo=timezone.utc))


@pytest.fixture
def app(cli_run, seed_path, clock, db_url):
    from bot.web import create_app

    cli_run("import", str(seed_path), "--as-of", "2024-06-20")
    cli_run("users", "add", "admin", "--role", "admin", "--password-stdin", input=ADMIN_PASSWORD + "\n")
    cli_run("users", "add", "viewer", "--role", "viewer", "--password-stdin", input=VIEWER_PASSWORD + "\n")
    application = create_app(db_url, clock=clock)
    application.config.update(TESTING=True)
    return application


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


def log_in(client, username: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(page.get_data(as_text=True))})


@pytest.fixture
def admin(app):
    client = app.test_client()
    assert log_in(client, "admin", ADMIN_PASSWORD).status_code == 302
    return client


@pytest.fixture
def viewer(app):
    client = app.test_client()
    assert log_in(client, "viewer", VIEWER_PASSWORD).status_code == 302
    return client
