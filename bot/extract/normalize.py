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
# OCR confusions that change a date, repaired one character for one (offsets hold) and
# reported, so the milestone they touch is flagged: "6月30曰前" (曰 for 日), "6月未前"
# (未 for 末, only before 前: "6月未完成" is left alone), "2O24年" (the letter O for 0).
_OCR_SUSPECT = re.compile("[曰未Oo〇○]")
_OCR_CHAR = re.compile(r"\d *(曰)|[月年度] *(未) *(?=前|之前|以前)")
_OCR_YEAR = re.compile(r"(?<![\dA-Za-z])[\dOo〇○](?: *[\dOo〇○]){3}(?= *年)")
_O_LIKE = "Oo〇○"
_OCR_REPAIR = {"曰": "日", "未": "末", "O": "0", "o": "0", "〇": "0", "○": "0"}
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
    repairs: tuple[int, ...] = ()  # positions (in the original) of characters OCR had confused

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
        if not self.pieces:  # nothing was rewritten: positions are the original's
            return start, end
        o_start = self.orig_start(start)
        return (o_start, self.orig_end(end)) if end > start else (o_start, o_start)


def _repair_ocr(text: str) -> tuple[str, tuple[int, ...]]:
    repairs = [m.start(m.lastindex) for m in _OCR_CHAR.finditer(text)]
    for m in _OCR_YEAR.finditer(text):
        year = m.group()
        if any(c.isdigit() for c in year) and any(c in _O_LIKE for c in year):  # "2O24", not "二〇二四"
            repairs += [i for i in range(m.start(), m.end()) if text[i] in _O_LIKE]
    if not repairs:
        return text, ()
    chars = list(text)
    for i in repairs:
        chars[i] = _OCR_REPAIR[chars[i]]
    return "".join(chars), tuple(sorted(repairs))


def normalize(text: str) -> Normalized:
    text_1to1 = text.translate(_TRANSLATE)
    repairs: tuple[int, ...] = ()
    if _OCR_SUSPECT.search(text_1to1):
        text_1to1, repairs = _repair_ocr(text_1to1)
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
        return Normalized(text_1to1, text, (), repairs)
    out.append(text_1to1[last:])
    return Normalized("".join(out), text, tuple(pieces), repairs)


_ACTION_SPACE = re.compile(r"[ \t\u3000\xa0]+(?![A-Za-z])|(?<![A-Za-z])[ \t\u3000\xa0]+")


def drop_noise_spaces(text: str) -> str:
    """Original text for display without the spaces OCR put between Chinese characters."""
    return _ACTION_SPACE.sub("", text).strip()
