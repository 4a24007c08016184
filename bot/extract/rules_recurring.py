"""Recurring deadlines: 每月5日前, 每月13日、28日前, 每季度末, 每季度首月10日前, 每季度末月20日前,
每两个月, 隔月, 双月, 每半月, 每旬, 每半年, 每年3月1日前, 每周五.

Each resolves to an RFC 5545 RRULE that dateutil.rrule accepts, bounded by UNTIL = the
last day of the working year (a task list is a list for one year). `due` is the first
occurrence on or after the issue date; a rule with none left that year is due at its
first occurrence in the year and is flagged as past, like any other past deadline.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from dateutil.rrule import rrulestr

from bot.extract.rule import BY_OPT, DAY, MONTH, InvalidDate, Recurrence, checked_date, reference_day, rule
from bot.model import Context


@lru_cache(maxsize=1024)
def _first_on_or_after(rrule: str, start: date, year_start: date) -> date:
    occurrences = rrulestr(rrule, dtstart=datetime.combine(year_start, datetime.min.time()))
    first = occurrences.after(datetime.combine(start, datetime.min.time()), inc=True)
    if first is None:
        first = occurrences.after(datetime.combine(year_start, datetime.min.time()), inc=True)
    return first.date()


def recurrence(body: str, ctx: Context, first: date | None = None) -> Recurrence:
    """`first`: a stated first date ("2019年7月底前，以后每年"); the rule runs to the end of its year at least."""
    last_year = max(ctx.year, first.year) if first else ctx.year
    return starting(Recurrence(f"{body};UNTIL={last_year}1231", date(ctx.year, 1, 1)), first, ctx)


def starting(rec: Recurrence, first: date | None, ctx: Context) -> Recurrence:
    """`rec` due at its first occurrence on or after the issue date and `first` ("自6月起，每月…")."""
    year_start = date(ctx.year, 1, 1)
    start = max(reference_day(ctx), year_start, first or year_start)
    return Recurrence(rec.rrule, _first_on_or_after(rec.rrule, start, year_start))


_DAY_ITEM = re.compile(r"(\d{1,2})[日号]")
# One or more days of the month sharing a tail: "5日", "13日、28日".
DAYS = "(?P<days>\\d{1,2}[日号](?:[、,和及与]\\d{1,2}[日号])*)"


def month_days(m) -> str:
    """BYMONTHDAY (and BYSETPOS) for the days named: a 30th falls back to the last day in February."""
    days = sorted({int(d) for d in _DAY_ITEM.findall(m.group("days"))})
    bad = [d for d in days if not 1 <= d <= 31]
    if bad:
        raise InvalidDate(f"没有{bad[0]}日")
    if days[-1] <= 28:
        return "BYMONTHDAY=" + ",".join(map(str, days))
    return (f"BYMONTHDAY={','.join(map(str, days))},-1;"
            f"BYSETPOS={','.join(str(i) for i in range(1, len(days) + 1))}")


# Whole periods, one row each: (name, unit regex, RRULE body, may the period word stand alone, gate).
PERIODS = (
    ("每月底", "月", "FREQ=MONTHLY;BYMONTHDAY=-1", True, "每按",
     [("每月底前", "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20241231"), ("按月", "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20241231")]),
    ("每季度末", "季度?", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1", True, "季",
     [("每季度末", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;UNTIL=20241231"),
      ("按季度", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;UNTIL=20241231")]),
    ("每半年", "半年", "FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1", True, "半",
     [("每半年", "FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1;UNTIL=20241231")]),
    ("每半月", "半个?月", "FREQ=MONTHLY;BYMONTHDAY=15,-1", True, "半",
     [("每半月", "FREQ=MONTHLY;BYMONTHDAY=15,-1;UNTIL=20241231"),
      ("每半个月", "FREQ=MONTHLY;BYMONTHDAY=15,-1;UNTIL=20241231")]),
    ("每旬", "旬", "FREQ=MONTHLY;BYMONTHDAY=10,20,-1", True, "旬",
     [("每旬", "FREQ=MONTHLY;BYMONTHDAY=10,20,-1;UNTIL=20241231")]),
    ("每年底", "年年?", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", False, "每",
     [("每年年底前", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31;UNTIL=20241231")]),
)

# Which month of each quarter: the word → its month in the first quarter.
QUARTER_MONTHS = {"首月": 1, "第1个月": 1, "第1月": 1, "第2个月": 2, "第2月": 2, "中间月": 2,
                  "末月": 3, "最后1个月": 3, "最后1月": 3, "第3个月": 3, "第3月": 3}

WEEKDAYS = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU", "天": "SU"}


def _period_rule(name: str, unit: str, body: str, bare_ok: bool, gate: str, examples):
    lead, end = ("(?:每个?|按)", "(?:底|末)?") if bare_ok else ("每", "(?:底|末)")
    return rule(name, f"{lead}(?:{unit}){end}{BY_OPT}(?!度?(?:终了|结束))", lambda m, ctx: recurrence(body, ctx), examples,
                gate=gate)


def _quarter_months(m) -> str:
    first = QUARTER_MONTHS[m.group("which")]
    return ",".join(str(first + 3 * q) for q in range(4))


def _after_period_end(m, ctx: Context) -> Recurrence | None:
    """"每季度结束后10日内": the n-th day of the month after each period; more than 28 days
    is no fixed day of that month, so the rule stands aside and the words get a warning."""
    day = int(m.group("d"))
    if not 1 <= day <= 28:
        return None
    months = "" if m.group("p") == "月" else "BYMONTH=1,4,7,10;"
    return recurrence(f"FREQ=MONTHLY;{months}BYMONTHDAY={day}", ctx)


def _every_n_months(m, ctx: Context) -> Recurrence | None:
    """Every n months, at the end of each n-month stretch of the year; n must divide 12 (else: a warning)."""
    n = 2 if m.group("every_other") else int(m.group("n"))
    if n < 1 or 12 % n:
        return None
    months = ",".join(str(k) for k in range(n, 13, n))
    return recurrence(f"FREQ=MONTHLY;BYMONTH={months};BYMONTHDAY=-1", ctx)


RULES = (
    *(_period_rule(*row) for row in PERIODS),
    rule(
        "每月<day>前",
        f"每个?月(?:的)?{DAYS}{BY_OPT}",
        lambda m, ctx: recurrence(f"FREQ=MONTHLY;{month_days(m)}", ctx),
        [("每月5日前", "FREQ=MONTHLY;BYMONTHDAY=5;UNTIL=20241231"),
         ("每个月25号", "FREQ=MONTHLY;BYMONTHDAY=25;UNTIL=20241231"), ("每月35日前", "invalid"),
         ("每月13日、28日前", "FREQ=MONTHLY;BYMONTHDAY=13,28;UNTIL=20241231"),
         ("每月30日前", "FREQ=MONTHLY;BYMONTHDAY=30,-1;BYSETPOS=1;UNTIL=20241231")],
        gate="每",
    ),
    rule(
        "每季度<which month><day>前",
        f"每个?季度(?:的)?(?P<which>{'|'.join(QUARTER_MONTHS)})(?:的)?{DAYS}{BY_OPT}",
        lambda m, ctx: recurrence(f"FREQ=MONTHLY;BYMONTH={_quarter_months(m)};{month_days(m)}", ctx),
        [("每季度首月10日前", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=10;UNTIL=20241231"),
         ("每季度第一个月15日前", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=15;UNTIL=20241231"),
         ("每季度末月20日前", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=20;UNTIL=20241231"),
         ("每季度最后一个月的30日前", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=30,-1;BYSETPOS=1;UNTIL=20241231"),
         ("每季度第二个月5日", "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=5;UNTIL=20241231")],
        gate="每",
    ),
    rule(
        "每<period>结束后<n>日内",
        f"每个?(?P<p>月|季度?)(?:终了|结束)(?:之?后)(?P<d>\\d{{1,2}})(?:日|天)(?:以内|之内|内)",
        _after_period_end,
        [("每季度结束后10日内", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=10;UNTIL=20241231"),
         ("每月终了后5日内", "FREQ=MONTHLY;BYMONTHDAY=5;UNTIL=20241231")],
        gate="每",
    ),
    rule(
        "每<n>个月",
        f"(?:每(?P<n>\\d{{1,2}})个?月|(?P<every_other>隔月|双月(?!刊)))(?:底|末)?{BY_OPT}",
        _every_n_months,
        [("每两个月", "FREQ=MONTHLY;BYMONTH=2,4,6,8,10,12;BYMONTHDAY=-1;UNTIL=20241231"),
         ("隔月", "FREQ=MONTHLY;BYMONTH=2,4,6,8,10,12;BYMONTHDAY=-1;UNTIL=20241231"),
         ("双月", "FREQ=MONTHLY;BYMONTH=2,4,6,8,10,12;BYMONTHDAY=-1;UNTIL=20241231"),
         ("每三个月", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;UNTIL=20241231"),
         ("每4个月", "FREQ=MONTHLY;BYMONTH=4,8,12;BYMONTHDAY=-1;UNTIL=20241231")],
        gate="每隔双",
    ),
    rule(
        "每年<month><day>前",
        f"每年{MONTH}{DAY}{BY_OPT}",
        lambda m, ctx: _yearly(m, ctx, int(m.group("d"))),
        [("每年3月1日前", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1;UNTIL=20241231"),
         ("每年11月30日前", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=30;UNTIL=20241231"), ("每年2月30日前", "invalid")],
        gate="每",
    ),
    rule(
        "每年<month>底",
        f"每年{MONTH}份?(?:底|末|(?P<part>上旬|中旬|下旬|初)){BY_OPT}",
        lambda m, ctx: _yearly(m, ctx, {"上旬": 10, "初": 10, "中旬": 20}.get(m.group("part"), -1)),
        [("每年6月底前", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1;UNTIL=20241231"),
         ("每年12月上旬前", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10;UNTIL=20241231"),
         ("每年1月下旬", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=-1;UNTIL=20241231")],
        gate="每",
    ),
    rule(
        "每周<weekday>",
        f"每(?:周|星期)(?P<wd>[{''.join(WEEKDAYS)}])(?![次个遍批期轮])(?:下班)?{BY_OPT}",
        lambda m, ctx: recurrence(f"FREQ=WEEKLY;BYDAY={WEEKDAYS[m.group('wd')]}", ctx),
        [("每周五前", "FREQ=WEEKLY;BYDAY=FR;UNTIL=20241231"), ("每星期一", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20241231")],
        gate="每",
    ),
)


def _yearly(m, ctx: Context, day: int) -> Recurrence:
    month = int(m.group("m"))
    checked_date(2024, month, day if day > 0 else 1)  # 2024 is a leap year: 2月29日 stays valid
    return recurrence(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}", ctx)
