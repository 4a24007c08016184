"""Opening the store: resolve the URL, create the engine, apply migrations once per process.

URL precedence: the `url` argument, then DUBAN_DATABASE_URL, then `database.url` in
config/settings.yaml, then sqlite:///data/duban.sqlite3. A relative SQLite path is taken
relative to the current directory (run commands from the project root).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import DubanError

DEFAULT_URL = "sqlite:///data/duban.sqlite3"
_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get("DUBAN_DATABASE_URL"):
        return os.environ["DUBAN_DATABASE_URL"]
    from bot.config.settings import load_settings

    return load_settings().database_url or DEFAULT_URL


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def create_store_engine(url: str) -> Engine:
    """An engine with the settings every command wants (SQLite: WAL, foreign keys, busy wait)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DubanError(f"数据库地址无法解析: {exc}。请检查 DUBAN_DATABASE_URL 或 settings.yaml 的 database.url。") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def open_store(url: str | None = None, *, migrate: bool = True) -> Engine:
    """The one way commands reach the database: an engine whose schema is up to date."""
    resolved = database_url(url)
    engine = _engines.get(resolved)
    if engine is None:
        engine = create_store_engine(resolved)
        if migrate:
            from bot.store.migrate import upgrade

            try:
                upgrade(engine)
            except OperationalError as exc:
                engine.dispose()
                raise DubanError(
                    f"无法连接数据库 {make_url(resolved).render_as_string(hide_password=True)}: "
                    f"{str(exc.orig).strip().splitlines()[0]}"
                ) from exc
        _engines[resolved] = engine
    return engine


def close_stores() -> None:
    """Dispose every cached engine (tests, and workers on shutdown)."""
    while _engines:
        _engines.popitem()[1].dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing half-written."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
