"""Parts of a year: 年底, 年内, 年中, 全年, 上半年, 三季度末, 季度末, 到2025年, 2026年, 年度终了后一个季度内.

A period is due on its last day. "X季度前" follows the "X月前" reading (done before
quarter X begins), so it is due at the end of the quarter before.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot.extract.rule import (
    BY, BY_OPT, LIMIT, NOT_DEADLINE, YEAR, YEAR_OPT, before_month, checked_date, month_end, quarter_end, rule,
    year_of,
)

# The year itself may be implicit ("年底"), explicit ("2025年底", "2025年年底") or relative ("明年底").
YEAR_ANCHOR = f"(?:{YEAR}年?|年)"

# Year parts, one row each: (name, suffix after the year, gate, month, day, examples).
YEAR_PARTS = (
    ("<year>底", "(?:底|末)", "底末", 12, 31,
     [("年底前", "2024-12-31"), ("到2025年底", "2025-12-31"), ("2026年底前", "2026-12-31"),
      ("今年年底", "2024-12-31"), ("明年底前", "2025-12-31"), ("年末", "2024-12-31")]),
    ("<year>内", "内(?!蒙)", "内", 12, 31, [("年内", "2024-12-31"), ("今年内", "2024-12-31")]),
    ("<year>中", "中(?![国央华共])", "中", 6, 30, [("年中", "2024-06-30"), ("2025年中前", "2025-06-30")]),
)

HALF_YEARS = (("上", 6), ("下", 12))


def _year_part_rule(name: str, suffix: str, gate: str, month: int, day: int, examples):
    return rule(
        name,
        f"{LIMIT}{YEAR_ANCHOR}{suffix}{BY_OPT}",
        lambda m, ctx: checked_date(year_of(m, ctx), month, day),
        examples,
        gate=gate,
    )


def _half_year(m, ctx) -> date:
    month = dict(HALF_YEARS)[m.group("h")]
    return checked_date(year_of(m, ctx), month, 30 if month == 6 else 31)


# Where a bare year can open a deadline: the clause's start, or after a particle ("力争2026年…").
_CLAUSE_OPENING = re.compile(r"(?:^|[,;:。!?]|力争|争取|确保|预计|计划|要|将|于|在)$")
_OWN_CLAUSE_END = re.compile(r"[\s)]*(?:[,;:。!?]|$)")


def _bare_year(m, ctx):
    """"2026年全面推广", "明年全面推开": a year opening its clause is due at its end, if it is
    later than the list's (a relative year always is a deadline there); a year standing alone
    (a 完成时限 cell "2024年", or "2024年，全面完成") is due at its end whatever it is. Any other written-out
    year names an event or a list ("举办2024年全国知识产权宣传周"); a relative year elsewhere
    ("推动明年…") is left unread, so it is reported as a time word no rule understood."""
    opening = _CLAUSE_OPENING.search(m.string, max(0, m.start() - 2), m.start())
    year = year_of(m, ctx)
    if m.group("rel"):
        return checked_date(year, 12, 31) if opening else None
    alone = opening and _OWN_CLAUSE_END.match(m.string, m.end())  # "2024年" as a 完成时限 cell or clause
    return checked_date(year, 12, 31) if alone or (opening and year > ctx.year) else NOT_DEADLINE


def _after_year_end(m, ctx):
    """"年度终了后一个季度内": counted from the end of the year named (else the working year)."""
    year = int(m.group("year")) if m.group("year") else ctx.year
    n = int(m.group("n"))
    if m.group("unit") in ("日", "天"):
        return date(year, 12, 31) + timedelta(days=n)
    months = n * 3 if m.group("unit") == "季度" else n
    end = date(year, 12, 31) + relativedelta(months=months)
    return month_end(end.year, end.month)


def _quarter_of_issue(m, ctx) -> date | None:
    if ctx.doc_date is None:
        return None
    return quarter_end(ctx.doc_date.year, (ctx.doc_date.month - 1) // 3 + 1)


QUARTER = "(?<!\\d)第?(?P<q>[1-4])季度"

RULES = (
    *(_year_part_rule(*row) for row in YEAR_PARTS),
    rule(
        "全年",
        f"{LIMIT}{YEAR_OPT}全年",
        lambda m, ctx: checked_date(year_of(m, ctx), 12, 31),
        [("全年", "2024-12-31"), ("2025年全年", "2025-12-31")],
        gate="全",
    ),
    rule(
        "上半年",
        f"{LIMIT}{YEAR_OPT}(?P<h>上|下)半年(?:底|末)?{BY_OPT}",
        _half_year,
        [("上半年", "2024-06-30"), ("下半年", "2024-12-31"), ("2025年上半年", "2025-06-30"),
         ("明年上半年", "2025-06-30")],
        gate="半",
    ),
    rule(
        "<quarter>末",
        f"{LIMIT}{YEAR_OPT}{QUARTER}(?:(?:末|底){BY_OPT}|内|(?!{BY}))",
        lambda m, ctx: quarter_end(year_of(m, ctx), int(m.group("q"))),
        [("三季度末", "2024-09-30"), ("第二季度", "2024-06-30"), ("一季度", "2024-03-31"),
         ("四季度末前", "2024-12-31"), ("2025年第一季度", "2025-03-31")],
        gate="季",
    ),
    rule(
        "<quarter>前",
        f"{LIMIT}{YEAR_OPT}{QUARTER}{BY}",
        lambda m, ctx: before_month(year_of(m, ctx), int(m.group("q")) * 3 - 2),
        [("三季度前", "2024-06-30"), ("第一季度之前", "2023-12-31")],
        gate="季",
    ),
    rule(
        "前<n>季度",
        f"{LIMIT}{YEAR_OPT}前(?P<q>[1-4])(?:个)?季度",
        lambda m, ctx: quarter_end(year_of(m, ctx), int(m.group("q"))),
        [("前三季度", "2024-09-30"), ("前2个季度", "2024-06-30")],
        gate="季",
    ),
    rule(
        "季度末",
        f"(?<![\\d每个])(?:本|当)?季度(?:末|底){BY_OPT}",
        _quarter_of_issue,
        [("季度末", "2024-06-30"), ("本季度末前", "2024-06-30")],
        gate="季",
    ),
    rule(
        "<year>",
        f"{YEAR}(?!前|之前|以前|度)",
        _bare_year,
        [("2026年", "2026-12-31"), ("2024年", "2024-12-31"), ("2023年", "2023-12-31"), ("明年", "2025-12-31"),
         ("今年", "2024-12-31")],
        gate="年",
    ),
    rule(
        "年度终了后<n>内",
        ("(?:每个?)?(?:(?<!\\d)(?P<year>\\d{4})年|年)度?(?:终了|结束|届满)(?:之?后)?"
         "(?P<n>\\d{1,2})个?(?P<unit>季度|月|日|天)(?:以内|之内|内)"),
        _after_year_end,
        [("年度终了后1个季度内", "2025-03-31"), ("每年度终了后三个月内", "2025-03-31"),
         ("2024年度结束后30日内", "2025-01-30"), ("年度终了后4个月内", "2025-04-30")],
        gate="终束满",
    ),
    rule(
        "到<year>",
        f"(?:到|至|截至|截止到?){YEAR}(?!度|\\d|年)",
        lambda m, ctx: checked_date(year_of(m, ctx), 12, 31),
        [("到2025年", "2025-12-31"), ("截至2026年", "2026-12-31")],
        gate="到至截",
    ),
)
