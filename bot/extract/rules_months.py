"""Months and days of the working year: 6月底前, 6月前, 6月中旬, 6月30日前, 6.30前, 2024-06-30.

Readings (pinned by the examples): "X月底前"/"X月X日前" are inclusive due dates (that
last day / that day); "X月前" is the last day of the month before, because 前 means the
work is done before month X begins; a bare "X月"/"X月份" is due at that month's end.
"""
from __future__ import annotations

import re

from bot.extract.rule import (
    BY, BY_OPT, DAY, LIMIT, MONTH, RELATIVE_YEARS, YEAR_OPT, Part, before_month, checked_date, month_end, rule,
    year_fragment, year_of,
)


def _month(m: re.Match) -> int:
    return int(m.group("m"))


# Month parts, one row each: (suffix regex, name, day; None = the month's last day).
MONTH_PARTS = (
    ("上旬", "上旬", 10),
    ("中旬", "中旬", 20),
    ("下旬", "下旬", None),
    ("初", "初", 10),
    ("上、?中旬", "上中旬", 20),
    ("中、?下旬", "中下旬", None),
)


def _month_part_rule(suffix: str, name: str, day: int | None):
    def resolve(m, ctx):
        year, month = year_of(m, ctx), _month(m)
        return month_end(year, month) if day is None else checked_date(year, month, day)

    cn = {10: "10", 20: "20", None: "30"}[day]
    return rule(
        f"<month>{name}",
        f"{LIMIT}{YEAR_OPT}{MONTH}份?{suffix}{BY_OPT}",
        resolve,
        [(f"6月{name}前", f"2024-06-{cn}"), (f"2025年6月{name}", f"2025-06-{cn}")],
        gate="旬初",
    )


PART_DAYS = {"上旬": 10, "中旬": 20, "下旬": None, "初": 10}

# A coordinated list of months or days sharing one tail: "6月底、9月底、12月底前分别…".
# An item may name its own year, which holds for the items after it ("2022年10月10日和2023年1月10日").
_ITEM = r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号]|底|末|份)?"
_ITEM_RE = re.compile(r"(?:(?P<year>\d{4})年)?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]|(?P<end>底|末)|份)?")


def _list_parts(m: re.Match, ctx) -> list[Part]:
    """Bare months take the list's reading: month ends, unless every item is a bare "X月前";
    a shared day ("3月、6月、9月、12月的25日前") holds for every month without its own."""
    year = year_of(m, ctx)
    items = list(_ITEM_RE.finditer(m.group("items")))
    all_bare = not m.group("day") and not any(i.group("d") or i.group("end") for i in items)
    before = all_bare and bool(m.group("by"))
    offset = m.start("items")
    # The list's leading year belongs to its first item's words ("2022年4月10日、7月10日").
    lead = min((m.start(g) for g in ("year", "rel") if m.group(g)), default=offset)
    parts = []
    for item in items:
        year = int(item.group("year") or year)
        month = int(item.group("m"))
        day = item.group("d") or m.group("day")
        if day:
            due = checked_date(year, month, int(day))
        else:
            due = before_month(year, month) if before else month_end(year, month)
        parts.append(Part(lead if not parts else offset + item.start(), offset + item.end(), due))
    return parts


def _range_end(m: re.Match, ctx):
    """A range is due at its end; an end month before the start month lies in the next year.

    次年/明年 at the end of a range count from the range's start ("2025年11月至次年2月").
    """
    year = year_of(m, ctx)
    m1 = int(m.group("m1"))
    m2 = int(m.group("m2") or m1)
    if m.group("year2"):
        end_year = int(m.group("year2"))
    elif m.group("rel2"):
        end_year = year + RELATIVE_YEARS[m.group("rel2")]
    else:
        end_year = year + 1 if m2 < m1 else year
    day = m.groupdict().get("d2")
    if day:
        return checked_date(end_year, m2, int(day))
    part = m.groupdict().get("part")
    if part and PART_DAYS[part] is not None:
        return checked_date(end_year, m2, PART_DAYS[part])
    return month_end(end_year, m2)


YEAR2 = year_fragment("2")


def _dotted_range_end(m: re.Match, ctx):
    """"2024.10-2025.3", "2024.3-6": the end month, in the start's year unless another is written."""
    year, m1, m2 = int(m.group("year")), int(m.group("m1")), int(m.group("m2"))
    end_year = int(m.group("year2")) if m.group("year2") else year + (m2 < m1)
    return month_end(end_year, m2)


def _full_date(m, ctx):
    return checked_date(int(m.group("year")), _month(m), int(m.group("d")))


RULES = (
    rule(
        "<month>底前",
        f"{LIMIT}{YEAR_OPT}{MONTH}份?(?:底|末){BY_OPT}",
        lambda m, ctx: month_end(year_of(m, ctx), _month(m)),
        [("6月底前", "2024-06-30"), ("2月末", "2024-02-29"), ("截至6月底", "2024-06-30"),
         ("2025年6月底前", "2025-06-30"), ("明年3月底前", "2025-03-31"), ("2023年2月底", "2023-02-28")],
        gate="底末",
    ),
    rule(
        "<month>前",
        f"{LIMIT}{YEAR_OPT}{MONTH}份?{BY}",
        lambda m, ctx: before_month(year_of(m, ctx), _month(m)),
        [("7月前", "2024-06-30"), ("10月份以前", "2024-09-30"), ("1月前", "2023-12-31"),
         ("2025年3月之前", "2025-02-28")],
        gate="前",
    ),
    rule(
        "<month>",
        f"{LIMIT}{YEAR_OPT}{MONTH}份?(?!\\d|[底末初旬]|[上中下]旬|中(?![央国共华]))",
        lambda m, ctx: month_end(year_of(m, ctx), _month(m)),
        [("6月", "2024-06-30"), ("9月份", "2024-09-30"), ("2025年4月", "2025-04-30")],
        gate="月",
    ),
    *(_month_part_rule(*row) for row in MONTH_PARTS),
    rule(
        "<month><day>前",
        f"{LIMIT}{YEAR_OPT}{MONTH}{DAY}{BY_OPT}",
        lambda m, ctx: checked_date(year_of(m, ctx), _month(m), int(m.group("d"))),
        [("6月30日前", "2024-06-30"), ("9月10号", "2024-09-10"), ("不晚于11月15日", "2024-11-15"),
         ("2024年6月30日", "2024-06-30"), ("2月30日前", "invalid"), ("2023年2月29日", "invalid")],
        gate="日号",
    ),
    rule(
        "<month>.<day>前",
        f"{LIMIT}(?<![\\d.])(?P<m>\\d{{1,2}})\\.(?P<d>\\d{{1,2}})(?![\\d.%])日?{BY}",
        lambda m, ctx: checked_date(ctx.year, _month(m), int(m.group("d"))),
        [("6.30前", "2024-06-30"), ("9.1之前", "2024-09-01"), ("6.31前", "invalid")],
        gate=".",
    ),
    rule(
        "<yyyy>-<mm>-<dd>",
        f"{LIMIT}(?<!\\d)(?P<year>\\d{{4}})(?P<sep>[-/.])(?P<m>\\d{{1,2}})(?P=sep)(?P<d>\\d{{1,2}})(?!\\d)日?{BY_OPT}",
        _full_date,
        [("2024-06-30", "2024-06-30"), ("2024/6/30前", "2024-06-30"), ("2025.1.15", "2025-01-15"),
         ("2024-02-30", "invalid")],
        gate="-/.",
    ),
    rule(
        "<yyyy>.<mm>",
        f"{LIMIT}(?<![\\d.])(?P<year>20\\d{{2}})(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?![\\d./%万亿元件个]|-\\d){BY_OPT}",
        lambda m, ctx: month_end(int(m.group("year")), _month(m)),
        [("2024.12", "2024-12-31"), ("2024-06", "2024-06-30"), ("2025/3前", "2025-03-31")],
        gate="-/.",
    ),
    rule(
        "<yyyy>.<mm>至<yyyy>.<mm>, due at the range end",
        (f"{LIMIT}(?<![\\d.])(?P<year>20\\d{{2}})[./](?P<m1>\\d{{1,2}})(?:至|到|-{{1,2}})"
         f"(?:(?P<year2>20\\d{{2}})[./])?(?P<m2>\\d{{1,2}})(?![\\d./%万亿元件个]){BY_OPT}"),
        _dotted_range_end,
        [("2024.1-2024.6", "2024-06-30"), ("2024.10至2025.3", "2025-03-31"), ("2024.3-6", "2024-06-30")],
        gate="-至到",
    ),
    rule(
        "<yyyymmdd>日前 (separators lost)",
        (f"{LIMIT}(?<!\\d)(?P<year>(?:19|20)\\d{{2}})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\\d|3[01])(?!\\d)"
         f"[日号]{BY_OPT}"),
        _full_date,
        [("20251230日前", "2025-12-30"), ("20240630号", "2024-06-30"), ("20230229日", "invalid")],
        gate="日号",
        review="ocr-date",
    ),
    rule(
        "<month>至<month>, due at the range end",
        (f"{LIMIT}{YEAR_OPT}(?<!\\d)(?P<m1>\\d{{1,2}})(?:月(?:\\d{{1,2}}[日号]|份?(?:底|末|初|[上中下]旬)?))?"
         f"(?:至|到|-{{1,2}})(?:{YEAR2})?(?P<m2>\\d{{1,2}})月份?(?:底|末|(?P<part>[上中]旬|下旬|初))?{BY_OPT}"),
        _range_end,
        [("4月至6月", "2024-06-30"), ("6-8月", "2024-08-31"), ("1-6月份", "2024-06-30"),
         ("2024年6月至12月", "2024-12-31"), ("11月至次年2月", "2025-02-28"), ("10月至3月", "2025-03-31"),
         ("2024年10月到2025年1月底前", "2025-01-31"), ("6月—8月", "2024-08-31"),
         ("2025年10月底—2025年12月底", "2025-12-31"), ("5月15日至6月底", "2024-06-30"),
         ("6月上旬至7月中旬", "2024-07-20"), ("2024年3月至6月", "2024-06-30")],
        gate="至到-",
    ),
    rule(
        "<month><day>至<day>, due at the range end",
        (f"{LIMIT}{YEAR_OPT}(?<!\\d)(?P<m1>\\d{{1,2}})月(?P<d1>\\d{{1,2}})[日号]?(?:至|到|-{{1,2}})(?:{YEAR2})?"
         f"(?:(?P<m2>\\d{{1,2}})月)?(?P<d2>\\d{{1,2}})[日号]{BY_OPT}"),
        _range_end,
        [("9月10日至9月20日", "2024-09-20"), ("6月10日至20日", "2024-06-20"), ("6月10-20日", "2024-06-20"),
         ("12月20日至次年1月10日", "2025-01-10"), ("6月10日至6月31日", "invalid"), ("5月15日至5月31日", "2024-05-31")],
        gate="至到-",
    ),
    rule(
        "<month>、<month>底前",
        f"{LIMIT}{YEAR_OPT}(?<!\\d)(?P<items>{_ITEM}(?:[、,和及与]{_ITEM})+)(?:的(?P<day>\\d{{1,2}})[日号])?(?P<by>{BY})?",
        _list_parts,
        [("6月底、9月底、12月底前", "2024-06-30,2024-09-30,2024-12-31"),
         ("3月、6月、9月底前", "2024-03-31,2024-06-30,2024-09-30"),
         ("2022年4月10日、7月10日、10月10日和2023年1月10日前", "2022-04-10,2022-07-10,2022-10-10,2023-01-10"),
         ("6月、9月和12月底", "2024-06-30,2024-09-30,2024-12-31"),
         ("3月、6月、9月、12月的25日前", "2024-03-25,2024-06-25,2024-09-25,2024-12-25"),
         ("6月30日和12月31日前", "2024-06-30,2024-12-31"), ("4月、7月前", "2024-03-31,2024-06-30")],
        gate="月",
    ),
    rule(
        "本月底",
        f"(?<![\\d个每])(?P<which>本|当|下)?月(?:底|末){BY_OPT}",
        lambda m, ctx: _issue_month_end(ctx, 1 if m.group("which") == "下" else 0),
        [("本月底前", "2024-05-31"), ("月底前", "2024-05-31"), ("下月底", "2024-06-30")],
        gate="底末",
    ),
)


def _issue_month_end(ctx, ahead: int):
    """"本月底" needs the issue month; without an issue date the rule does not apply."""
    if ctx.doc_date is None:
        return None
    month = ctx.doc_date.month + ahead
    year = ctx.doc_date.year + (month - 1) // 12
    return month_end(year, (month - 1) % 12 + 1)

