"""What the store commands share: opening the migrated store, `--as-of`, and who is acting."""
from __future__ import annotations

import getpass
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Iterator

import click
from sqlalchemy.orm import Session

from bot.config.settings import Settings, load_settings
from bot.errors import DubanError
from bot.store import open_store, session_scope


@contextmanager
def store_session() -> Iterator[tuple[Session, Settings]]:
    """Settings plus a session on the migrated store; commits at the end, rolls back on error."""
    settings = load_settings()
    engine = open_store(settings.database_url)
    with session_scope(engine) as session:
        yield session, settings


def as_of_option(help_text: str = "按此日期（或时刻）运行，如同今天是该日；默认现在"):
    return click.option("--as-of", "as_of", metavar="DATE", help=help_text)


def by_option():
    return click.option("--by", "actor", metavar="NAME", help="记录操作人（默认当前系统用户）")


def resolve_as_of(value: str | None, settings: Settings) -> datetime:
    """`--as-of 2024-05-22` is that day's start in the office timezone; a full ISO time is taken as given."""
    if not value:
        return datetime.now(settings.tz)
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), settings.tz)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DubanError(f"--as-of 的值 {value!r} 不是日期，请写成 2024-05-22 或 2024-05-22T10:30。") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=settings.tz)


def parse_day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DubanError(f"{option} 的值 {value!r} 不是日期，请写成 2024-12-31。") from None


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
