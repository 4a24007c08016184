"""What stands next to a date decides what the date is: a deadline, a start, a name, a habit.

A date followed by 前/之前 is a deadline whatever follows ("9月底前报告工作进展": 报告 is a
verb here). Without 前, a date followed by a noun ("上半年工作总结") or preceded by a verb
that takes a document as object ("编制三季度专利统计报告") names a period; that is a guess,
so it is flagged (`period-name`), never dropped silently. "以来/以后/起" mark a start or a
past fact; "…，以后每年" turns a first date into a yearly deadline; "已完成" keeps the date
and flags it (`already-done`), unless it only describes things ("已完成的项目", "未完成的任务").
Each tail carries its examples, read against EXAMPLE_CONTEXT (tests/extract/test_rule_examples.py).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from bot.extract.rule import NOT_DEADLINE, PeriodName, Recurrence, Start
from bot.extract.rules_recurring import recurrence
from bot.model import Context

_PERIOD_NOUNS = (r"的?(?:工作|总结|情况|数据|统计|报告|任务|案件|计划|目标|进展|考核|绩效|成果|台账|报表|复核|指标"
                 r"|同期|专利|经济|运行|形势|要点|安排|重点)")
# Verbs whose object is a document or a figure: the date after them qualifies that object.
_OBJECT_VERBS = re.compile(r"(?:编制|报送|上报|提交|做好|撰写|起草|发布|公布|汇总|分析|对照|梳理|编写|统计|总结|印发|制定|出台|部署|谋划)$")
_LOOK_BEHIND = 2


@dataclass(frozen=True)
class Tail:
    name: str
    pattern: re.Pattern
    after_by: bool  # does it apply after 前 too?
    claims: bool  # do its words join the reading's span ("…，以后每年"), or only steer it ("已")?
    effect: Callable[[object, Context, str], tuple[object, str]]  # (value, the date's words) → (value, review code)
    examples: tuple[tuple[str, str | None], ...]


def _start(value, words: str):
    """The first day a start names: "7月1日起" that day, "6月起" the 1st of June, "第二季度起"
    1 April; coarser starts ("下半年起") are not dated, so they only keep the words from being
    read as a deadline."""
    if not isinstance(value, date):
        return NOT_DEADLINE
    if re.search(r"\d[日号]", words):
        return Start(value)
    if "季度" in words:
        return Start(date(value.year, value.month - 2, 1))
    return Start(value.replace(day=1)) if "月" in words else NOT_DEADLINE


def _yearly(value, ctx: Context, words: str):
    if not isinstance(value, date):
        return value, ""
    last = calendar.monthrange(value.year, value.month)[1]
    day = -1 if value.day == last else value.day
    return recurrence(f"FREQ=YEARLY;BYMONTH={value.month};BYMONTHDAY={day}", ctx, first=value), ""


TAILS = (
    Tail("以后每年", re.compile(r",?(?:以后|此后|之后|今后|往后)(?:每年|逐年)"), True, True, _yearly,
         (("2019年7月底前,以后每年持续实施", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=-1;UNTIL=20241231"),
          ("6月15日前,此后每年组织一次", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15;UNTIL=20241231"))),
    Tail("…，以后每年", re.compile(r"[^,;:。!?]{1,30}?,(?:以后|此后|之后|今后|往后)(?:每年|逐年)"), True, False, _yearly,
         (("2024年7月底前出台实施办法,以后每年持续实施", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=-1;UNTIL=20241231"),)),
    Tail("已/未…的", re.compile(r"[已未][^,;:。!?]{0,8}?的"), True, True, lambda v, ctx, words: (NOT_DEADLINE, ""),
         (("2023年底前已完成的项目不再重复申报", None), ("全年未完成的任务转入下年度", None))),
    Tail("已", re.compile(r"已(?:经)?"), True, False, lambda v, ctx, words: (v, "already-done"),
         (("一季度末已完成", "2024-03-31 already-done"), ("9月底前已经建成", "2024-09-30 already-done"))),
    Tail("以来", re.compile(r"以来|以后|之后|后(?!续)"), False, True, lambda v, ctx, words: (NOT_DEADLINE, ""),
         (("6月份以来查处案件", None), ("7月1日后受理的申请", None))),
    Tail("起", re.compile(r"起(?!草)|开始"), False, True, lambda v, ctx, words: (_start(v, words), ""),
         (("自7月1日起施行", None), ("自8月起,每月10日前报送", "FREQ=MONTHLY;BYMONTHDAY=10;UNTIL=20241231"),
          ("从第二季度起,每个季度第1个月的20日前报送", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=20;UNTIL=20241231"))),
    Tail("时段名称", re.compile(_PERIOD_NOUNS), False, False, lambda v, ctx, words: (PeriodName(_first_due(v)), "period-name"),
         (("报送上半年工作总结", "period-name"), ("做好一季度数据统计", "period-name"),
          ("综合处要于2月底前印发全年重点工作任务台账", "2024-02-29 period-name"),
          ("2024年6月30日前总结经验", "2024-06-30"), ("9月底前报告工作进展", "2024-09-30"),
          ("11月底前考核验收", "2024-11-30"), ("6月底前统计数据", "2024-06-30"))),
)


def _first_due(value) -> date:
    if isinstance(value, list):
        return value[0].due
    return value.due if isinstance(value, Recurrence) else value


# Speed: one attempt tells whether any tail stands there at all (most readings have none).
_ANY_TAIL = {after_by: re.compile("|".join(t.pattern.pattern for t in TAILS if t.after_by or not after_by))
             for after_by in (False, True)}


def read_tail(text: str, start: int, end: int, value, ctx: Context) -> tuple[object, int, str, str]:
    """(value, end, review code, tail name) of a deadline reading at text[start:end]."""
    after_by = text.endswith("前", 0, end)
    for tail in TAILS if _ANY_TAIL[after_by].match(text, end) else ():
        if after_by and not tail.after_by:
            continue
        found = tail.pattern.match(text, end)
        if found:
            new_value, review = tail.effect(value, ctx, text[start:end])
            if new_value is value and not review:
                continue
            return new_value, found.end() if tail.claims else end, review, tail.name if new_value is not value else ""
    if not after_by and _OBJECT_VERBS.search(text, max(0, start - _LOOK_BEHIND), start):
        return PeriodName(_first_due(value)), end, "period-name", ""
    return value, end, "", ""
