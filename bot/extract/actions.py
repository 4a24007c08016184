"""Which words a deadline governs: "6月底前,组织…入库;年底前,实现…全覆盖" → two actions.

A deadline that opens its sentence (or a later comma clause) governs the words after
it, up to the next deadline that opens a clause or the end of the sentence. A deadline
inside a clause ("组织…,于6月底前完成") governs the whole piece it sits in, itself included.
"""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[。;!?\n]")
_CLAUSE_BREAK = ",:、"
# Words that may stand between a clause start and its deadline without owning it.
_PARTICLES = re.compile(r"(?:并|且|同时|要|须|需|应|务必|力争|争取|确保|计划|预计|拟|于|在|将|均|要求)*")
_EDGE = " ,:、;。!?()\n"


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, pos)), default=0)
    end_match = _SENTENCE_END.search(text, pos)
    return start, end_match.start() if end_match else len(text)


def _clause_start(text: str, sentence_start: int, pos: int) -> int | None:
    """Where the clause holding `pos` starts, if only particles stand before `pos` in it."""
    start = max((i + 1 for i in range(sentence_start, pos) if text[i] in _CLAUSE_BREAK), default=sentence_start)
    return start if _PARTICLES.fullmatch(text, start, pos) else None


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return (start, end) if start < end else None


def governed_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """For each deadline span (sorted, non-overlapping) the span of its action, or None."""
    result: list[tuple[int, int] | None] = []
    i = 0
    while i < len(spans):
        s0, s1 = _sentence(text, spans[i][0])
        group = [sp for sp in spans[i:] if sp[0] < s1]
        opens = [_clause_start(text, s0, sp[0]) for sp in group]
        piece_starts = [s0] + [c for k, c in enumerate(opens) if k and c is not None]
        for (start, end), clause in zip(group, opens):
            piece_start = max(p for p in piece_starts if p <= start)
            piece_end = min((p for p in piece_starts if p > start), default=s1)
            if clause is not None and clause == piece_start:
                result.append(_trim(text, end, piece_end))
            else:
                result.append(_trim(text, piece_start, piece_end))
        i += len(group)
    return result
