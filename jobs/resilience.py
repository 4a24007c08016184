"""Riding out a database that goes away: log, wait with growing pauses, resume, never crash-loop."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger("duban.jobs")
T = TypeVar("T")
MAX_PAUSE = 30.0


def is_outage(exc: BaseException) -> bool:
    """A lost or refused connection, a server restart, a locked SQLite file: worth waiting for."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def short(exc: BaseException) -> str:
    """The first line of the driver's message: no SQL, no parameters (they may hold message text)."""
    from bot.store.db import first_line

    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {first_line(exc)}"[:200]


def until_stored(action: Callable[[], T], stop: threading.Event, what: str) -> tuple[bool, T | None]:
    """Run `action` until the database takes it; (False, None) only if asked to stop meanwhile.

    For work that must not be dropped, e.g. the result of a message already sent: dropping
    it would make the message go out again after its lease expires.
    """
    pause, failed = 1.0, False
    while True:
        try:
            done = action()
        except Exception as exc:
            if not is_outage(exc):
                raise
            failed = True
            log.warning("数据库暂时不可用（%s），%s将在 %.0f 秒后重试", short(exc), what, pause)
        else:
            if failed:
                log.warning("数据库已恢复，%s已保存", what)
            return True, done
        if stop.wait(pause):
            return False, None
        pause = min(pause * 2, MAX_PAUSE)


def wait_for_store(url: str, stop: threading.Event, *, create: bool = True, give_up_after: float | None = None):
    """open_store, waiting for a database that is not up yet (containers start in any order).

    The live service waits as long as it takes; a one-shot run (cron) passes `give_up_after`
    seconds and then fails with exit code 1 instead of hanging.
    """
    from bot.errors import FAILURE, DubanError
    from bot.store import open_store

    pause, deadline = 1.0, None if give_up_after is None else time.monotonic() + give_up_after
    while True:
        try:
            return open_store(url, create=create)
        except DubanError as exc:
            if exc.__cause__ is None or not is_outage(exc.__cause__):
                raise
            if deadline is not None and time.monotonic() + pause > deadline:
                raise DubanError(f"{exc.message}。已等待约 {give_up_after:.0f} 秒仍无法连接，放弃本次运行；"
                                 "请确认数据库已启动、地址正确。", exit_code=FAILURE) from exc.__cause__
            log.warning("无法连接数据库（%s），%.0f 秒后重试", short(exc.__cause__), pause)
        if stop.wait(pause):
            raise DubanError("数据库一直不可用，收到停止信号后退出。", exit_code=FAILURE)
        pause = min(pause * 2, MAX_PAUSE)
