"""Undoing OCR damage in cell and line text: stray spaces, bled-in fragments, garbage.

Each repair that changes words (not just spacing) is reported back to the caller, who
turns it into a review note on the row: nothing is altered silently.
"""
from __future__ import annotations

import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK = HAN + "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20《》“”‘’（）【】—…"
_SPACE_RUN = re.compile(rf"(?<=[{_CJK},;:)])[ \t\u3000]+(?=[{_CJK}0-9(])|(?<=[0-9])[ \t\u3000]+(?=[{_CJK}])")
_BLEED_SPACE = re.compile(rf"(?<=[{HAN}，。；、,;])[ \t\u3000]+(?=[{HAN}])")
_STRAY_BRACKET = ")]）】"
_HAN_CHAR = re.compile(f"[{HAN}]")
_SECTION = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*\S")
_DIGIT = "0-9０-９"
_TASK_NO = re.compile(  # "19. …", "19 …", "（3）…"; four digits only before 、/. (so "2024 年" is no task)
    rf"^\s*(?:([{_DIGIT}]{{1,3}})\s*(?:[.．、,，]|\s)|([{_DIGIT}]{{4}})\s*[.．、]|[（(]\s*([{_DIGIT}]{{1,4}})\s*[）)])\s*(?=\S)"
)
_BARE_NO = re.compile(r"^\s*[（(]?\s*(\d{1,4})\s*[.．、）)]?\s*$")


def join_spaces(text: str) -> str:
    """Drop the spaces OCR puts between Chinese characters ("人才队 伍建设")."""
    return _SPACE_RUN.sub("", text.strip())


def fold(text: str) -> str:
    """Full-width digits and letters as ASCII, for numbers and headers only."""
    return unicodedata.normalize("NFKC", text)


def is_garbage(cell: str) -> bool:
    """Mostly symbols or kana where Chinese should be ("送 ・ が が ・ …")."""
    chars = [c for c in cell if not c.isspace()]
    if len(chars) < 4:
        return False
    readable = sum(1 for c in chars if _HAN_CHAR.match(c) or c.isascii() and c.isalnum())
    return readable / len(chars) < 0.4


def section_heading(cell: str) -> bool:
    return bool(_SECTION.match(cell))


def task_number(cell: str) -> tuple[int | None, str]:
    """(number, rest) for "19. 扎实推进…", "（3）…"; (None, cell) when it does not start with one."""
    match = _TASK_NO.match(cell)
    if not match:
        return None, cell
    return int(fold(next(g for g in match.groups() if g))), cell[match.end():]


def bare_number(cell: str) -> int | None:
    """The number of a cell holding nothing else ("19." split from its title, 序号 columns)."""
    match = _BARE_NO.match(fold(cell))
    return int(match.group(1)) if match else None


def _wrapped_line_starts(units_raw: str) -> set[str]:
    """The first 2–3 characters of each wrapped line of the units cell: what bleeds."""
    starts = set()
    for cell in units_raw.split("|"):
        for segment in cell.split()[1:]:
            starts.update({segment[:2], segment[:3]})
    return {s for s in starts if len(s) >= 2}


def remove_bleed(measures: str, units_raw: str) -> tuple[str, list[str], list[str]]:
    """(text, removed, suspicious): fragments of the units column that OCR put in the text.

    Removed: a wrapped line start of this row's units cell, or a units character followed by
    a stray bracket ("运)"), standing after a space. Suspicious (kept, for a person to judge):
    a space followed by a units character that does not continue the word before it.
    """
    starts = _wrapped_line_starts(units_raw)
    unit_chars = set(_HAN_CHAR.findall(units_raw))
    unit_pairs = {units_raw[i : i + 2] for i in range(len(units_raw) - 1)}
    removed: list[str] = []
    suspicious: list[str] = []
    out, last = [], 0
    for space in _BLEED_SPACE.finditer(measures):
        after = space.end()
        if space.start() < last:
            continue
        cut = next((n for n in (3, 2) if measures[after : after + n] in starts), 0)
        if not cut and measures[after] in unit_chars and measures[after + 1 : after + 2] in tuple(_STRAY_BRACKET):
            cut = 2
        if cut:
            removed.append(measures[after : after + cut])
            out.append(measures[last : space.start()])
            last = after + cut
            while last < len(measures) and measures[last] in " \t\u3000":
                last += 1
        elif measures[after] in unit_chars and measures[space.start() - 1] + measures[after] not in unit_pairs:
            context = measures[max(space.start() - 2, 0) : after + 3]
            suspicious.append(context)
    out.append(measures[last:])
    return "".join(out), removed, suspicious
