"""Run the rule table over normalised text and keep the best non-overlapping readings.

Every rule proposes matches; the longest wins, then the leftmost, then the earlier
rule in the table. A date followed by "以来/以后/起/已…" is a start or a past fact, and
one followed by a noun ("上半年工作总结", "一季度案件复核") names a period, not a
deadline: such a match still claims its span, so no shorter rule re-reads it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.extract.rule import NOT_DEADLINE, InvalidDate, Recurrence, Rule
from bot.extract.table import BY_GATE, GATE_CHARS
from bot.model import Context

_NOT_A_DEADLINE_AFTER = re.compile(
    r"以来|以后|之后|后(?!续)|起(?!草)|开始|已"
    r"|的?(?:工作|总结|情况|数据|统计|报告|任务|案件|计划|目标|进展|考核|绩效|成果|台账|报表|复核|指标|同期)"
)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    rule: Rule
    value: object  # date | Recurrence | list of Part | NotDeadline | Note | InvalidDate

    @property
    def is_deadline(self) -> bool:
        return isinstance(self.value, (date, Recurrence, list))

    def parts(self) -> list[tuple[int, int, date, str | None]]:
        """(start, end, due, rrule) for each milestone this hit states."""
        if isinstance(self.value, list):
            return [(p.start, p.end, p.due, None) for p in self.value]
        if isinstance(self.value, Recurrence):
            return [(self.start, self.end, self.value.due, self.value.rrule)]
        return [(self.start, self.end, self.value, None)]


def _candidates(text: str, ctx: Context) -> list[tuple[int, int, int, Hit]]:
    found = []
    present = set(GATE_CHARS.findall(text))
    for gate, rules in BY_GATE:
        if present.isdisjoint(gate):
            continue
        for order, rule in rules:
            for m in rule.pattern.finditer(text):
                hit = _reading(rule, m, text, ctx)
                if hit is not None:
                    found.append((hit.start - hit.end, hit.start, order, hit))
    return found


def _reading(rule: Rule, m: re.Match, text: str, ctx: Context) -> Hit | None:
    start, end = m.span()
    try:
        value = rule.resolve(m, ctx)
    except InvalidDate as exc:
        value = exc
    if value is None:
        return None
    if isinstance(value, (date, Recurrence, list)):
        after = _NOT_A_DEADLINE_AFTER.match(text, end)
        if after:
            value, end = NOT_DEADLINE, after.end()
    return Hit(start, end, rule, value)


def scan(text: str, ctx: Context) -> list[Hit]:
    """The chosen readings of `text`, left to right."""
    chosen: list[Hit] = []
    for *_, hit in sorted(_candidates(text, ctx), key=lambda c: c[:3]):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    return chosen
