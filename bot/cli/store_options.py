"""What the store commands share: opening the migrated store, `--as-of`, and who is acting."""
from __future__ import annotations

import getpass
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Iterator

import click
from sqlalchemy.orm import Session

from bot.cli.options import MOMENT, parse_day, parse_moment
from bot.config.settings import Settings, load_settings
from bot.store import open_store, session_scope

__all__ = ["actor_name", "as_of_option", "by_option", "parse_day", "resolve_as_of", "store_session"]


@contextmanager
def store_session(*, create: bool = False) -> Iterator[tuple[Session, Settings]]:
    """Settings in force (settings.yaml, the console's stored ones, the environment) plus a session
    on the migrated store; commits at the end, rolls back on error.

    Only commands that bring data in (`import`, `config apply`) pass create=True: any other command
    run from the wrong directory would otherwise start an empty database silently.
    """
    from bot.store.office_settings import effective_settings

    settings = load_settings()
    engine = open_store(settings.database_url, create=create)
    with session_scope(engine) as session:
        yield session, effective_settings(session, settings)  # with what the console stored


def as_of_option(help_text: str = "按此日期（或时刻）运行，如同今天是该日；默认现在"):
    return click.option("--as-of", "as_of", type=MOMENT, help=help_text)


def by_option():
    return click.option("--by", "actor", metavar="NAME", help="记录操作人（默认当前系统用户）")


def resolve_as_of(value: str | date | datetime | None, settings: Settings) -> datetime:
    """`--as-of 2024-05-22` is that day's start in the office timezone; a full ISO time is taken as given."""
    parsed = parse_moment(value, "--as-of")
    if parsed is None:
        return datetime.now(settings.tz)
    if not isinstance(parsed, datetime):
        return datetime.combine(parsed, time(0), settings.tz)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=settings.tz)


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
