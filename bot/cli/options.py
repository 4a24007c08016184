"""Option types every command shares: one date parser, one year range, bounded text.

Each type refuses bad input in Chinese at parse time (click's usage error, exit 2), so a
date out of range never reaches the planner as an OverflowError.
"""
from __future__ import annotations

import functools

from datetime import date, datetime

import click

FIRST_YEAR, LAST_YEAR = 2000, 2100  # task lists, replays and as-of dates all live here
EXAMPLE_DAY = "2024-05-22"


def _in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


class DayType(click.ParamType):
    """A calendar day written YYYY-MM-DD, between FIRST_YEAR and LAST_YEAR."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = date.fromisoformat(str(value).strip()) if len(str(value).strip()) == 10 else None
            except ValueError:
                parsed = None
            if parsed is None:
                self.fail(f"「{value}」不是有效日期，格式应为 YYYY-MM-DD，例如 {EXAMPLE_DAY}。", param, ctx)
        if not _in_range(parsed):
            self.fail(f"{parsed.isoformat()} 超出可用范围（{FIRST_YEAR} 至 {LAST_YEAR} 年）。", param, ctx)
        return parsed

    def get_metavar(self, param, ctx=None) -> str:
        return "DATE"


class MomentType(DayType):
    """A day, or a moment written 2024-05-22T10:30 (with or without a UTC offset)."""

    name = "datetime"

    def convert(self, value, param, ctx) -> date | datetime:
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date) or len(str(value).strip()) <= 10:
            return super().convert(value, param, ctx)
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(f"「{value}」不是有效的日期或时刻，请写成 {EXAMPLE_DAY} 或 {EXAMPLE_DAY}T10:30。", param, ctx)
        if not _in_range(parsed.date()):
            self.fail(f"{parsed.date().isoformat()} 超出可用范围（{FIRST_YEAR} 至 {LAST_YEAR} 年）。", param, ctx)
        return parsed


class YearType(click.ParamType):
    """A working year in the same range as the dates (`--year 0` and `--year 99999` refused)."""

    name = "year"

    def convert(self, value, param, ctx) -> int:
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            self.fail(f"工作年度应为 {FIRST_YEAR} 到 {LAST_YEAR} 之间的四位年份（例如 2024），实际为「{value}」。", param, ctx)
        return int(text)

    def get_metavar(self, param, ctx=None) -> str:
        return "YEAR"


class BoundedText(click.ParamType):
    """Text of at most `limit` characters without control characters (it ends up in a column)."""

    name = "text"

    def __init__(self, limit: int):
        self.limit = limit

    def convert(self, value, param, ctx) -> str:
        text = str(value)
        if len(text) > self.limit:
            self.fail(f"过长：{len(text)} 个字符，最多 {self.limit} 个。", param, ctx)
        if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
            self.fail("不能包含控制字符。", param, ctx)
        return text


DAY, MOMENT, YEAR = DayType(), MomentType(), YearType()


def parse_day(value, option: str) -> date | None:
    """DAY's parser for a value that did not come through click (None stays None)."""
    return None if value in (None, "") else _outside_click(DAY, value, option)


def parse_moment(value, option: str) -> date | datetime | None:
    return None if value in (None, "") else _outside_click(MOMENT, value, option)


def _outside_click(kind: click.ParamType, value, option: str):
    from bot.errors import DubanError

    try:
        return kind.convert(value, None, None)
    except click.BadParameter as exc:
        raise DubanError(f"{option}: {exc.message}") from None


def unit_argument(name: str = "unit"):
    """The unit a command acts on, as `--unit U` (the grammar every command shares) or, as the
    first argument, the older `contacts set 保护处 …`; the function receives it as `name`."""
    def decorate(function):
        @click.option("--unit", "unit_option", metavar="UNIT", help="单位（标准名称或简称，按单位目录解析）")
        @click.argument("unit_argument", metavar="[UNIT]", required=False)
        @functools.wraps(function)
        def wrapper(*args, unit_argument=None, unit_option=None, **kwargs):
            if unit_argument and unit_option and unit_argument != unit_option:
                raise click.UsageError(f"单位写了两次且不一致：「{unit_argument}」和 --unit「{unit_option}」，请只写一次")
            unit = unit_option or unit_argument
            if not unit:
                raise click.UsageError("请用 --unit 指定单位，例如 --unit 保护处")
            return function(*args, **{name: unit}, **kwargs)

        return wrapper

    return decorate
