"""Opening the store: resolve the URL, create the engine, apply migrations once per process.

URL precedence: the `url` argument, then DUBAN_DATABASE_URL, then `database.url` in
config/settings.yaml, then sqlite:///data/duban.sqlite3. A relative SQLite path is taken
relative to the current directory (run commands from the project root). A URL is checked
before use (backend, driver, port, path), and shown only through `describe_url`, which
hides passwords wherever the URL carries them.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import DubanError, os_reason

DEFAULT_URL = "sqlite:///data/duban.sqlite3"
BACKENDS = ("sqlite", "postgresql")
URL_HELP = ("请检查 DUBAN_DATABASE_URL 或 settings.yaml 的 database.url，"
            "例如 sqlite:///data/duban.sqlite3 或 postgresql+psycopg://duban:密码@127.0.0.1:5432/duban。")
log = logging.getLogger("duban.store")
_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get("DUBAN_DATABASE_URL"):
        return os.environ["DUBAN_DATABASE_URL"]
    from bot.config.settings import load_settings

    return load_settings().database_url or DEFAULT_URL


def parse_url(url: str) -> URL:
    """The URL parsed and checked: a supported backend whose driver is installed, a numeric port."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DubanError(f"数据库地址无法解析（端口须为数字，形如 协议://用户:密码@主机:端口/库名）。{URL_HELP}") from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DubanError(f"不支持的数据库类型 {backend!r}：督办提醒只支持 SQLite 和 PostgreSQL。{URL_HELP}")
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise DubanError(f"数据库驱动 {parsed.drivername!r} 未安装。PostgreSQL 请写 postgresql+psycopg://…（psycopg 3）。{URL_HELP}") from None
    return parsed


def describe_url(url: str | URL) -> str:
    """The URL for messages and logs: password replaced by ***, password-like query parameters left out."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        return "（无法解析的数据库地址）"
    secret = [k for k in parsed.query if "pass" in k.lower() or k.lower() in ("sslkey", "token")]
    return parsed.difference_update_query(secret).render_as_string(hide_password=True)


def _sqlite_file(parsed: URL) -> Path | None:
    return Path(parsed.database) if parsed.database and parsed.database != ":memory:" else None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA cache_size=-32768")  # 32 MB a connection, not 2: the console reads a large list per visit
    cur.close()


def create_store_engine(url: str) -> Engine:
    """An engine with the settings every command wants (SQLite: WAL, foreign keys, busy wait)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DubanError(f"数据库文件 {path} 的上级路径中有一段是文件而不是目录。{URL_HELP}") from None
    except OSError as exc:
        raise DubanError(f"无法创建数据库所在的目录 {path.parent}: {os_reason(exc)}。{URL_HELP}") from None


def _missing_file(path: Path | None) -> bool:
    """A SQLite file that is not there (or empty): the mark of a command run from the wrong place."""
    return path is not None and (not path.exists() or path.stat().st_size == 0)


def missing_database(shown: str) -> str:
    return (f"数据库 {shown} 不存在，本命令不会新建数据库。请在项目目录中运行，"
            "或用 DUBAN_DATABASE_URL（或 .env）指向正在使用的数据库；"
            "第一次使用请先导入任务清单（python -m bot import 文件路径）或应用配置（python -m bot config apply）。")


def _unmigrated(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).has_table("alembic_version")


def open_store(url: str | None = None, *, migrate: bool = True, create: bool = True) -> Engine:
    """The one way commands reach the database: an engine whose schema is up to date.

    create=False refuses a SQLite file that does not exist yet: a command run from the
    wrong directory must not start an empty database. (An empty PostgreSQL database was
    provisioned on purpose and is migrated.) Whenever the schema is created, the address
    is logged, so the admin sees which database is now in use.
    """
    resolved = database_url(url)
    engine = _engines.get(resolved)
    if engine is not None:
        return engine
    engine = create_store_engine(resolved)
    shown = describe_url(resolved)
    path = _sqlite_file(engine.url) if engine.dialect.name == "sqlite" else None
    if path is not None and not path.is_absolute():
        shown += f"（即 {path.resolve()}）"
    try:
        if not create and _missing_file(path):
            raise DubanError(missing_database(shown))
        if path is not None:
            _make_folder(path)
        new = _missing_file(path) or _unmigrated(engine)
        if migrate:
            from bot.store.migrate import upgrade

            upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise DubanError(f"无法连接数据库 {shown}: {first_line(exc)}", exit_code=1) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise DubanError(f"{shown} 不是可用的数据库（文件已损坏，或不是 SQLite 数据库）: {first_line(exc)}。"
                         f"请从备份恢复，或改正数据库地址。{URL_HELP}") from exc
    except BaseException:
        engine.dispose()
        raise
    if new and migrate:
        log.warning("新数据库 %s：已建立表结构", shown)
    _engines[resolved] = engine
    return engine


def existing_store(url: str | None = None) -> Engine | None:
    """The store when its database exists and has a schema, else None, creating nothing: for
    what a command reads from the store before it knows it will write (import's aliases)."""
    resolved = database_url(url)
    if resolved in _engines:
        return _engines[resolved]
    probe = create_store_engine(resolved)
    path = _sqlite_file(probe.url) if probe.dialect.name == "sqlite" else None
    try:
        if _missing_file(path) or _unmigrated(probe):
            return None
    except (OperationalError, DatabaseError):
        return None
    finally:
        probe.dispose()
    return open_store(resolved, create=False)


def first_line(exc: BaseException) -> str:
    """The driver's first line, without SQL or parameters (they may hold message text)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


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
