"""Shared fixtures: the sample document and a real PostgreSQL schema per test.

PostgreSQL tests run against DUBAN_TEST_PG_URL (default: this machine's server at
127.0.0.1:5432, database `test`). Without a server they skip with a visible reason,
except when DUBAN_REQUIRE_POSTGRES=1 (set by .ci/run): then they fail.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "fujian-ipa-2024-task-list.md"
OFFICE = ROOT / "tests" / "config" / "office"  # the tests' own config folder, never the office's
FUJIAN_UNITS = OFFICE / "units.yaml"
PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


FIGURES = pytest.StashKey[list]()


def pytest_configure(config) -> None:
    config.stash[FIGURES] = []
    # Whatever the shell exports, tests read the tests' own configuration (tests that need
    # another folder set it with monkeypatch, which restores this one afterwards).
    os.environ["DUBAN_CONFIG_DIR"] = str(OFFICE)
    os.environ.pop("DUBAN_UNITS", None)


def pytest_terminal_summary(terminalreporter, config) -> None:
    """Measured figures (fault tests, …) shown after every run, not only when a test fails."""
    if config.stash.get(FIGURES, None):
        terminalreporter.section("Duban: measured figures")
        for line in config.stash[FIGURES]:
            terminalreporter.write_line(line)


@pytest.fixture
def figures(request):
    """Call with a line of measured figures to have it printed in the run's summary."""
    return request.config.stash[FIGURES].append


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'duban.sqlite3'}"


@pytest.fixture
def pg_url():
    """A URL whose connections see only a fresh, private schema (dropped afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL 不可用 ({PG_URL}): {str(exc).splitlines()[0]}"
        if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " — CI 要求 PostgreSQL 测试必须运行")
        pytest.skip(reason)
    schema = f"duban_t_{uuid.uuid4().hex[:12]}"
    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.close()
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Run a test once on SQLite and once on the real PostgreSQL server."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(fixture)


def write_office_config(folder: Path) -> Path:
    """A copy of the tests' own config folder: the Fujian directory, default settings, no contacts."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in OFFICE.glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture
def office_config(tmp_path, monkeypatch):
    """DUBAN_CONFIG_DIR at a fresh folder of the tests' own (yielded), no DUBAN_UNITS override."""
    folder = write_office_config(tmp_path / "office")
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(folder))
    monkeypatch.delenv("DUBAN_UNITS", raising=False)
    return folder


@pytest.fixture
def store_config(db_url, tmp_path, monkeypatch):
    """The CLI and workers pointed at `db_url` and a config dir of the tests' own (yielded:
    the Fujian directory, default settings, no contacts), with no settings overrides from
    the environment; engines disposed afterwards."""
    from bot.store import close_stores

    config = write_office_config(tmp_path / "config")
    monkeypatch.delenv("DUBAN_UNITS", raising=False)
    monkeypatch.setenv("DUBAN_DATABASE_URL", db_url)
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(config))
    for name in ("DUBAN_TIMEZONE", "DUBAN_SEND_TIME", "DUBAN_LEAD_TIMES"):
        monkeypatch.delenv(name, raising=False)
    yield config
    close_stores()
