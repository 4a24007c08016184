"""Run the rule table over normalised text and keep the best non-overlapping readings.

Every rule proposes matches; the longest wins, then the leftmost, then the earlier
rule in the table. What stands next to a date can change its reading (tails.py: a start,
a period name, "以后每年"); such a match still claims its span, so no shorter rule
re-reads it. Choosing is linear in the text: one claimed-character map, no pairwise checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.extract.rule import InvalidDate, Recurrence, Rule, Start
from bot.extract.rules_recurring import starting
from bot.extract.table import GATE_CHARS, RULES_BY_CHAR
from bot.extract.tails import read_tail
from bot.model import Context

_SENTENCE_END = re.compile(r"[。;!?\n]")


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    rule: Rule
    value: object  # date | Recurrence | list of Part | NotDeadline | PeriodName | Note | InvalidDate
    review: str = ""  # a flag code for every milestone of this hit ("ocr-date", "already-done", …)
    tail: str = ""  # the tail that changed the reading ("以后每年"), if any

    @property
    def matched_by(self) -> str:
        return f"{self.rule.name}，{self.tail}" if self.tail else self.rule.name

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
    opened: set = set()
    for c in set(GATE_CHARS.findall(text)):
        opened |= RULES_BY_CHAR[c]
    for order, rule in opened:
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
    review, tail = rule.review, ""
    if isinstance(value, (date, Recurrence, list)):
        value, end, tail_review, tail = read_tail(text, start, end, value, ctx)
        review = review or tail_review
    return Hit(start, end, rule, value, review, tail)


def scan(text: str, ctx: Context) -> list[Hit]:
    """The chosen readings of `text`, left to right."""
    found = _candidates(text, ctx)
    if len(found) < 2:
        return [hit for *_, hit in found]  # nothing to choose between, and no start before a recurrence
    chosen: list[Hit] = []
    claimed = bytearray(len(text))
    for *_, hit in sorted(found, key=lambda c: c[:3]):
        if claimed.find(1, hit.start, hit.end) == -1:
            claimed[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
            chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    return _from_starts(text, chosen, ctx)


def _from_starts(text: str, hits: list[Hit], ctx: Context) -> list[Hit]:
    """"自2025年6月起，每月10日前报送": a recurrence after a start in its sentence begins there."""
    start_day, last = None, 0
    for i, hit in enumerate(hits):
        if start_day and _SENTENCE_END.search(text, last, hit.start):
            start_day = None
        if isinstance(hit.value, Start):
            start_day = hit.value.day
        elif start_day and isinstance(hit.value, Recurrence):
            hits[i] = replace(hit, value=starting(hit.value, start_day, ctx))
        last = hit.end
    return hits
