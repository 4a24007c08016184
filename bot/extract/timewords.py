"""Time words no rule understood: warnings for a person, never silent drops.

Only the text the rules left unclaimed is looked at. Unmistakable leftovers ("6月中",
"2025年前", "清明") are reported directly. Vaguer words ("汛期", "近期", "暑期") are
confirmed with jieba's part-of-speech tag `t`; jieba costs about a second to load, so it
is imported only when such a word is actually left over.
"""
from __future__ import annotations

from bisect import bisect_right

from bot.extract.first_chars import guarded

_STRONG = guarded(
    r"(?<!\d)\d{1,2}月(?:\d{1,2}[日号]?)?[底末初中前后内]*"
    r"|(?<!\d)\d{1,2}日(?:之前|以前|前)"
    r"|(?<!\d)\d{4}年[底末初中前后内]*"
    r"|(?:元旦|春节|国庆|劳动节|端午|中秋|清明)节?[前后]?"
    r"|[上中下]旬|\d季度[末初]?|[上下]半年|年[底末初]|月[底末初]|明年|次年|下一?年(?!度)"
    # Recurrences no rule read ("每两个月", "每三周", "每天", "每月结束后").
    r"|每(?:\d+|半)个?(?:月|周|星期|年|季度?|旬)|每个?(?:旬|日|天)|隔\d*个?(?:月|周|年|季度?)|[单双]月(?!刊)"
    r"|每个?(?:月|季度?|年度?)(?:终了|结束)(?:之?后)?"
)
_WEAK = guarded(r"近期|本周|下周|上周|本月|下月|上月|年初|季末|[春夏秋冬]季|暑期|寒假|暑假|汛期|节前|节后|假期|年前|年后")
_WINDOW = 8
_MASK = "\x00"


def unclaimed(text: str, claimed: list[tuple[int, int]]) -> str:
    """`text` with every claimed span blanked out (same length, so offsets hold)."""
    out, last = [], 0
    for start, end in claimed:
        out.append(text[last:start])
        out.append(_MASK * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


def _jieba_time_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)  # its start-up chatter is not for the admin's terminal
    lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    lo = text.rfind(_MASK, lo, start) + 1 or lo
    hi_mask = text.find(_MASK, end, hi)
    hi = hi_mask if hi_mask != -1 else hi
    words, pos = [], lo
    for token in jieba.posseg.cut(text[lo:hi]):
        w_start, pos = pos, pos + len(token.word)
        if token.flag.startswith("t") and w_start < end and pos > start:
            words.append((w_start, pos))
    return words


def unknown_time_words(text: str, claimed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (in `text`) of time words left unexplained by the rules."""
    free = unclaimed(text, claimed)
    strong = [m.span() for m in _STRONG.finditer(free)]  # sorted and disjoint
    strong_starts = [s for s, _ in strong]
    spans = list(strong)
    for m in _WEAK.finditer(free):
        i = bisect_right(strong_starts, m.start()) - 1  # the last strong word starting at or before it
        overlaps = (i >= 0 and strong[i][1] > m.start()) or (i + 1 < len(strong) and strong[i + 1][0] < m.end())
        if not overlaps:
            spans.extend(_jieba_time_words(free, *m.span()))
    return sorted(set(spans))
