"""Normalisation: one canonical spelling for the rules, with a way back to the original.

Rules are written once, over half-width digits and punctuation with no OCR spaces and
with Chinese numerals in time context turned into digits ("二〇二四年十二月底" →
"2024年12月底"). Milestones must still point into the clause *as given*, so every
rewrite is recorded and `orig_start`/`orig_end` map a normalised span back.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bot.extract.first_chars import guarded
from bot.numerals import NUMERAL_CHARS, parse_numeral

# One-to-one rewrites keep offsets unchanged, so they run first (str.translate, in C).
_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_WIDTH.update({
    "（": "(", "）": ")", "，": ",", "；": ";", "：": ":", "％": "%", "．": ".", "／": "/",
    "！": "!", "？": "?", "－": "-", "—": "-", "–": "-", "―": "-", "‐": "-", "~": "-",
    "～": "-", "〜": "-", "\u3000": " ", "\xa0": " ", "\t": " ",
})
_TRANSLATE = str.maketrans(_WIDTH)

# Spelled numbers become digits only before a time unit, so "第六届", "十四五" and "一批"
# stay as written while "十一月", "二〇二四年", "三季度", "三个工作日" are rewritten.
_NUMERAL = (f"[{NUMERAL_CHARS}](?: *[{NUMERAL_CHARS}])*"
            "(?= *(?:月|日|号|年|季|个|周(?![一二三四五六日天])|星期|工作日|天|小时))")
# OCR inserts spaces anywhere; only a space between two Latin letters carries meaning.
_SPACE = r" +(?![A-Za-z])|(?<![A-Za-z]) +"
_REWRITE = guarded(f"(?P<num>{_NUMERAL})|(?P<space>{_SPACE})")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus the rewritten pieces (norm_start, norm_end, orig_start, orig_end).

    Text between pieces maps one to one; a position inside a rewritten piece maps to the
    whole original piece, so a span always covers complete original characters.
    """

    text: str
    original: str
    pieces: tuple[tuple[int, int, int, int], ...] = ()

    def _locate(self, pos: int) -> tuple[int, int, int, int] | None:
        """The last piece starting at or before `pos` (None: no rewrite before it)."""
        i = bisect_right(self.pieces, (pos, float("inf"))) - 1
        return self.pieces[i] if i >= 0 else None

    def orig_start(self, pos: int) -> int:
        piece = self._locate(pos)
        if piece is None:
            return pos
        n0, n1, o0, o1 = piece
        return o0 if pos < n1 else o1 + (pos - n1)

    def orig_end(self, pos: int) -> int:
        if pos <= 0:
            return self.orig_start(pos)
        piece = self._locate(pos - 1)
        if piece is None:
            return pos
        n0, n1, o0, o1 = piece
        return o1 if pos <= n1 else o1 + (pos - n1)

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        o_start = self.orig_start(start)
        return (o_start, self.orig_end(end)) if end > start else (o_start, o_start)


def normalize(text: str) -> Normalized:
    text_1to1 = text.translate(_TRANSLATE)
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    last = 0
    norm_len = 0
    for m in _REWRITE.finditer(text_1to1):
        if m.lastgroup == "space":
            replacement = ""
        else:
            value = parse_numeral(m.group().replace(" ", ""))
            if value is None:
                continue
            replacement = str(value)
        out.append(text_1to1[last:m.start()])
        norm_len += m.start() - last
        # Removed spaces get an empty piece so later positions shift correctly.
        pieces.append((norm_len, norm_len + len(replacement), m.start(), m.end()))
        out.append(replacement)
        norm_len += len(replacement)
        last = m.end()
    if not pieces:
        return Normalized(text_1to1, text)
    out.append(text_1to1[last:])
    return Normalized("".join(out), text, tuple(pieces))


_ACTION_SPACE = re.compile(r"[ \t\u3000\xa0]+(?![A-Za-z])|(?<![A-Za-z])[ \t\u3000\xa0]+")


def drop_noise_spaces(text: str) -> str:
    """Original text for display without the spaces OCR put between Chinese characters."""
    return _ACTION_SPACE.sub("", text).strip()
