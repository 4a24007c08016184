"""The shape of a rule, what a rule can resolve to, and the shared regex fragments.

A rule is a value (Duckling's habit): a unique English name, one compiled pattern over
normalised text, a small `resolve(match, ctx)` and the examples that are its tests.
All examples are read against EXAMPLE_CONTEXT: a 2024 list issued on 2024-05-22.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from typing import Callable, Iterable, Union

from bot.extract.first_chars import guarded
from bot.model import Context

EXAMPLE_CONTEXT = Context(year=2024, doc_date=date(2024, 5, 22))


class InvalidDate(ValueError):
    """The text names a day that does not exist ("2月30日", "13月底"): flag it, never guess."""


@dataclass(frozen=True)
class Recurrence:
    rrule: str  # RFC 5545 RRULE, UNTIL = the end of the working year
    due: date  # the first occurrence on or after the issue date


@dataclass(frozen=True)
class Part:
    """One deadline of a coordinated list ("6月底、9月底前"), located by its own span."""

    start: int
    end: int
    due: date


class NotDeadline:
    """Understood and deliberately not a deadline: plan periods, past years, numbers…"""


@dataclass(frozen=True)
class Start:
    """A start ("自7月1日起"): no deadline, but a recurrence later in its sentence begins there."""

    day: date


@dataclass(frozen=True)
class PeriodName:
    """A date read as the name of a period ("上半年工作总结"): a guess, so it is flagged."""

    due: date


class Note:
    """A relative duration ("3个工作日内"): kept on the task as text, never dated."""


NOT_DEADLINE, NOTE = NotDeadline(), Note()
Resolution = Union[date, Recurrence, list, NotDeadline, Note, None]


@dataclass(frozen=True)
class Rule:
    name: str
    source: str  # the regex as written; compiled (behind its first-character guard) on first use
    resolve: Callable[[re.Match, Context], Resolution]
    examples: tuple[tuple[str, str | None], ...]
    gate: str  # the rule can only match text containing one of these characters
    review: str = ""  # a flag code every reading of this rule carries (e.g. "ocr-date")

    @cached_property
    def pattern(self) -> re.Pattern:
        """Compiled when a text first opens its gate: a cold `extract` pays only for the rules it needs."""
        return guarded(self.source)

    def __repr__(self) -> str:
        return f"Rule({self.name!r})"


def rule(name: str, pattern: str, resolve, examples: Iterable[tuple[str, str | None]], gate: str,
         review: str = "") -> Rule:
    return Rule(name, pattern, resolve, tuple(examples), gate, review)


def build_table(*families: Iterable[Rule]) -> tuple[Rule, ...]:
    """The single registration point: every family module hands over its rules here."""
    table: list[Rule] = []
    names: set[str] = set()
    for family in families:
        for r in family:
            if r.name in names:
                raise ValueError(f"duplicate rule name: {r.name}")
            if not r.examples:
                raise ValueError(f"rule without examples: {r.name}")
            names.add(r.name)
            table.append(r)
    return tuple(table)


# --- regex fragments over normalised text ---------------------------------------------
# An explicit or relative year; `year`/`rel` (and `year2`/`rel2` for the end of a range).
# 今年/明年/次年 are said from the day of writing, so they count from the issue date's year
# (a 2023 list issued on 2022-12-27: "明年7月" is 2023-07); 本年度/当年 name the list's own year.
RELATIVE_YEARS = {"今年": 0, "本年": 0, "本年度": 0, "当年": 0, "明年": 1, "次年": 1, "下一年": 1, "下年": 1}
LIST_YEAR_WORDS = frozenset({"本年度", "当年"})
_REL = "|".join(sorted(RELATIVE_YEARS, key=len, reverse=True))


def year_fragment(suffix: str = "") -> str:
    return f"(?:(?<!\\d)(?P<year{suffix}>\\d{{4}})年|(?P<rel{suffix}>{_REL}))"


YEAR = year_fragment()
YEAR_OPT = f"(?:{YEAR})?"
# 前 after a date is a deadline ("by"); "前后" (around) is not.
BY = "(?:之前|以前|前)(?!后)"
BY_OPT = f"(?:{BY})?"
# Words that introduce a deadline and belong to its expression.
LIMIT = "(?:不晚于|不迟于|最迟(?:于|在)?|最晚(?:于|在)?|截至|截止(?:到|于)?|到)?"
MONTH = "(?<!\\d)(?P<m>\\d{1,2})月"
DAY = "(?P<d>\\d{1,2})[日号]"


def year_of(m: re.Match, ctx: Context, suffix: str = "") -> int:
    explicit = m.group(f"year{suffix}")
    if explicit:
        return int(explicit)
    rel = m.group(f"rel{suffix}")
    if not rel:
        return ctx.year
    base = ctx.doc_date.year if ctx.doc_date and rel not in LIST_YEAR_WORDS else ctx.year
    return base + RELATIVE_YEARS[rel]


def checked_date(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(f"没有{month}月")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidDate(f"{year}年{month}月只有{last}天")
    return date(year, month, day)


def month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(f"没有{month}月")
    return date(year, month, calendar.monthrange(year, month)[1])


def before_month(year: int, month: int) -> date:
    """"X月前": the last day before month X begins (see docs/extract.md)."""
    if not 1 <= month <= 12:
        raise InvalidDate(f"没有{month}月")
    return month_end(year - 1, 12) if month == 1 else month_end(year, month - 1)


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, quarter * 3)


def reference_day(ctx: Context) -> date:
    """"Now" for rules that need one: the issue date, else the start of the working year."""
    return ctx.doc_date or date(ctx.year, 1, 1)
