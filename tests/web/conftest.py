"""A console on a private store with the seed imported, two accounts and a clock tests can move."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

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


def _prepare(invoke, seed_path) -> None:
    """The seed imported as of 2024-06-20 and two accounts."""
    invoke("import", str(seed_path), "--as-of", "2024-06-20")
    invoke("users", "add", "admin", "--role", "admin", "--password-stdin", input=ADMIN_PASSWORD + "\n")
    invoke("users", "add", "viewer", "--role", "viewer", "--password-stdin", input=VIEWER_PASSWORD + "\n")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, seed_path) -> Path:
    """A prepared SQLite file made once; each SQLite test starts from a copy of it."""
    from bot.store import close_stores
    from tests.conftest import write_office_config

    folder = tmp_path_factory.mktemp("web-template")
    database = folder / "template.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUBAN_DATABASE_URL", f"sqlite:///{database}")
        mp.setenv("DUBAN_CONFIG_DIR", str(write_office_config(folder / "config")))
        runner = CliRunner()

        def invoke(*args, input=None):
            result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
            assert result.exit_code == 0, result.output

        _prepare(invoke, seed_path)
    close_stores()
    return database


@pytest.fixture
def app(cli_run, seed_path, clock, db_url, request):
    from bot.web import create_app

    if db_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("sqlite_template"), db_url.removeprefix("sqlite:///"))
    else:
        _prepare(cli_run, seed_path)
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
