"""One `bot run` at a time on a SQLite database: an OS file lock beside the database file.

SQLite has no row locks, so two senders could both claim a message between a read and a
write. flock is released by the kernel when the process dies, even by kill -9, so a crashed
run never holds a stale lock; a clean stop also removes the file. Because the file can be
removed under a process that just opened it, the lock counts only if the path still names
the file that was locked. PostgreSQL needs no lock: any number of workers may share it
(claims use SKIP LOCKED).
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.errors import DubanError, os_reason
from bot.store.db import missing_database, parse_url

SUFFIX = ".run.lock"


def lock_path(url: str) -> Path | None:
    """The lock file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database + SUFFIX)


def _busy(url: str, handle) -> DubanError:
    handle.seek(0)
    holder = handle.read().strip() or "未知"
    return DubanError(
        f"已有一个 python -m bot run 正在使用数据库 {parse_url(url).database}（进程 {holder}）。"
        "SQLite 数据库同一时间只能运行一个发送进程，以免同一条提醒发送两次。"
        "请先停止正在运行的进程（Ctrl+C），或改用 PostgreSQL 以运行多个进程。")


def _open(path: Path):
    if not path.parent.is_dir():  # then the database is not there either: say so, create nothing
        raise DubanError(missing_database(str(path.resolve()).removesuffix(SUFFIX)))
    try:
        return open(path, "a+", encoding="utf-8")
    except OSError as exc:
        raise DubanError(
            f"无法创建运行锁文件 {path}（{os_reason(exc)}）：bot run 需要在数据库文件旁写入这个小文件。"
            "请确认该目录可写（不是只读文件系统、当前用户有写权限），或用 DUBAN_DATABASE_URL 指向可写位置的数据库。"
        ) from None


def _locked(path: Path, url: str):
    """The open, locked handle of `path`, retrying when the file was replaced meanwhile."""
    while True:
        handle = _open(path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            error = _busy(url, handle)
            handle.close()
            raise error from None
        try:
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle
        except FileNotFoundError:
            pass  # removed by the runner that just stopped: lock the new file instead
        handle.close()


@contextmanager
def single_runner(url: str) -> Iterator[None]:
    path = lock_path(url)
    if path is None:
        yield
        return
    handle = _locked(path, url)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        try:
            path.unlink(missing_ok=True)  # while still locked: nobody else can hold this file
        except OSError:
            pass  # a read-only directory since start: the lock is released below all the same
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
