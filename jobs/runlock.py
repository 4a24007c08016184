"""One `bot run` at a time on a SQLite database: an OS file lock beside the database file.

SQLite has no row locks, so two senders could both claim a message between a read and a
write. flock is released by the kernel when the process dies, even by kill -9, so a crashed
run never leaves a stale lock behind. PostgreSQL needs no lock: any number of workers may
share it (claims use SKIP LOCKED).
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import make_url

from bot.errors import DubanError


def lock_path(url: str) -> Path | None:
    """The lock file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database + ".run.lock")


@contextmanager
def single_runner(url: str) -> Iterator[None]:
    path = lock_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "未知"
            raise DubanError(
                f"已有一个 python -m bot run 正在使用数据库 {make_url(url).database}（进程 {holder}）。"
                "SQLite 数据库同一时间只能运行一个发送进程，以免同一条提醒发送两次。"
                "请先停止正在运行的进程（Ctrl+C），或改用 PostgreSQL 以运行多个进程。",
                exit_code=2,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
