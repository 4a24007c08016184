"""Parts of a year: 年底, 年内, 年中, 全年, 上半年, 三季度末, 季度末, 到2025年.

A period is due on its last day. "X季度前" follows the "X月前" reading (done before
quarter X begins), so it is due at the end of the quarter before.
"""
from __future__ import annotations

from datetime import date

from bot.extract.rule import (
    BY, BY_OPT, LIMIT, YEAR, YEAR_OPT, before_month, checked_date, quarter_end, rule, year_of,
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
        "到<year>",
        f"(?:到|至|截至|截止到?){YEAR}(?!度|\\d|年)",
        lambda m, ctx: checked_date(year_of(m, ctx), 12, 31),
        [("到2025年", "2025-12-31"), ("截至2026年", "2026-12-31")],
        gate="到至截",
    ),
)
