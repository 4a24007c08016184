"""Log lines on stderr, stamped in the office's time zone with its offset.

The messages speak office time (09:00 sends), so the stamp does too, whatever the
server's or the container's clock zone: `2024-06-20T09:00:00.120+08:00 INFO …`.
"""
from __future__ import annotations

import logging
import os
import sys
from datetime import datetime, tzinfo

FORMAT = "%(asctime)s %(levelname)s %(message)s"
LEVEL_ENV = "DUBAN_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
QUIET = ("alembic", "apscheduler", "urllib3")  # their INFO lines are about themselves, not the office


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (a test runner or a pager may have replaced it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class OfficeTime(logging.Formatter):
    def __init__(self, zone):
        super().__init__(FORMAT)
        self._zone, self._tz = zone, None

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 (logging's name)
        if self._tz is None:
            self._tz = self._zone()
        return datetime.fromtimestamp(record.created, self._tz).isoformat(timespec="milliseconds")


def office_zone() -> tzinfo:
    """settings.yaml's (or DUBAN_TIMEZONE's) zone; the server's own while the settings are unreadable."""
    from bot.config.settings import load_settings
    from bot.errors import DubanError

    try:
        return load_settings().tz
    except DubanError:
        return datetime.now().astimezone().tzinfo


def configure() -> None:
    """One stderr handler on the root logger at DUBAN_LOG_LEVEL (INFO), replacing any earlier one."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(OfficeTime(office_zone))
    root.addHandler(handler)
    problem = level_problem()
    root.setLevel(logging.INFO if problem else logging.getLevelName(os.environ.get(LEVEL_ENV, "INFO").upper()))
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    if problem:
        logging.getLogger(__name__).warning("%s 本次按 INFO 记录日志。", problem)


def level_problem() -> str | None:
    """Why DUBAN_LOG_LEVEL is unusable, or None: a typo must be said, not silently mean INFO."""
    raw = os.environ.get(LEVEL_ENV, "").strip()
    if not raw or raw.upper() in LEVELS:
        return None
    return f"环境变量 {LEVEL_ENV} 的值 {raw!r} 无效：应为 {'、'.join(LEVELS)} 之一。"
