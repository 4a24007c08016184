"""Which words a deadline governs: "6月底前,组织…入库;年底前,实现…全覆盖" → two actions.

A deadline that opens its sentence (or a later comma clause) governs the words after
it, up to the next deadline that opens a clause or the end of the sentence. A deadline
inside a clause ("组织…,于6月底前完成") governs the whole piece it sits in, itself included,
but not beyond a neighbouring deadline in that piece (nor into that deadline's clause).
Sentence and clause boundaries are found once per text, so a cell of 10,000 clauses costs
10,000 times one clause, not its square.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_SENTENCE_END = re.compile(r"[。;!?\n]")
_CLAUSE_BREAKS = re.compile("[,:、]")
# Words that may stand between a clause start and its deadline without owning it.
_PARTICLES = re.compile(r"(?:并|且|同时|要|须|需|应|务必|力争|争取|确保|计划|预计|拟|于|在|将|均|要求|分别)*")
_EDGE = " ,:、;。!?()\n"


class _Layout:
    """Sentence ends and clause breaks of one text, found once: each lookup is a bisect."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.breaks = [m.start() for m in _CLAUSE_BREAKS.finditer(text)]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_left(self.ends, pos)
        start = self.ends[i - 1] + 1 if i else 0
        return start, self.ends[i] if i < len(self.ends) else len(self.text)

    def clause_of(self, sentence_start: int, pos: int) -> int:
        """Where the clause holding `pos` starts."""
        i = bisect_left(self.breaks, pos)
        return max(self.breaks[i - 1] + 1, sentence_start) if i else sentence_start

    def clause_start(self, sentence_start: int, pos: int) -> int | None:
        """Where the clause holding `pos` starts, if only particles stand before `pos` in it."""
        start = self.clause_of(sentence_start, pos)
        return start if _PARTICLES.fullmatch(self.text, start, pos) else None


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Without edge punctuation, but keeping a bracket the action itself opened or closed."""
    while start < end and text[start] in _EDGE:
        if text[start] == "(" and text.find(")", start, end) != -1:
            break
        start += 1
    while end > start and text[end - 1] in _EDGE:
        if text[end - 1] == ")" and text.find("(", start, end) != -1:
            break
        end -= 1
    return (start, end) if start < end else None


def governed_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """For each deadline span (sorted, non-overlapping) the span of its action, or None."""
    if not spans:
        return []
    layout = _Layout(text)
    result: list[tuple[int, int] | None] = []
    i = 0
    while i < len(spans):
        s0, s1 = layout.sentence(spans[i][0])
        j = i
        while j < len(spans) and spans[j][0] < s1:
            j += 1
        group = spans[i:j]
        opens = [layout.clause_start(s0, sp[0]) for sp in group]
        piece_starts = [s0] + [c for k, c in enumerate(opens) if k and c is not None]
        for n, ((start, end), clause) in enumerate(zip(group, opens)):
            k = bisect_right(piece_starts, start)
            piece_start = piece_starts[k - 1]
            piece_end = piece_starts[k] if k < len(piece_starts) else s1
            if clause is not None and clause == piece_start:
                result.append(_trim(text, end, piece_end))
                continue
            # Inside a clause: the piece, but not across a neighbouring deadline in it, and
            # not into its clause when it has one of its own ("甲要于6月底前…，乙要在每月5日前…").
            if n and group[n - 1][1] > piece_start:
                piece_start = max(group[n - 1][1], layout.clause_of(s0, start))
            if n + 1 < len(group) and group[n + 1][0] < piece_end:
                following = layout.clause_of(s0, group[n + 1][0])
                piece_end = following if following > end else group[n + 1][0]
            result.append(_trim(text, piece_start, piece_end))
        i = j
    return result
