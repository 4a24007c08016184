"""Holidays: 元旦前, 春节前, 劳动节前, 端午节前, 中秋前, 国庆节前, and lists ("元旦、春节前").

Lunar holidays come from the lunardate library, never from a hand-kept table. "节前" is
due the day before the holiday (the holiday itself is a day off). Without an explicit
year the holiday meant is the next one after the issue date (or after 1 January of the
working year when the issue date is unknown): "元旦前" in a 2024 list is 2024-12-31.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from lunardate import LunarDate

from bot.extract.rule import BY, LIMIT, YEAR_OPT, Part, reference_day, rule, year_of
from bot.model import Context


def _lunar(month: int, day: int):
    return lambda year: LunarDate(year, month, day).to_solar_date()


def _solar(month: int, day: int):
    return lambda year: date(year, month, day)


# One row per holiday: (name, regex, gate, the holiday's date in a given year).
HOLIDAYS = (
    ("元旦", "元旦", "旦", _solar(1, 1)),
    ("春节", "春节", "春", _lunar(1, 1)),
    ("劳动节", "(?:五一)?(?:国际)?劳动节|五一", "劳五", _solar(5, 1)),
    ("端午", "端午节?", "午", _lunar(5, 5)),
    ("中秋", "中秋节?", "秋", _lunar(8, 15)),
    ("国庆", "国庆节?", "庆", _solar(10, 1)),
)
_TAIL = f"(?:假期|长假|放假)?{BY}"
_ANY = "|".join(f"(?P<h{i}>{row[1]})" for i, row in enumerate(HOLIDAYS))
_ANY_RE = re.compile(_ANY)
_ONE = "(?:" + "|".join(row[1] for row in HOLIDAYS) + ")"


def _eve(holiday_on, m: re.Match, ctx: Context) -> date:
    """The day before the holiday: in the year written, else the next one after "now"."""
    if m.group("year") or m.group("rel"):
        return holiday_on(year_of(m, ctx)) - timedelta(days=1)
    now = reference_day(ctx)
    day = holiday_on(now.year)
    if day <= now:
        day = holiday_on(now.year + 1)
    return day - timedelta(days=1)


def _holiday_rule(name: str, regex: str, gate: str, holiday_on, examples):
    return rule(f"{name}前", f"{LIMIT}{YEAR_OPT}(?:{regex}){_TAIL}", lambda m, ctx: _eve(holiday_on, m, ctx),
                examples, gate)


def _holiday_list(m: re.Match, ctx: Context) -> list[Part]:
    offset = m.start("items")
    return [
        Part(offset + item.start(), offset + item.end(), _eve(HOLIDAYS[int(item.lastgroup[1:])][3], m, ctx))
        for item in _ANY_RE.finditer(m.group("items"))
    ]


_EXAMPLES = {
    "元旦": [("元旦前", "2024-12-31"), ("2025年元旦前", "2024-12-31")],
    "春节": [("春节前", "2025-01-28"), ("2024年春节前", "2024-02-09"), ("明年春节假期前", "2025-01-28")],
    "劳动节": [("五一劳动节前", "2025-04-30"), ("2024年劳动节前", "2024-04-30")],
    "端午": [("端午节前", "2024-06-09"), ("2025年端午前", "2025-05-30")],
    "中秋": [("中秋节前", "2024-09-16"), ("2025年中秋前", "2025-10-05")],
    "国庆": [("国庆节前", "2024-09-30"), ("国庆前", "2024-09-30")],
}

RULES = (
    *(_holiday_rule(name, regex, gate, on, _EXAMPLES[name]) for name, regex, gate, on in HOLIDAYS),
    rule(
        "元旦、春节前",
        f"{LIMIT}{YEAR_OPT}(?P<items>{_ONE}(?:[、和及与]?{_ONE})+){_TAIL}",
        _holiday_list,
        [("元旦、春节前", "2024-12-31,2025-01-28"), ("中秋国庆前", "2024-09-16,2024-09-30")],
        gate="".join(row[2] for row in HOLIDAYS),
    ),
)
